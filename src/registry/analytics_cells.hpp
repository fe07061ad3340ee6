// The cells outcome figures are made of: a mean, a paired change, a proportion, a count, a completeness,
// each with its N and interval, and each suppressed (values null, "suppressed": true and a reason) when it
// is built from fewer patients than the clinic's minimum, or when it would let a reader work out such a
// cell: a proportion whose events or non-events are a small number, and the second-smallest cell of a
// partition whose total is shown (complementary suppression).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/json_body.hpp"
#include "registry/analytics_filter.hpp"
#include "stats/descriptive.hpp"

namespace kneeregen {

// A count of patients that must not be shown: 1 .. min_cell - 1. Zero reveals nobody.
inline bool IsSmallCount(size_t count, int min_cell) {
  return count > 0 && count < static_cast<size_t>(min_cell);
}

// What a count counts: patients, or courses of the report's cohort, which a patient treated in both knees
// has two of (AnalyticsSettings::courses_per_patient).
enum class Counted { kPatients, kCourses };
// The fewest patients `count` stands for.
inline size_t PatientsAtLeast(size_t count, Counted counted, const AnalyticsSettings& settings) {
  return counted == Counted::kPatients ? count : settings.courses_per_patient.FewestPatients(count);
}
// Courses that may come from fewer than min_cell patients (none included): their cell is suppressed.
inline bool TooFewPatients(size_t courses, const AnalyticsSettings& settings) {
  return PatientsAtLeast(courses, Counted::kCourses, settings) < static_cast<size_t>(settings.min_cell);
}
// A count that may stand for 1 .. min_cell - 1 patients.
inline bool IsSmallCount(size_t count, Counted counted, const AnalyticsSettings& settings) {
  return IsSmallCount(PatientsAtLeast(count, counted, settings), settings.min_cell);
}

// Nulls every number and object of `cell` (labels stay) and marks it suppressed with `reason`.
void Suppress(Json& cell, const std::string& reason);
std::string TooFewReason(int min_cell);  // "fewer than 11 patients"

// Means, changes and completeness count courses; a proportion and a count say what they count.
// {"n", "mean", "sd", "ci": {"lower", "upper", "level"}, "suppressed"}; t-based CI (t.test).
Json MeanCell(std::span<const double> values, const AnalyticsSettings& settings);
Json MeanCell(const stats::RunningMoments& values, const AnalyticsSettings& settings);
// Paired change after - before: {"n", "mean_change", "sd", "ci", "p", "suppressed"} (paired t.test).
Json ChangeCell(std::span<const double> before, std::span<const double> after,
                const AnalyticsSettings& settings);
// The same from the running moments of the changes (after - before of each pair).
Json ChangeCell(const stats::RunningMoments& changes, const AnalyticsSettings& settings);
// {"n", "events", "estimate", "ci", "suppressed"}; Wilson interval (prop.test, no continuity correction).
Json ProportionCell(size_t events, size_t n, Counted counted, const AnalyticsSettings& settings);
// Follow-up completeness: {"expected", "answered", "share", "ci", "suppressed"}.
Json CompletenessCell(size_t answered, size_t expected, const AnalyticsSettings& settings);
// A count: {"n", "suppressed"}.
Json CountCell(size_t n, Counted counted, const AnalyticsSettings& settings);

// Cells of a partition whose total is shown: when exactly one non-zero cell is suppressed, the smallest
// other non-zero cell is suppressed too, so the total minus the rest no longer reveals it. `sizes[i]` is
// the number of patients in `*cells[i]`.
void SuppressComplementary(const std::vector<Json*>& cells, const std::vector<size_t>& sizes, int min_cell);

}  // namespace kneeregen
