// Record kinds of patient contact, written only by the outbox and call-queue services (no generic routes):
// outbox messages, call-queue entries and call outcomes; and the one step every path that ends a
// follow-up takes (completion, withdrawal, cancellation): stop every contact still planned for it.
//
// Lock order (PostgreSQL): the sender holds a claimed message row while it talks to the mail server and
// appends its audit row only afterwards. So a transaction that cancels messages must do so before its own
// audit row, or it could hold the audit lock while waiting for the message the sender holds.
#pragma once

#include <string>

#include "registry/store.hpp"

namespace kneeregen {

const RecordSchema& OutboxMessageSchema();
const RecordSchema& CallQueueSchema();
const RecordSchema& CallOutcomeSchema();

// Cancels the follow-up's queued messages, noting `reason`. A message the sender is sending right now is
// waited for (its row is locked) and left as sent. Returns how many were cancelled.
int CancelQueuedMessages(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason);
// Closes the follow-up's waiting and open call-queue entries with `reason`; returns how many.
int CloseCallQueueEntries(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason);
// Both: the follow-up was answered, withdrawn or cancelled, so nobody writes or calls about it any more.
void EndFollowUpContact(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason);

// A call-queue entry for `followup`: "open" (opened at `due_at`) or "waiting" until `due_at`.
int64_t AddCallQueueEntry(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const std::string& reason,
                          const std::string& status, const std::string& due_at);

// What staff see of a message: kind, status and times, never its address or body.
Json MessageView(const Json& message);
// A call-queue entry with the calls logged for it, oldest first.
Json CallEntryView(ReadTransaction& tx, int64_t clinic_id, const Json& entry);

}  // namespace kneeregen
