// The sending half of OutboxService: one write transaction per message, holding the claimed row while the
// mail server is talked to (see the guarantee in outbox_service.hpp), then the calls that fell due.
#include <algorithm>
#include <tuple>

#include "core/crypto.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/outbox_service.hpp"
#include "registry/record_queries.hpp"
#include "registry/survey_links.hpp"

namespace kneeregen {

namespace {

// Who the outbox acts as in the audit and on the links it makes: the server itself, not a staff account.
Actor OutboxActor(int64_t clinic_id) {
  return Actor{.username = "outbox", .role = Role::kAdmin, .clinic_id = clinic_id, .request_id = "outbox"};
}

AuditEntry SystemAudit(int64_t clinic_id, std::string action, std::string object_type, int64_t object_id,
                       const Json& followup) {
  AuditEntry entry = OutboxActor(clinic_id).Audit(std::move(action), std::move(object_type), object_id);
  entry.role = "system";
  entry.patient_id = followup["patient_id"].get<int64_t>();
  return entry;
}

// {clinic id, record id} of the records of `schema` with `status` whose `time_field` is at or before `now`,
// oldest first.
std::vector<std::pair<int64_t, int64_t>> DueRecords(ReadTransaction& tx, const RecordSchema& schema,
                                                     const std::string& status, const std::string& time_field,
                                                     const std::string& now) {
  std::vector<std::tuple<std::string, int64_t, int64_t>> due;
  for (const auto& clinic : tx.ListClinics())
    for (const auto& r : AllRecords(tx, schema, clinic.id, {{"status", status}}))
      if (r[time_field].get<std::string>() <= now) due.emplace_back(r[time_field], clinic.id, r["id"]);
  std::sort(due.begin(), due.end());
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& [at, clinic, id] : due) out.emplace_back(clinic, id);
  return out;
}

// When the last message of the follow-up other than `message_id` left, if one did.
std::string LastSentAt(ReadTransaction& tx, int64_t clinic_id, const Json& message) {
  std::string last;
  for (const auto& m : AllRecords(tx, OutboxMessageSchema(), clinic_id, {{"followup_id", message["followup_id"]}}))
    if (m["id"] != message["id"] && m["status"] == "sent") last = std::max(last, m["sent_at"].get<std::string>());
  return last;
}

}  // namespace

