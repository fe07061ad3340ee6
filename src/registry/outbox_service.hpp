// Survey emails for PROM follow-up: staff invite a patient by email, which queues the invitation, one
// reminder per reminder day of the clinic's settings, and a call-queue entry that opens call_after_days
// after the invitation if the follow-up is still unanswered then (whether or not its window has closed:
// staff see the follow-up's state beside the entry). An invitation the mail server never takes opens the
// call at once. RunDue sends what is due and opens the calls that are due.
//
// The guarantee: no reminder leaves after the survey was completed or the patient withdrew. Everything
// that ends a follow-up cancels its queued messages in the same transaction (outbox_records.hpp), and the
// sender sends each message inside a write transaction that first claims the message row, then re-checks
// the follow-up, then talks to the mail server, and only then commits. So a submission either committed
// before the check (the message is cancelled, not sent) or commits after the message left: SQLite lets one
// writer in at a time, and on PostgreSQL the submission's cancellation waits for the claimed row.
//
// Each message gets its own survey link as it is sent, made in that same transaction: only a token's hash
// is ever stored (RELIABILITY.md A7), so a queued message holds its wording with a placeholder instead.
// A crash while a message is with the mail server rolls its transaction back; the message is then sent
// again on the next run (at least once, never after the follow-up ended).
#pragma once

#include <chrono>
#include <string>

#include "core/time.hpp"
#include "registry/actor.hpp"
#include "registry/mail_transport.hpp"
#include "registry/outbox_messages.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// What one RunDue did.
struct OutboxRun {
  int sent = 0;
  int cancelled = 0;   // due, but the follow-up had ended meanwhile
  int postponed = 0;   // due together with an earlier message of the same follow-up
  int retrying = 0;    // the mail server failed; queued again with a delay
  int failed = 0;      // the last attempt failed; left as failed with its error
  int calls_opened = 0;
  Json ToJson() const;
};

class OutboxService {
 public:
  explicit OutboxService(Store& store, RetryPolicy policy = {}) : store_(store), policy_(policy) {}

  // Staff. Queues the invitation (due now) and its reminders for a scheduled follow-up; the links in them
  // start with `public_url`. A patient without a usable email address gets no messages: the follow-up goes
  // straight to the call queue (reason no_email_address). An earlier email invitation's queued messages
  // and call-queue entry are replaced.
  Result<Json> InviteByEmail(const Actor& actor, int64_t followup_id, const std::string& public_url);
  // The follow-up's messages (status, kind, times; never a body) and call-queue entries with their calls.
  Result<Json> FollowUpMessages(const Actor& actor, int64_t followup_id);

  // Sends every queued message due at `now` through `transport`, one transaction each, then opens the
  // call-queue entries due at `now`. Takes `now` rather than reading the clock, so tests and
  // `kneeregen outbox run --now` can step through days.
  Result<OutboxRun> RunDue(Clock::time_point now, MailTransport& transport);

 private:
  enum class SendResult { kSkipped, kSent, kCancelled, kPostponed, kRetrying, kFailed };
  Result<SendResult> SendOne(int64_t clinic_id, int64_t message_id, Clock::time_point now, MailTransport& transport);
  Result<bool> OpenCall(int64_t clinic_id, int64_t entry_id, Clock::time_point now);

  Store& store_;
  RetryPolicy policy_;
};

}  // namespace kneeregen
