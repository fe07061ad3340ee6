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
  std::map<std::string, Region> regions;
  std::vector<std::pair<const std::string*, Region*>> known;  // regions met so far, found without the map
  std::vector<const std::string*> seen;
  std::vector<int64_t> knees_with_baseline_and_follow_up;
  for (const CourseRow* row : cohort) {
    if (row->cartilage.empty()) continue;
    // One method per region and knee: the first listed, so a knee measured twice is not counted twice.
    seen.clear();
    for (const auto& c : row->cartilage) {
      if (std::any_of(seen.begin(), seen.end(), [&](const std::string* s) { return *s == c.region; })) continue;
      seen.push_back(&c.region);
      auto it = std::find_if(known.begin(), known.end(), [&](const auto& k) { return *k.first == c.region; });
      if (it == known.end()) {
        auto& [name, region] = *regions.try_emplace(c.region).first;
        it = known.insert(known.end(), {&name, &region});
      }
      Region& r = *it->second;
      r.before.push_back(c.baseline_mm);
      r.after.push_back(c.follow_up_mm);
      if (c.follow_up_mm - c.baseline_mm > s.cartilage_error_mm) ++r.thickened;
      knees_with_baseline_and_follow_up.push_back(row->knee_id);
    }
  }
  const size_t knees = CountDistinct(knees_with_baseline_and_follow_up);
  Json rows = Json::array();
  for (const auto& [name, r] : regions)
    rows.push_back({{"region", name},
                    {"change_mm", ChangeCell(r.before, r.after, s)},
                    {"thickened_beyond_error", ProportionCell(r.thickened, r.before.size(), s)}});
  return {{"title", "MRI cartilage thickness change per region (same segmentation method only)"},
          {"n", CountCell(knees, s)["n"]},
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
