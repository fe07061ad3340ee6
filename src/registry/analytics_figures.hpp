// The outcome figures of a cohort, each a JSON object carrying its N, its intervals, its follow-up
// completeness and its suppressed cells (analytics_cells.hpp). One file per family: PROMs
// (analytics_proms.cpp), safety (analytics_safety.cpp), knee survival (analytics_survival.cpp), MRI
// cartilage (analytics_cartilage.cpp), the adjusted protocol comparison (analytics_adjusted.cpp).
#pragma once

#include <vector>

#include "registry/analytics_rows.hpp"

namespace kneeregen {

using Cohort = std::vector<const CourseRow*>;

// Everything GET /api/v1/analytics/outcomes answers for the courses `filter` selects, except the synthetic
// label (the service adds it): counts of courses and patients, and each figure below.
Json OutcomeReport(const ClinicRows& rows, const CohortFilter& filter, const AnalyticsSettings& settings);

// KOOS subscale means per timepoint and change from baseline (paired), with completeness.
Json KoosTrajectories(const Cohort& cohort, const std::vector<std::string>& timepoints,
                      const AnalyticsSettings& settings);
// MIC responders per subscale and PASS on Pain at each follow-up timepoint, with the thresholds' sources.
Json ResponderRates(const Cohort& cohort, const std::vector<std::string>& timepoints,
                    const AnalyticsSettings& settings);
// Adverse events per 100 sessions and per patient, by CTCAE grade.
Json AdverseEventRates(const Cohort& cohort, const AnalyticsSettings& settings);
// Time to knee surgery (TKA, UKA, osteotomy) per protocol: Kaplan–Meier with numbers at risk, cumulative
// incidence with death as a competing risk, log-rank between protocols; the other knee's replacement.
Json KneeSurvival(const Cohort& cohort, const AnalyticsSettings& settings);
// MRI cartilage thickness change per region, baseline against follow-up measured with the same method.
Json CartilageChangeFigure(const Cohort& cohort, const AnalyticsSettings& settings);
// 12-month KOOS Pain change, split (more than one session intended) against single session, adjusted by
// linear regression for baseline score, age, KL grade and BMI.
// `at_12m` is the position of "12m" in the clinic's timepoints, nothing when its schedule lacks one.
Json SplitVersusSingle(const Cohort& cohort, std::optional<size_t> at_12m, const AnalyticsSettings& settings);

// Follow-up completeness of a survival analysis (Clark's C): follow-up time observed over the time that
// could have been observed up to `as_of`, death or knee surgery.
Json SurvivalCompleteness(const Cohort& cohort, const AnalyticsSettings& settings, const std::string& as_of);

// Helpers shared by the figure files. Timepoints are positions in ClinicRows::timepoints; baseline is first.
inline constexpr size_t kBaseline = 0;
std::optional<double> ScoreAt(const CourseRow& row, size_t timepoint, size_t scale);
// Courses answered at a timepoint, of those due there on `as_of`.
std::pair<size_t, size_t> AnsweredOfExpected(const Cohort& cohort, size_t timepoint, Day as_of);
std::string ScaleTitle(const std::string& scale);

}  // namespace kneeregen
