// The outcome figures of a cohort, each a JSON object carrying its N, its intervals, its follow-up
// completeness and its suppressed cells (analytics_cells.hpp). One file per family: PROMs
// (analytics_proms.cpp), safety (analytics_safety.cpp), knee survival (analytics_survival.cpp), MRI
// cartilage (analytics_cartilage.cpp), the adjusted protocol comparison (analytics_adjusted.cpp).
// A full cohort is a million courses, so each family walks the rows once for all its cells, never once per
// cell.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "registry/analytics_rows.hpp"
#include "stats/descriptive.hpp"

namespace kneeregen {

// Everything GET /api/v1/analytics/outcomes answers for the courses `filter` selects, except the synthetic
// label (the service adds it): counts of courses and patients, and each figure below.
Json OutcomeReport(const ClinicRows& rows, const CohortFilter& filter, const AnalyticsSettings& settings);

// Every KOOS number of a cohort per timepoint, gathered by one walk over its rows: what the KOOS and
// responder figures are made of. Means and SDs are running moments (stats::RunningMoments), within about
// 1e-15 of R's two-pass mean() and sd() rather than equal to the last bit; counts are exact.
struct KoosCells {
  struct AtTimepoint {
    size_t answered = 0, expected = 0;  // completeness: answered of those due on as_of
    std::array<stats::RunningMoments, kKoosScales.size()> score;   // by kKoosScales
    std::array<stats::RunningMoments, kKoosScales.size()> change;  // follow-up minus baseline, same course
    std::array<size_t, kKoosScales.size()> mic_n{}, mic_responders{};  // by kKoosScales, where a MIC is set
    size_t pass_n = 0, in_pass = 0;  // Pain at or above PASS
  };
  std::vector<AtTimepoint> at;  // by the clinic's timepoints; baseline has no change or responders
  // The courses with Pain at baseline and at the timepoint asked for, in cohort order, with both scores.
  struct PainPair {
    uint32_t course;  // as in Cohort::courses
    double before, after;
  };
  std::vector<PainPair> pain_pairs;

  // Adds the cells of courses that come after these in the cohort (a later part of the same walk).
  void Merge(KoosCells&& later);
};
// The cells of `part` of the cohort's courses (all of them, or a part of the walk merged later in cohort
// order). `pain_pairs_at`: the timepoint whose Pain pairs to keep, if any.
KoosCells SummarizeKoos(const Cohort& cohort, std::span<const uint32_t> part, size_t timepoints,
                        std::optional<size_t> pain_pairs_at, const AnalyticsSettings& settings);

// KOOS subscale means per timepoint and change from baseline (paired), with completeness.
Json KoosTrajectories(const KoosCells& cells, const std::vector<std::string>& timepoints,
                      size_t courses, const AnalyticsSettings& settings);
// MIC responders per subscale and PASS on Pain at each follow-up timepoint, with the thresholds' sources.
Json ResponderRates(const KoosCells& cells, const std::vector<std::string>& timepoints, size_t courses,
                    const AnalyticsSettings& settings);
// Adverse events per 100 sessions and per patient, by CTCAE grade. `patients` counts the cohort's
// patients; `completeness` is SurvivalCompleteness of the cohort.
Json AdverseEventRates(const Cohort& cohort, size_t patients, const Json& completeness,
                       const AnalyticsSettings& settings);
// Time to knee surgery (TKA, UKA, osteotomy) per protocol: Kaplan–Meier with numbers at risk, cumulative
// incidence with death as a competing risk, log-rank between protocols; the other knee's replacement.
Json KneeSurvival(const Cohort& cohort, size_t patients, const Json& completeness,
                  const AnalyticsSettings& settings);
// MRI cartilage thickness change per region, baseline against follow-up measured with the same method.
Json CartilageChangeFigure(const Cohort& cohort, const AnalyticsSettings& settings);
// 12-month KOOS Pain change, split (more than one session intended) against single session, adjusted by
// linear regression for baseline score, age, KL grade and BMI.
// `at_12m` is the position of "12m" in the clinic's timepoints, nothing when its schedule lacks one; `koos`
// the cohort's KOOS cells with the Pain pairs at 12 months.
Json SplitVersusSingle(const Cohort& cohort, const KoosCells& koos, std::optional<size_t> at_12m,
                       const AnalyticsSettings& settings);

// How a course ended for the time to knee surgery: days from the first session to knee surgery of the treated
// knee (status 1), to death first (2), or to the last recorded contact on `as_of`, censored (0).
struct Ending {
  int32_t days = 0;  // 8 bytes in all: a report places one per course of the cohort
  int32_t status = 0;
};
Ending EndingOf(const CourseFacts& course, Day as_of);
// Positions of `endings` by ascending days, equal days in cohort order: the order every survival estimate
// would sort the times into (time is days / kDaysPerMonth), found once so that none sorts them again.
std::vector<uint32_t> ByDays(const std::vector<Ending>& endings);

// Follow-up completeness of a survival analysis (Clark's C): follow-up time observed over the time that
// could have been observed up to `as_of`, death or knee surgery.
Json SurvivalCompleteness(const Cohort& cohort, const AnalyticsSettings& settings, const std::string& as_of);

// Helpers shared by the figure files. Timepoints are positions in ClinicRows::timepoints; baseline is first.
inline constexpr size_t kBaseline = 0;
std::optional<double> ScoreAt(std::span<const KoosAt> koos, size_t timepoint, size_t scale);
// Courses answered at a timepoint, of those due there on `as_of`.
std::pair<size_t, size_t> AnsweredOfExpected(const Cohort& cohort, size_t timepoint, Day as_of);
std::string ScaleTitle(const std::string& scale);
// The number of distinct ids (patients, knees) among `ids`, which it may reorder.
size_t CountDistinct(std::vector<int64_t>& ids);
// The distinct patients whose courses make up the cohort, and the most courses one of them has.
CoursesPerPatient CountPatients(const Cohort& cohort);

}  // namespace kneeregen