Result<OutboxService::SendResult> OutboxService::SendOne(int64_t clinic_id, int64_t message_id, Clock::time_point now,
                                                         MailTransport& transport) {
  const std::string now_text = FormatTimestamp(now);
  SendResult result = SendResult::kSkipped;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto message = tx.GetRecord(OutboxMessageSchema(), clinic_id, message_id);
    if (!message || (*message)["status"] != "queued" || (*message)["send_after"].get<std::string>() > now_text)
      return Ok{};
    // The claim comes first: from here the row is ours until commit, so a transaction ending the follow-up
    // waits for us at its cancellation (PostgreSQL), or was the single writer before us (SQLite).
    const int64_t attempts = (*message)["attempts"].get<int64_t>() + 1;
    if (!tx.UpdateRecord(OutboxMessageSchema(), clinic_id, message_id, Json{{"status", "sending"}, {"attempts", attempts}},
                         (*message)["version"]))
      return Ok{};  // another sender took it
    const int64_t claimed = (*message)["version"].get<int64_t>() + 1;
    auto finish = [&](const Json& changes, SendResult r) {
      tx.UpdateRecord(OutboxMessageSchema(), clinic_id, message_id, changes, claimed);
      result = r;
    };

    auto followup = tx.GetRecord(FollowUpSchema(), clinic_id, (*message)["followup_id"]);
    if (!followup || (*followup)["status"] != "scheduled") {
      finish({{"status", "cancelled"}, {"attempts", attempts - 1},
              {"cancel_reason", followup ? (*followup)["status"] : Json("followup gone")}},
             SendResult::kCancelled);
      return Ok{};
    }
    if (const std::string last = LastSentAt(tx, clinic_id, *message); !last.empty()) {
      const Clock::time_point next = *ParseTimestamp(last) + policy_.min_gap;
      if (next > now) {
        finish({{"status", "queued"}, {"attempts", attempts - 1}, {"send_after", FormatTimestamp(next)}},
               SendResult::kPostponed);
        return Ok{};
      }
    }
    // An invitation that never arrives leaves nothing to remind about: staff call now.
    auto call_if_invitation_failed = [&] {
      if ((*message)["kind"] != "invitation") return;
      CloseCallQueueEntries(tx, clinic_id, (*followup)["id"], "email_failed");
      AddCallQueueEntry(tx, clinic_id, *followup, "email_failed", "open", now_text);
    };
    // The address in force now: staff may have corrected it since the message was queued.
    auto patient = tx.GetRecord(KnownSchema("patients"), clinic_id, (*followup)["patient_id"]);
    const Json email = patient ? (*patient)["email"] : Json();
    if (!email.is_string() || !IsUsableEmailAddress(email.get<std::string>())) {
      finish({{"status", "failed"}, {"last_error", "the patient has no usable email address"}}, SendResult::kFailed);
      call_if_invitation_failed();
      return Ok{};
    }

    NewSurveyLink link = CreateSurveyLink(tx, OutboxActor(clinic_id), *followup, now, EarlierLinks::kKeep);
    MailMessage mail{.to = email.get<std::string>(),
                     .subject = (*message)["subject"],
                     .body = WithSurveyToken((*message)["body"].get<std::string>(), link.token),
                     .message_id = "outbox." + std::to_string(message_id) + "." + RandomToken().substr(0, 16)};
    // The send happens inside the transaction, before commit. On SQLite this holds the single writer for as
    // long as the mail server takes, so the transport's timeouts are short (a few seconds): a slow server
    // delays other writes by at most that, once per message, and a message that timed out is retried later.
    // Sending after commit instead would let a survey submitted in between be followed by its reminder.
    Status sent = transport.Send(mail);
    if (sent) {
      finish({{"status", "sent"}, {"sent_at", now_text}, {"invitation_id", link.invitation_id},
              {"to_address", mail.to}, {"last_error", nullptr}},
             SendResult::kSent);
      AuditEntry entry = SystemAudit(clinic_id, "outbox.sent", "followups", (*followup)["id"], *followup);
      entry.after_json = Json{{"message_id", message_id}, {"kind", (*message)["kind"]},
                              {"invitation_id", link.invitation_id}, {"expires_at", link.expires_at}}.dump();
      tx.AppendAudit(entry);
      return Ok{};
    }
    // The link never left: revoke it so that no unsent token stays valid.
    auto made = tx.GetRecord(SurveyInvitationSchema(), clinic_id, link.invitation_id);
    tx.UpdateRecord(SurveyInvitationSchema(), clinic_id, link.invitation_id, Json{{"revoked_at", now_text}},
                    (*made)["version"]);
    const std::string error = sent.error().detail.substr(0, 300);
    if (attempts < policy_.max_attempts) {
      finish({{"status", "queued"}, {"last_error", error},
              {"send_after", FormatTimestamp(now + RetryDelay(policy_, static_cast<int>(attempts)))}},
             SendResult::kRetrying);
      return Ok{};
    }
    finish({{"status", "failed"}, {"last_error", error}}, SendResult::kFailed);
    call_if_invitation_failed();
    AuditEntry entry = SystemAudit(clinic_id, "outbox.failed", "followups", (*followup)["id"], *followup);
    entry.after_json = Json{{"message_id", message_id}, {"kind", (*message)["kind"]}, {"attempts", attempts}}.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<bool> OutboxService::OpenCall(int64_t clinic_id, int64_t entry_id, Clock::time_point now) {
  bool opened = false;
  const std::string now_text = FormatTimestamp(now);
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto entry = tx.GetRecord(CallQueueSchema(), clinic_id, entry_id);
    if (!entry || (*entry)["status"] != "waiting" || (*entry)["due_at"].get<std::string>() > now_text) return Ok{};
    auto followup = tx.GetRecord(FollowUpSchema(), clinic_id, (*entry)["followup_id"]);
    if ((*followup)["status"] != "scheduled") {
      tx.UpdateRecord(CallQueueSchema(), clinic_id, entry_id,
                      Json{{"status", "closed"}, {"closed_at", now_text}, {"closed_reason", (*followup)["status"]}},
                      (*entry)["version"]);
      return Ok{};
    }
    if (!tx.UpdateRecord(CallQueueSchema(), clinic_id, entry_id, Json{{"status", "open"}, {"opened_at", now_text}},
                         (*entry)["version"]))
      return Ok{};
    AuditEntry audit = SystemAudit(clinic_id, "callqueue.open", "call-queue", entry_id, *followup);
    audit.after_json = Json{{"followup_id", (*followup)["id"]}, {"reason", (*entry)["reason"]}}.dump();
    tx.AppendAudit(audit);
    opened = true;
    return Ok{};
  });
  if (!status) return status.error();
  return opened;
}

Result<OutboxRun> OutboxService::RunDue(Clock::time_point now, MailTransport& transport) {
  const std::string now_text = FormatTimestamp(now);
  std::vector<std::pair<int64_t, int64_t>> messages, calls;
  auto read = store_.Read([&](ReadTransaction& tx) -> Status {
    messages = DueRecords(tx, OutboxMessageSchema(), "queued", "send_after", now_text);
    calls = DueRecords(tx, CallQueueSchema(), "waiting", "due_at", now_text);
    return Ok{};
  });
  if (!read) return read.error();
  OutboxRun run;
  for (const auto& [clinic_id, message_id] : messages) {
    auto sent = SendOne(clinic_id, message_id, now, transport);
    if (!sent) return sent.error();
    switch (*sent) {
      case SendResult::kSent: ++run.sent; break;
      case SendResult::kCancelled: ++run.cancelled; break;
      case SendResult::kPostponed: ++run.postponed; break;
      case SendResult::kRetrying: ++run.retrying; break;
      case SendResult::kFailed: ++run.failed; break;
      case SendResult::kSkipped: break;
    }
  }
  for (const auto& [clinic_id, entry_id] : calls) {
    auto opened = OpenCall(clinic_id, entry_id, now);
    if (!opened) return opened.error();
    run.calls_opened += *opened ? 1 : 0;
  }
  return run;
}

}  // namespace kneeregen
