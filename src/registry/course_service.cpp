#include "registry/course_service.hpp"

#include <map>
#include <set>

#include "clinic/catalogue.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "registry/billing.hpp"
#include "registry/course_plan.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

// The change a replan body asks for, as stored in the course's plan_changes; errors name body fields.
Result<Json> ReadPlanChange(const Json& body) {
  std::vector<FieldError> errors;
  JsonFieldReader r(body, "", errors);
  if (!r.is_object()) return Error::Validation(std::move(errors));
  auto session = r.Integer("session", 1, 100);
  auto move_to = r.Text("move_to", false);
  auto cancel = r.Boolean("cancel", false);
  r.Finish();
  if (!errors.empty()) return Error::Validation(std::move(errors));
  if (move_to.has_value() == (cancel == true))
    return Error::Field(ErrorCode::kValidationFailed, "move_to", "send either move_to or cancel: true");
  Json change = {{"session", *session}};
  if (move_to) {
    auto date = ParseDate(*move_to);
    if (!date)
      return Error::Field(ErrorCode::kValidationFailed, "move_to", "must be a real date as YYYY-MM-DD");
    change["move_to"] = FormatDate(*date);
  } else {
    change["cancel"] = true;
  }
  return change;
}

}  // namespace

Result<Json> CourseService::Replan(const Actor& actor, int64_t course_id, const Json& body,
                                   std::optional<int64_t> expected_version) {
  const RecordSchema& courses = KnownSchema("treatment-courses");
  if (auto permitted = courses.policy.Check(actor.role, Action::kUpdate); !permitted)
    return permitted.error();
  auto change = ReadPlanChange(body);
  if (!change) return change.error();
  Json stored;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto before = tx.GetRecord(courses, actor.clinic_id, course_id);
    if (!before) return Error::NotFound();
    const int64_t version = (*before)["version"];
    if (expected_version && *expected_version != version)
      return Error{ErrorCode::kPreconditionFailed, "", {}};
    if ((*before)["status"] == "cancelled" || (*before)["status"] == "completed")
      return Error{ErrorCode::kConflict, "the course is " + (*before)["status"].get<std::string>(), {}};
    const int session = (*change)["session"];
    if (!AllRecords(tx, KnownSchema("treatment-sessions"), actor.clinic_id,
                    {{"course_id", course_id}, {"session_number", session}})
             .empty())
      return Error::Field(ErrorCode::kConflict, "session", "was already performed and can't be re-planned");
    Json course = *before;
    course["plan_changes"].push_back(*change);
    auto plan = RebuildCoursePlan(tx, actor.clinic_id, course);
    if (!plan) {
      // The planner names "session_number" and "new_date"; the caller sent "session" and "move_to".
      std::vector<FieldError> errors;
      for (auto& e : plan.error().fields)
        errors.push_back({e.field == "new_date"         ? "move_to"
                          : e.field == "session_number" ? "session"
                                                        : e.field,
                          e.message});
      if (errors.empty()) return plan.error();
      return Error::Validation(std::move(errors));
    }
    StorePlanFields(*plan, course);
    Json changes = Json::object();
    for (const char* f :
         {"plan_changes", "plan", "product", "sessions_planned", "ligament_sites", "start_date"})
      if (course[f] != (*before)[f]) changes[f] = course[f];
    if (!tx.UpdateRecord(courses, actor.clinic_id, course_id, changes, version))
      return Error{ErrorCode::kPreconditionFailed, "", {}};
    stored = *tx.GetRecord(courses, actor.clinic_id, course_id);
    AuditEntry entry = actor.Audit("replan", courses.resource, course_id);
    entry.patient_id = stored["patient_id"].get<int64_t>();
    entry.before_json = Json{{"plan", (*before)["plan"]}}.dump();
    entry.after_json = Json{{"change", *change}, {"plan", stored["plan"]}}.dump();
    tx.AppendAudit(entry);
    return SyncFollowUps(tx, actor, course_id);
  });
  if (!status) return status.error();
  return stored;
}

