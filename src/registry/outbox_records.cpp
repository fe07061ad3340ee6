#include "registry/outbox_records.hpp"

#include "core/time.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

FieldSpec Column(std::string name, FieldKind kind = FieldKind::kText, std::string ref_resource = "") {
  FieldSpec f{.name = std::move(name), .kind = kind};
  f.ref_resource = std::move(ref_resource);
  f.filterable = kind != FieldKind::kJson;
  return f;
}

const AccessPolicy kStaffReadOnly{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator}};

// Applies `changes` to the record read as `current` where `still_applies` holds. Under PostgreSQL's READ
// COMMITTED another transaction may have changed the row since it was read (the sender moving a message
// on, a retry putting it back in the queue): re-read and decide again until the update lands or no longer
// applies.
template <class Predicate>
bool UpdateWhile(WriteTransaction& tx, const RecordSchema& schema, int64_t clinic_id, Json current,
                 const Json& changes, Predicate still_applies) {
  while (still_applies(current)) {
    if (tx.UpdateRecord(schema, clinic_id, current["id"], changes, current["version"])) return true;
    auto reread = tx.GetRecord(schema, clinic_id, current["id"]);
    if (!reread) return false;
    current = std::move(*reread);
  }
  return false;
}

}  // namespace

const RecordSchema& OutboxMessageSchema() {
  static const RecordSchema schema{
      .resource = "outbox-messages",
      .table = "outbox_messages",
      .title = "Outbox message",
      .fields = {Column("followup_id", FieldKind::kRef, "followups"), Column("patient_id", FieldKind::kRef, "patients"),
                 Column("invitation_id", FieldKind::kRef, "survey-invitations"), Column("kind"), Column("channel"),
                 Column("to_address"), Column("subject"), Column("body"), Column("send_after"), Column("status"),
                 Column("attempts", FieldKind::kInteger), Column("last_error"), Column("sent_at"),
                 Column("cancel_reason")},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

const RecordSchema& CallQueueSchema() {
  static const RecordSchema schema{
      .resource = "call-queue",
      .table = "call_queue",
      .title = "Call-queue entry",
      .fields = {Column("followup_id", FieldKind::kRef, "followups"), Column("patient_id", FieldKind::kRef, "patients"),
                 Column("reason"), Column("status"), Column("due_at"), Column("opened_at"), Column("closed_at"),
                 Column("closed_reason")},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

const RecordSchema& CallOutcomeSchema() {
  static const RecordSchema schema{
      .resource = "call-outcomes",
      .table = "call_outcomes",
      .title = "Call outcome",
      .fields = {Column("call_queue_id", FieldKind::kRef, "call-queue"), Column("followup_id", FieldKind::kRef, "followups"),
                 Column("patient_id", FieldKind::kRef, "patients"), Column("outcome"), Column("note"),
                 Column("called_at"), Column("called_by", FieldKind::kInteger)},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

int CancelQueuedMessages(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason) {
  int cancelled = 0;
  const Json changes = {{"status", "cancelled"}, {"cancel_reason", reason}};
  for (auto& message : AllRecords(tx, OutboxMessageSchema(), clinic_id, {{"followup_id", followup_id}}))
    cancelled += UpdateWhile(tx, OutboxMessageSchema(), clinic_id, std::move(message), changes,
                             [](const Json& m) { return m["status"] == "queued"; });
  return cancelled;
}

int CloseCallQueueEntries(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason) {
  int closed = 0;
  const Json changes = {{"status", "closed"}, {"closed_at", NowTimestamp()}, {"closed_reason", reason}};
  for (auto& entry : AllRecords(tx, CallQueueSchema(), clinic_id, {{"followup_id", followup_id}}))
    closed += UpdateWhile(tx, CallQueueSchema(), clinic_id, std::move(entry), changes,
                          [](const Json& e) { return e["status"] != "closed"; });
  return closed;
}

void EndFollowUpContact(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& reason) {
  CancelQueuedMessages(tx, clinic_id, followup_id, reason);
  CloseCallQueueEntries(tx, clinic_id, followup_id, reason);
}

int64_t AddCallQueueEntry(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const std::string& reason,
                          const std::string& status, const std::string& due_at) {
  const bool open = status == "open";
  return tx.InsertRecord(CallQueueSchema(), clinic_id,
                         Json{{"followup_id", followup["id"]}, {"patient_id", followup["patient_id"]},
                              {"reason", reason}, {"status", status}, {"due_at", due_at},
                              {"opened_at", open ? Json(due_at) : Json()}, {"closed_at", nullptr},
                              {"closed_reason", nullptr}},
                         false);
}

Json MessageView(const Json& message) {
  Json view = Json::object();
  for (const char* f : {"id", "followup_id", "invitation_id", "kind", "channel", "subject", "status", "send_after",
                        "sent_at", "attempts", "last_error", "cancel_reason", "created_at"})
    view[f] = message.value(f, Json());
  return view;
}

Json CallEntryView(ReadTransaction& tx, int64_t clinic_id, const Json& entry) {
  Json view = Json::object();
  for (const char* f : {"id", "followup_id", "patient_id", "reason", "status", "due_at", "opened_at", "closed_at",
                        "closed_reason", "version"})
    view[f] = entry.value(f, Json());
  Json calls = Json::array();
  for (const auto& c : AllRecords(tx, CallOutcomeSchema(), clinic_id, {{"call_queue_id", entry["id"]}}))
    calls.push_back({{"id", c["id"]}, {"outcome", c["outcome"]}, {"note", c["note"]}, {"called_at", c["called_at"]},
                     {"called_by", c["called_by"]}});
  view["calls"] = std::move(calls);
  return view;
}

}  // namespace kneeregen
