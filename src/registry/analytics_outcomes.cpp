// The outcome report of one cohort: its counts and every figure, from rows already in memory.
#include <algorithm>
#include <future>
#include <span>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

size_t CountDistinct(std::vector<int64_t>& ids) {
  if (ids.empty()) return 0;
  const auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
  const uint64_t first = static_cast<uint64_t>(*lo);
  const uint64_t span = static_cast<uint64_t>(*hi) - first;
  // Ids of one clinic are mostly dense: a bit per possible id then costs no more memory than the ids
  // themselves, and marking them is one pass over a million ids where sorting them is about twenty.
  if (span < 64 * ids.size()) {
    std::vector<uint64_t> seen(span / 64 + 1, 0);
    size_t distinct = 0;
    for (int64_t id : ids) {
      const uint64_t k = static_cast<uint64_t>(id) - first;
      uint64_t& word = seen[k / 64];
      const uint64_t bit = uint64_t{1} << (k % 64);
      distinct += (word & bit) == 0;
      word |= bit;
    }
    return distinct;
  }
  std::sort(ids.begin(), ids.end());
  return static_cast<size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

CoursesPerPatient CountPatients(const Cohort& cohort) {
  // Patients are numbered densely (CourseFacts::patient): a counter each, which stops at 255 (no patient
  // has that many treated knees; `most` then only understates how few patients a count can be).
  std::vector<uint8_t> courses_of(cohort.rows->columns.patient_span, 0);
  CoursesPerPatient counted{.courses = cohort.size(), .patients = 0, .most = 1};
  uint8_t most = 1;
  for (uint32_t course : cohort.courses) {
    uint8_t& n = courses_of[cohort.Facts(course).patient];
    n += n < 255;
    counted.patients += n == 1;
    most = std::max(most, n);
  }
  counted.most = most;
  return counted;
}

Json OutcomeReport(const ClinicRows& rows, const CohortFilter& filter, const AnalyticsSettings& settings) {
  const Cohort cohort = SelectRows(rows, filter);
  AnalyticsSettings s = settings;
  s.courses_per_patient = CountPatients(cohort);
  const size_t patients = s.courses_per_patient.patients;
  const Json completeness = SurvivalCompleteness(cohort, s, s.as_of.value_or(""));
  const std::optional<size_t> at_12m = rows.TimepointIndex("12m");
  // Two threads: the KOOS walk, the heaviest figure, is split between them at the middle of the cohort
  // and merged in cohort order, and each adds whole figures, so the report does not depend on timing.
  // The helper hands over its half of the walk as soon as it has it, so that the split-session
  // comparison, which needs the whole walk, runs here while the helper computes knee survival.
  const std::span<const uint32_t> courses(cohort.courses);
  const size_t half = courses.size() / 2;
  std::promise<KoosCells> later_half;
  std::future<KoosCells> later_koos = later_half.get_future();
  std::future<Json> knee_survival = std::async(std::launch::async, [&] {
    try {
      later_half.set_value(SummarizeKoos(cohort, courses.subspan(half), rows.timepoints.size(), at_12m, s));
    } catch (...) {
      later_half.set_exception(std::current_exception());
    }
    return KneeSurvival(cohort, patients, completeness, s);
  });
  KoosCells cells = SummarizeKoos(cohort, courses.first(half), rows.timepoints.size(), at_12m, s);
  Json adverse_events = AdverseEventRates(cohort, patients, completeness, s);
  Json cartilage = CartilageChangeFigure(cohort, s);
  cells.Merge(later_koos.get());
  Json split_vs_single = SplitVersusSingle(cohort, cells, at_12m, s);
  Json out = {{"synthetic", rows.synthetic},
              {"as_of", *s.as_of},
              {"filter", filter.ToJson()},
              {"min_cell", s.min_cell},
              {"courses", CountCell(cohort.size(), Counted::kCourses, s)},
              {"patients", CountCell(patients, Counted::kPatients, s)},
              {"figures",
               {{"koos", KoosTrajectories(cells, rows.timepoints, cohort.size(), s)},
                {"responders", ResponderRates(cells, rows.timepoints, cohort.size(), s)},
                {"adverse_events", std::move(adverse_events)},
                {"knee_survival", knee_survival.get()},
                {"cartilage", std::move(cartilage)},
                {"split_vs_single", std::move(split_vs_single)}}}};
  // The cohort's size follows the filter; a small cohort shows no count at all. Every figure counts
  // courses but the adverse events, which count patients.
  for (auto& [name, figure] : out["figures"].items()) {
    const Counted counted = name == "adverse_events" ? Counted::kPatients : Counted::kCourses;
    if (figure["n"].is_number() && IsSmallCount(figure["n"].get<size_t>(), counted, s)) figure["n"] = nullptr;
  }
  return out;
}

}  // namespace kneeregen