Result<Json> CourseService::Statement(const Actor& actor, int64_t invoice_id) {
  const RecordSchema& invoices = KnownSchema("invoices");
  if (auto permitted = invoices.policy.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  Json statement;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    auto invoice = tx.GetRecord(invoices, actor.clinic_id, invoice_id);
    if (!invoice) return Error::NotFound();
    InvoiceBalance b = BalanceOf(tx, actor.clinic_id, *invoice);
    statement = {{"id", invoice_id},
                 {"invoice", *invoice},
                 {"payments", b.payments},
                 {"total_cents", b.total_cents},
                 {"paid_cents", b.paid_cents},
                 {"refunded_cents", b.refunded_cents},
                 {"balance_cents", b.balance_cents},
                 {"currency", (*invoice)["currency"]}};
    return Ok{};
  });
  if (!status) return status.error();
  return statement;
}

Result<Json> CourseService::RecallLot(const Actor& actor, const std::string& lot) {
  const RecordSchema& sessions = KnownSchema("treatment-sessions");
  const RecordSchema& injections = KnownSchema("injections");
  if (auto permitted = sessions.policy.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  if (lot.empty() || lot.size() > 64 || !IsCleanText(lot))
    return Error::Field(ErrorCode::kValidationFailed, "lot", "must be a lot number of 1 to 64 characters");
  Json result;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    std::map<int64_t, Json> matched_sessions;  // by id, with what matched
    auto match = [&](const Json& session, const std::string& how) {
      auto [it, added] = matched_sessions.try_emplace(session["id"].get<int64_t>(), session);
      it->second["matched_on"].push_back(how);
    };
    for (const auto& s : AllRecords(tx, sessions, actor.clinic_id, {{"product_lot", lot}}))
      match(s, "product_lot");
    for (const auto& s : AllRecords(tx, sessions, actor.clinic_id, {{"processing_kit_lot", lot}}))
      match(s, "processing_kit_lot");
    // A site received the lot when its injection carries it (an injection's lot defaults to its session's
    // product lot), or when the session's processing kit was of that lot: then every site did.
    std::map<int64_t, Json> injected;  // by injection id
    auto add_injection = [&](const Json& i) {
      injected[i["id"].get<int64_t>()] = {{"injection_id", i["id"]},       {"session_id", i["session_id"]},
                                          {"patient_id", i["patient_id"]}, {"site", i["site"]},
                                          {"volume_ml", i["volume_ml"]},   {"product_lot", i["product_lot"]}};
    };
    for (const auto& [id, s] : matched_sessions)
      if (s["processing_kit_lot"] == lot)
        for (const auto& i : AllRecords(tx, injections, actor.clinic_id, {{"session_id", id}}))
          add_injection(i);
    for (const auto& i : AllRecords(tx, injections, actor.clinic_id, {{"product_lot", lot}})) {
      if (!matched_sessions.count(i["session_id"]))
        match(*tx.GetRecord(sessions, actor.clinic_id, i["session_id"]), "injection_lot");
      add_injection(i);
    }
    Json session_rows = Json::array();
    std::set<int64_t> patient_ids;
    for (const auto& [id, s] : matched_sessions) {
      session_rows.push_back({{"session_id", id},
                              {"course_id", s["course_id"]},
                              {"patient_id", s["patient_id"]},
                              {"knee_id", s["knee_id"]},
                              {"performed_on", s["performed_on"]},
                              {"product", s["product"]},
                              {"product_lot", s["product_lot"]},
                              {"processing_kit_lot", s["processing_kit_lot"]},
                              {"matched_on", s["matched_on"]}});
      patient_ids.insert(s["patient_id"].get<int64_t>());
    }
    Json patients = Json::array();
    for (int64_t id : patient_ids) {
      auto p = tx.GetRecord(KnownSchema("patients"), actor.clinic_id, id);
      patients.push_back({{"patient_id", id},
                          {"mrn", (*p)["mrn"]},
                          {"given_name", (*p)["given_name"]},
                          {"family_name", (*p)["family_name"]},
                          {"phone", (*p)["phone"]},
                          {"email", (*p)["email"]}});
    }
    Json injection_rows = Json::array();
    for (auto& [id, row] : injected) injection_rows.push_back(std::move(row));
    result = {
        {"lot", lot}, {"patients", patients}, {"sessions", session_rows}, {"injections", injection_rows}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

}  // namespace kneeregen
