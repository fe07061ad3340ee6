// The outcome report of one cohort: its counts and every figure, from rows already in memory.
#include <set>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

Json OutcomeReport(const ClinicRows& rows, const CohortFilter& filter, const AnalyticsSettings& s) {
  const Cohort cohort = SelectRows(rows, filter);
  std::set<int64_t> patients;
  for (const CourseRow* row : cohort) patients.insert(row->patient_id);
  Json out = {{"synthetic", rows.synthetic},
              {"as_of", *s.as_of},
              {"filter", filter.ToJson()},
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
  // The cohort's size follows the filter; a small cohort shows no count at all.
  for (auto& [name, figure] : out["figures"].items())
    if (figure["n"].is_number() && IsSmallCount(figure["n"].get<size_t>(), s.min_cell)) figure["n"] = nullptr;
  return out;
}

}  // namespace kneeregen
