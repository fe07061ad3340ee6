// MRI cartilage thickness per region: follow-up minus baseline, only where both were segmented with the same
// method (DOMAIN.md §5: cross-method comparisons are not changes). "Thickened" means by more than the
// measurement error, the knee view's threshold (imaging_service.hpp, [U]).
#include <algorithm>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

Json CartilageChangeFigure(const Cohort& cohort, const AnalyticsSettings& s) {
  struct Region {
    std::vector<double> before, after;
    size_t thickened = 0;
  };
  const CourseColumns& columns = cohort.rows->columns;
  std::vector<Region> regions(columns.regions.size());
  std::vector<int64_t> knees_with_baseline_and_follow_up;
  // The cohort beside the clinic's pairs, both in course order; a region appears once per course
  // (CourseColumns::CartilagePair).
  auto next = columns.cartilage.begin();
  const auto end = columns.cartilage.end();
  for (uint32_t course : cohort.courses) {
    while (next != end && next->course < course) ++next;
    for (; next != end && next->course == course; ++next) {
      Region& r = regions[next->region];
      r.before.push_back(next->baseline_mm);
      r.after.push_back(next->follow_up_mm);
      if (next->follow_up_mm - next->baseline_mm > s.cartilage_error_mm) ++r.thickened;
      knees_with_baseline_and_follow_up.push_back(next->knee_id);
    }
  }
  const size_t knees = CountDistinct(knees_with_baseline_and_follow_up);
  Json rows = Json::array();
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& r = regions[i];
    if (r.before.empty()) continue;
    rows.push_back(
        {{"region", columns.regions[i]},
         {"change_mm", ChangeCell(r.before, r.after, s)},
         {"thickened_beyond_error", ProportionCell(r.thickened, r.before.size(), Counted::kCourses, s)}});
  }
  return {{"title", "MRI cartilage thickness change per region (same segmentation method only)"},
          {"n", CountCell(knees, Counted::kCourses, s)["n"]},
          {"measurement_error_mm", s.cartilage_error_mm},
          {"measurement_error_source",
           "placeholder threshold not yet checked against a primary source [U]; "
           "repeat-scan precision depends on sequence, scanner and method"},
          {"method",
           "follow-up minus baseline (paired t 95 % CI); thickened: change > measurement error (Wilson "
           "95 % CI)"},
          {"completeness", CompletenessCell(knees, cohort.size(), s)},
          {"completeness_note", "knees with a comparable baseline and follow-up MRI, of the knees treated"},
          {"regions", rows}};
}

}  // namespace kneeregen
