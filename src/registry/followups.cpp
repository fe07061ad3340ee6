#include "registry/followups.hpp"

#include <map>

#include "core/time.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

// Injection dates of a course in session order: the performed date where a session was recorded, else
// the planned date; cancelled sessions are left out.
std::vector<std::chrono::year_month_day> InjectionDates(ReadTransaction& tx, int64_t clinic_id, const Json& course) {
  std::map<int, std::string> performed;
  std::string earliest_unnumbered;
  for (const auto& s : AllRecords(tx, KnownSchema("treatment-sessions"), clinic_id, {{"course_id", course["id"]}})) {
    if (s["session_number"].is_number_integer()) performed[s["session_number"].get<int>()] = s["performed_on"];
    else if (earliest_unnumbered.empty() || s["performed_on"].get<std::string>() < earliest_unnumbered)
      earliest_unnumbered = s["performed_on"];
  }
  std::vector<std::chrono::year_month_day> dates;
  for (const auto& s : course["plan"]["sessions"]) {
    if (s["status"] != "planned") continue;
    auto it = performed.find(s["number"].get<int>());
    dates.push_back(*ParseDate(it != performed.end() ? it->second : s["date"].get<std::string>()));
  }
  // A session recorded without its plan number still marks when treatment really began.
  if (!earliest_unnumbered.empty() && !dates.empty() && earliest_unnumbered < FormatDate(dates.front()))
    dates.front() = *ParseDate(earliest_unnumbered);
  return dates;
}

Json FollowUpRecord(const Json& course, const PlannedFollowUp& f) {
  return {{"course_id", course["id"]},
          {"patient_id", course["patient_id"]},
          {"knee_id", course["knee_id"]},
          {"timepoint", f.timepoint},
          {"anchor_session", f.anchor_session},
          {"anchor_date", FormatDate(f.anchor_date)},
          {"due_on", FormatDate(f.due)},
          {"window_opens", FormatDate(f.window_opens)},
          {"window_closes", FormatDate(f.window_closes)},
          {"status", "scheduled"},
          {"completed_at", nullptr}};
}

}  // namespace

PromSettings CurrentPromSettings(ReadTransaction& tx, int64_t clinic_id) {
  auto newest = NewestRecord(tx, KnownSchema("prom-settings"), clinic_id);
  if (!newest) return PromSettings::Default();
  return *PromSettings::FromJson((*newest)["settings"], KnownPromInstruments());  // validated when stored
}

Status SyncFollowUps(WriteTransaction& tx, const Actor& actor, int64_t course_id) {
  const RecordSchema& followups = FollowUpSchema();
  auto course = tx.GetRecord(KnownSchema("treatment-courses"), actor.clinic_id, course_id);
  if (!course) return Error::NotFound();
  std::vector<PlannedFollowUp> plan;
  if ((*course)["status"] != "cancelled")
    plan = PlanFollowUps(InjectionDates(tx, actor.clinic_id, *course), CurrentPromSettings(tx, actor.clinic_id).schedule);
  std::map<std::string, Json> stored;
  for (auto& f : AllRecords(tx, followups, actor.clinic_id, {{"course_id", course_id}})) {
    std::string timepoint = f["timepoint"];
    stored.emplace(std::move(timepoint), std::move(f));
  }

  Json changes = Json::array();
  for (const auto& planned : plan) {
    Json wanted = FollowUpRecord(*course, planned);
    auto it = stored.find(planned.timepoint);
    if (it == stored.end()) {
      tx.InsertRecord(followups, actor.clinic_id, wanted, false);
      changes.push_back({{"timepoint", planned.timepoint}, {"due_on", wanted["due_on"]}, {"change", "scheduled"}});
      continue;
    }
    Json& current = it->second;
    const bool settled = current["status"] == "completed" || current["status"] == "withdrawn";
    if (!settled) {
      Json update = Json::object();
      for (const char* f : {"anchor_session", "anchor_date", "due_on", "window_opens", "window_closes"})
        if (current[f] != wanted[f]) update[f] = wanted[f];
      if (current["status"] == "cancelled") update["status"] = "scheduled";
      if (!update.empty()) {
        tx.UpdateRecord(followups, actor.clinic_id, current["id"], update, current["version"]);
        changes.push_back({{"timepoint", planned.timepoint}, {"due_on", wanted["due_on"]}, {"change", "moved"}});
      }
    }
    stored.erase(it);
  }
  // What the plan no longer holds (a cancelled course or session) is cancelled, unless already answered.
  for (const auto& [timepoint, current] : stored) {
    if (current["status"] != "scheduled") continue;
    tx.UpdateRecord(followups, actor.clinic_id, current["id"], Json{{"status", "cancelled"}}, current["version"]);
    EndFollowUpContact(tx, actor.clinic_id, current["id"], "cancelled");
    changes.push_back({{"timepoint", timepoint}, {"change", "cancelled"}});
  }
  if (changes.empty()) return Ok{};
  AuditEntry entry = actor.Audit("followups.schedule", "treatment-courses", course_id);
  entry.patient_id = (*course)["patient_id"].get<int64_t>();
  entry.after_json = changes.dump();
  tx.AppendAudit(entry);
  return Ok{};
}

std::string FollowUpStateOn(const Json& followup, const std::string& today) {
  const std::string& status = followup["status"].get_ref<const std::string&>();
  if (status != "scheduled") return status;
  if (today < followup["window_opens"].get<std::string>()) return "upcoming";
  if (today <= followup["window_closes"].get<std::string>()) return "open";
  return "missed";
}

}  // namespace kneeregen
