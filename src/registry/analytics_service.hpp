// Registry analytics: the clinic's outcome figures for a cohort of treated knees, and the expectation
// report for a prospective patient (expectation_report.hpp), computed from the caller's own clinic only.
// Every answer is an aggregate: no identifier of a patient, knee, course or practitioner name appears in
// it, so a researcher may read it; small cells are suppressed (analytics_cells.hpp). The clinic's rows stay
// in memory between calls and are refreshed from the audit trail (analytics_snapshot.hpp), so a server
// answers from memory and a one-shot command reads the clinic once.
#pragma once

#include <memory>
#include <vector>

#include "registry/actor.hpp"
#include "registry/analytics_filter.hpp"
#include "registry/analytics_snapshot.hpp"
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
  // How the rows were brought up to date for the latest call (of any thread), for tests and logs.
  AnalyticsSnapshots::Refresh last_refresh() const { return snapshots_->Last(); }

 private:
  AnalyticsSettings SettingsForToday() const;

  Store& store_;
  AnalyticsSettings settings_;
  std::unique_ptr<AnalyticsSnapshots> snapshots_ = std::make_unique<AnalyticsSnapshots>();
};

// The outcome figures as plain text, at most 100 columns wide, for the command line.
std::string RenderOutcomesText(const Json& outcomes);

}  // namespace kneeregen
