#include "registry/analytics_service.hpp"

#include <algorithm>
#include <set>

#include "core/time.hpp"
#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"
#include "registry/expectation_report.hpp"

namespace kneeregen {

namespace {

constexpr const char* kSyntheticLabel =
    "SYNTHETIC DEMO DATA: invented patients, not real outcomes; do not use these numbers clinically.";

Status MayRead(const Actor& actor) {
  const auto& roles = AnalyticsService::ReaderRoles();
  if (std::find(roles.begin(), roles.end(), actor.role) == roles.end())
    return Error{ErrorCode::kForbidden, "", {}};
  return Ok{};
}

}  // namespace

const std::vector<Role>& AnalyticsService::ReaderRoles() {
  static const std::vector<Role> roles = {Role::kAdmin, Role::kClinician, Role::kCoordinator,
                                          Role::kResearcher};
  return roles;
}

AnalyticsSettings AnalyticsService::SettingsForToday() const {
  AnalyticsSettings s = settings_;
  if (!s.as_of) s.as_of = FormatDate(TodayUtc());
  return s;
}

Result<Json> AnalyticsService::Outcomes(const Actor& actor, const QueryParameters& query) {
  if (auto allowed = MayRead(actor); !allowed) return allowed.error();
  auto filter = ParseCohortFilter(query);
  if (!filter) return filter.error();
  const AnalyticsSettings s = SettingsForToday();
  ClinicRows rows;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (auto checked = CheckCohortFilterAgainst(tx, actor.clinic_id, *filter); !checked) return checked;
    rows = ExtractClinicRows(tx, actor.clinic_id);
    return Ok{};
  });
  if (!status) return status.error();

  const Cohort cohort = SelectRows(rows, *filter);
  std::set<int64_t> patients;
  for (const CourseRow* row : cohort) patients.insert(row->patient_id);
  Json out = {{"synthetic", rows.synthetic},
              {"as_of", *s.as_of},
              {"filter", filter->ToJson()},
              {"min_cell", s.min_cell},
              {"courses", CountCell(cohort.size(), s)},
              {"patients", CountCell(patients.size(), s)},
              {"figures",
               {{"koos", KoosTrajectories(cohort, rows.timepoints, s)},
                {"responders", ResponderRates(cohort, rows.timepoints, s)},
                {"adverse_events", AdverseEventRates(cohort, s)},
                {"knee_survival", KneeSurvival(cohort, s)},
                {"cartilage", CartilageChangeFigure(cohort, s)},
                {"split_vs_single", SplitVersusSingle(cohort, rows.TimepointIndex("12m"), s)}}}};
  if (rows.synthetic) out["synthetic_label"] = kSyntheticLabel;
  // The cohort's size follows the filter; a small cohort shows no count at all.
  for (auto& [name, figure] : out["figures"].items())
    if (figure["n"].is_number() && IsSmallCount(figure["n"].get<size_t>(), s.min_cell)) figure["n"] = nullptr;
  return out;
}

Result<Json> AnalyticsService::Expectation(const Actor& actor, const QueryParameters& query) {
  if (auto allowed = MayRead(actor); !allowed) return allowed.error();
  auto request = ParseExpectationQuery(query);
  if (!request) return request.error();
  const AnalyticsSettings s = SettingsForToday();
  ClinicRows rows;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (auto checked = CheckCohortFilterAgainst(tx, actor.clinic_id, request->AsFilter()); !checked)
      return checked;
    rows = ExtractClinicRows(tx, actor.clinic_id);
    return Ok{};
  });
  if (!status) return status.error();
  Json report = BuildExpectationReport(rows, *request, s);
  if (rows.synthetic) report["synthetic_label"] = kSyntheticLabel;
  return report;
}

}  // namespace kneeregen
