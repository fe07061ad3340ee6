// Registry analytics: the clinic's outcome figures for a cohort of treated knees, and the expectation
// report for a prospective patient (expectation_report.hpp), computed from the caller's own clinic only.
// Every answer is an aggregate: no identifier of a patient, knee, course or practitioner name appears in
// it, so a researcher may read it; small cells are suppressed (analytics_cells.hpp).
#pragma once

#include <vector>

#include "registry/actor.hpp"
#include "registry/analytics_filter.hpp"
#include "registry/store.hpp"

namespace kneeregen {

class AnalyticsService {
 public:
  explicit AnalyticsService(Store& store, AnalyticsSettings settings = {})
      : store_(store), settings_(std::move(settings)) {}

  // Who may read the aggregates; deny by default for any other role.
  static const std::vector<Role>& ReaderRoles();

  // The outcome figures of the courses the filter selects (CohortFilterNames()).
  Result<Json> Outcomes(const Actor& actor, const QueryParameters& query);
  // The expectation report (kl_grade, age, product, optional protocol); see expectation_report.hpp.
  Result<Json> Expectation(const Actor& actor, const QueryParameters& query);

  const AnalyticsSettings& settings() const { return settings_; }

 private:
  AnalyticsSettings SettingsForToday() const;

  Store& store_;
  AnalyticsSettings settings_;
};

// The outcome figures as plain text, at most 100 columns wide, for the command line.
std::string RenderOutcomesText(const Json& outcomes);

}  // namespace kneeregen
