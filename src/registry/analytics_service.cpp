#include "registry/analytics_service.hpp"

#include <algorithm>

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
  Json out;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (auto checked = CheckCohortFilterAgainst(tx, actor.clinic_id, *filter); !checked) return checked;
    snapshots_->Use(tx, actor.clinic_id, [&](const ClinicRows& rows) {
      out = OutcomeReport(rows, *filter, s);
      if (rows.synthetic) out["synthetic_label"] = kSyntheticLabel;
    });
    return Ok{};
  });
  if (!status) return status.error();
  return out;
}

Result<Json> AnalyticsService::Expectation(const Actor& actor, const QueryParameters& query) {
  if (auto allowed = MayRead(actor); !allowed) return allowed.error();
  auto request = ParseExpectationQuery(query);
  if (!request) return request.error();
  const AnalyticsSettings s = SettingsForToday();
  Json report;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (auto checked = CheckCohortFilterAgainst(tx, actor.clinic_id, request->AsFilter()); !checked)
      return checked;
    snapshots_->Use(tx, actor.clinic_id, [&](const ClinicRows& rows) {
      report = BuildExpectationReport(rows, *request, s);
      if (rows.synthetic) report["synthetic_label"] = kSyntheticLabel;
    });
    return Ok{};
  });
  if (!status) return status.error();
  return report;
}

}  // namespace kneeregen
