#include "registry/outbox_service.hpp"

#include <algorithm>

#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

// Emailing patients and reading what was sent is the same front-desk and clinical work as survey links.
const AccessPolicy kContactWork{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator},
                                .create = {Role::kAdmin, Role::kClinician, Role::kCoordinator}};

std::string Later(Clock::time_point now, int days) { return FormatTimestamp(now + std::chrono::days{days}); }

}  // namespace

Json OutboxRun::ToJson() const {
  return {{"sent", sent},         {"cancelled", cancelled}, {"postponed", postponed},
          {"retrying", retrying}, {"failed", failed},       {"calls_opened", calls_opened}};
}

Result<Json> OutboxService::InviteByEmail(const Actor& actor, int64_t followup_id, const std::string& public_url) {
  if (auto permitted = kContactWork.Check(actor.role, Action::kCreate); !permitted) return permitted.error();
  if (!IsUsablePublicUrl(public_url))
    return Error{ErrorCode::kInternal, "the server's public URL is not set; start it with --public-url", {}};
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id);
    if (!followup) return Error::NotFound();
    if ((*followup)["status"] != "scheduled")
      return Error{ErrorCode::kConflict, "the follow-up is " + (*followup)["status"].get<std::string>(), {}};
    auto patient = tx.GetRecord(KnownSchema("patients"), actor.clinic_id, (*followup)["patient_id"]);
    auto clinic = tx.GetClinic(actor.clinic_id);
    if (!patient || !clinic) return Error::NotFound();
    const PromSettings settings = CurrentPromSettings(tx, actor.clinic_id);
    const Clock::time_point now = Clock::now();
    // A new email invitation replaces what an earlier one still had planned.
    CancelQueuedMessages(tx, actor.clinic_id, followup_id, "reinvited");
    CloseCallQueueEntries(tx, actor.clinic_id, followup_id, "reinvited");

    const Json& email = (*patient)["email"];
    Json messages = Json::array();
    int64_t call_id = 0;
    if (!email.is_string() || !IsUsableEmailAddress(email.get<std::string>())) {
      call_id = AddCallQueueEntry(tx, actor.clinic_id, *followup, "no_email_address", "open", FormatTimestamp(now));
    } else {
      const std::string link = SurveyLink(public_url, kSurveyTokenPlaceholder);
      auto queue = [&](MessageKind kind, const std::string& send_after) {
        MessageText text = SurveyMessageText(kind, clinic->name, link);
        Json message = {{"followup_id", followup_id}, {"patient_id", (*followup)["patient_id"]},
                        {"invitation_id", nullptr}, {"kind", MessageKindName(kind)}, {"channel", "email"},
                        {"to_address", email}, {"subject", text.subject}, {"body", text.body},
                        {"send_after", send_after}, {"status", "queued"}, {"attempts", 0},
                        {"last_error", nullptr}, {"sent_at", nullptr}, {"cancel_reason", nullptr}};
        const int64_t id = tx.InsertRecord(OutboxMessageSchema(), actor.clinic_id, message, false);
        messages.push_back(MessageView(*tx.GetRecord(OutboxMessageSchema(), actor.clinic_id, id)));
      };
      queue(MessageKind::kInvitation, FormatTimestamp(now));
      std::vector<int> days = settings.reminder_days;
      std::sort(days.begin(), days.end());
      for (int d : days) queue(MessageKind::kReminder, Later(now, d));
      call_id = AddCallQueueEntry(tx, actor.clinic_id, *followup, "no_answer_after_reminders", "waiting",
                                  Later(now, settings.call_after_days));
    }
    AuditEntry entry = actor.Audit("outbox.email_invitation", "followups", followup_id);
    entry.patient_id = (*followup)["patient_id"].get<int64_t>();
    entry.after_json = Json{{"messages", messages.size()}, {"call_queue_id", call_id}}.dump();
    tx.AppendAudit(entry);
    result = {{"followup_id", followup_id},
              {"messages", messages},
              {"call_queue", CallEntryView(tx, actor.clinic_id, *tx.GetRecord(CallQueueSchema(), actor.clinic_id, call_id))}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> OutboxService::FollowUpMessages(const Actor& actor, int64_t followup_id) {
  if (auto permitted = kContactWork.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  Json result;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (!tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id)) return Error::NotFound();
    Json messages = Json::array();
    for (const auto& m : AllRecords(tx, OutboxMessageSchema(), actor.clinic_id, {{"followup_id", followup_id}}))
      messages.push_back(MessageView(m));
    Json calls = Json::array();
    for (const auto& e : AllRecords(tx, CallQueueSchema(), actor.clinic_id, {{"followup_id", followup_id}}))
      calls.push_back(CallEntryView(tx, actor.clinic_id, e));
    result = {{"id", followup_id}, {"followup_id", followup_id}, {"messages", messages}, {"call_queue", calls}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

}  // namespace kneeregen
