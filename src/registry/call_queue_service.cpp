#include "registry/call_queue_service.hpp"

#include <algorithm>

#include "clinic/catalogue.hpp"
#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"
#include "registry/survey_links.hpp"

namespace kneeregen {

namespace {

// Calling patients is front-desk and clinical work; their phone numbers are shown only to those roles.
const AccessPolicy kCallWork{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator},
                             .create = {Role::kAdmin, Role::kClinician, Role::kCoordinator}};

bool ClosesEntry(const std::string& outcome) {
  return outcome == "reached_will_answer" || outcome == "declined" || outcome == "wrong_number";
}

struct OutcomeBody {
  std::string outcome;
  std::optional<std::string> note;
};

Result<OutcomeBody> ReadOutcomeBody(const Json& body) {
  std::vector<FieldError> errors;
  JsonFieldReader r(body, "", errors);
  if (!r.is_object()) return Error::Validation(std::move(errors));
  OutcomeBody out;
  out.outcome = r.Text("outcome").value_or("");
  out.note = r.Text("note", false);
  r.Finish();
  const auto& known = CallOutcomes();
  if (errors.empty() && std::find(known.begin(), known.end(), out.outcome) == known.end())
    errors.push_back({"outcome", "must be one of reached_will_answer, reached_answered_by_phone, left_message, "
                                 "no_answer, wrong_number, declined, withdrew"});
  if (out.note && out.note->size() > 2000) errors.push_back({"note", "must be at most 2000 characters"});
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return out;
}

}  // namespace

const std::vector<std::string>& CallOutcomes() {
  static const std::vector<std::string> outcomes = {"reached_will_answer", "reached_answered_by_phone",
                                                    "left_message",        "no_answer",
                                                    "wrong_number",        "declined",
                                                    "withdrew"};
  return outcomes;
}

Result<Json> CallQueueService::OpenEntries(const Actor& actor) {
  if (auto permitted = kCallWork.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  Json items = Json::array();
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    const std::string today = FormatDate(TodayUtc());
    for (const auto& entry : AllRecords(tx, CallQueueSchema(), actor.clinic_id, {{"status", "open"}})) {
      Json view = CallEntryView(tx, actor.clinic_id, entry);
      auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, entry["followup_id"]);
      auto patient = tx.GetRecord(KnownSchema("patients"), actor.clinic_id, entry["patient_id"]);
      if (!followup || !patient) continue;
      view["patient"] = {{"id", (*patient)["id"]}, {"mrn", (*patient)["mrn"]},
                         {"given_name", (*patient)["given_name"]}, {"family_name", (*patient)["family_name"]},
                         {"phone", (*patient)["phone"]}};
      view["followup"] = {{"id", (*followup)["id"]}, {"course_id", (*followup)["course_id"]},
                          {"timepoint", (*followup)["timepoint"]}, {"due_on", (*followup)["due_on"]},
                          {"window_closes", (*followup)["window_closes"]},
                          {"state", FollowUpStateOn(*followup, today)}};
      items.push_back(std::move(view));
    }
    return Ok{};
  });
  if (!status) return status.error();
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    return std::pair(a["opened_at"].get<std::string>(), a["id"].get<int64_t>()) <
           std::pair(b["opened_at"].get<std::string>(), b["id"].get<int64_t>());
  });
  return Json{{"items", items}};
}

Result<Json> CallQueueService::LogOutcome(const Actor& actor, int64_t entry_id, const Json& body) {
  if (auto permitted = kCallWork.Check(actor.role, Action::kCreate); !permitted) return permitted.error();
  auto call = ReadOutcomeBody(body);
  if (!call) return call.error();
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto entry = tx.GetRecord(CallQueueSchema(), actor.clinic_id, entry_id);
    if (!entry) return Error::NotFound();
    if ((*entry)["status"] != "open")
      return Error{ErrorCode::kConflict, "the call-queue entry is " + (*entry)["status"].get<std::string>(), {}};
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, (*entry)["followup_id"]);
    const std::string now = NowTimestamp();
    const int64_t outcome_id = tx.InsertRecord(
        CallOutcomeSchema(), actor.clinic_id,
        Json{{"call_queue_id", entry_id}, {"followup_id", (*entry)["followup_id"]}, {"patient_id", (*entry)["patient_id"]},
             {"outcome", call->outcome}, {"note", call->note ? Json(*call->note) : Json()}, {"called_at", now},
             {"called_by", actor.user_id ? Json(*actor.user_id) : Json()}},
        false);
    std::string next_step;
    if (call->outcome == "withdrew") {
      // Withdrawal cancels the emails and closes this entry itself, before any audit row (lock order).
      auto withdrawn = WithdrawCourseFollowUps(tx, actor, (*followup)["course_id"], "withdrew on a follow-up call");
      if (!withdrawn) return withdrawn.error();
    } else if (ClosesEntry(call->outcome)) {
      if (!tx.UpdateRecord(CallQueueSchema(), actor.clinic_id, entry_id,
                           Json{{"status", "closed"}, {"closed_at", now}, {"closed_reason", call->outcome}},
                           (*entry)["version"]))
        return Error{ErrorCode::kConflict, "the call-queue entry changed meanwhile; reload it", {}};
    } else if (call->outcome == "reached_answered_by_phone") {
      next_step = "enter the answers with POST /api/v1/followups/" + std::to_string((*entry)["followup_id"].get<int64_t>()) +
                  "/paper-form; that completes the follow-up and closes this entry";
    }
    AuditEntry audit = actor.Audit("callqueue.outcome", "call-queue", entry_id);
    audit.patient_id = (*entry)["patient_id"].get<int64_t>();
    audit.after_json = Json{{"outcome_id", outcome_id}, {"outcome", call->outcome}}.dump();
    tx.AppendAudit(audit);
    result = {{"id", outcome_id},
              {"outcome", call->outcome},
              {"entry", CallEntryView(tx, actor.clinic_id, *tx.GetRecord(CallQueueSchema(), actor.clinic_id, entry_id))}};
    if (!next_step.empty()) result["next_step"] = next_step;
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

}  // namespace kneeregen
