// SummarizeKoos gathers every KOOS cell of a cohort in one walk that adds each value without asking whether
// it is there. Here a cohort of irregular courses (unanswered timepoints, missing subscales, scores at the
// MIC and PASS thresholds, open and closed windows) is summarised in one part and in merged parts of every
// kind, and each cell is checked against the values gathered one by one the plain way: counts exactly,
// means and SDs to the 1e-13 that stats::RunningMoments promises.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "registry/analytics_figures.hpp"
#include "stats/descriptive.hpp"

namespace kneeregen {
namespace {

constexpr size_t kCourses = 1500;  // several RunningMoments blocks
const std::vector<std::string> kTimepoints = {"baseline", "6w", "3m", "12m"};
constexpr size_t kTwelveMonths = 3;

ClinicRows IrregularRows() {
  std::mt19937_64 random(20261202);
  std::uniform_int_distribution<int> item(0, 36), percent(0, 99);
  ClinicRows rows;
  rows.timepoints = kTimepoints;
  for (size_t i = 0; i < kCourses; ++i) {
    CourseRow course;
    course.course_id = static_cast<int64_t>(i + 1);
    course.patient_id = static_cast<int64_t>(i / 2 + 1);
    course.knee_id = course.course_id;
    course.protocol_name = "custom plan";
    rows.courses.push_back(course);
    for (size_t t = 0; t < kTimepoints.size(); ++t) {
      KoosAt at;
      at.answered = percent(random) < 70;
      at.completed = at.answered || percent(random) < 5;
      at.window_closes = percent(random) < 50 ? Day{100} : Day{300};  // as of day 200: closed or open
      if (at.answered)
        for (double& score : at.scores)
          score = percent(random) < 10 ? kNoScore : 100 - std::round(item(random) * 100.0 / 36 * 1e13) / 1e13;
      // A few sit exactly on the Pain thresholds: PASS 69 and baseline + MIC 11.3.
      if (at.answered && t > 0 && percent(random) < 5) at.scores[0] = 69;
      rows.koos.push_back(at);
    }
  }
  IndexCourses(rows.courses, rows.columns);
  return rows;
}

struct Gathered {
  size_t answered = 0, expected = 0, pass_n = 0, in_pass = 0;
  std::array<std::vector<double>, kKoosScales.size()> score, change;
  std::array<size_t, kKoosScales.size()> mic_n{}, mic_responders{};
};

// The cells gathered value by value, each rule written out as the figures state it.
std::vector<Gathered> GatherOneByOne(const Cohort& cohort, const AnalyticsSettings& s,
                                     std::vector<KoosCells::PainPair>& pairs) {
  std::vector<Gathered> cells(kTimepoints.size());
  const Day as_of = AsOfDay(s);
  for (uint32_t course : cohort.courses) {
    const auto koos = cohort.rows->KoosOf(course);
    const KoosAt& baseline = koos[kBaseline];
    for (size_t t = 0; t < koos.size(); ++t) {
      const KoosAt& at = koos[t];
      Gathered& cell = cells[t];
      if (at.answered || at.completed || at.window_closes < as_of) ++cell.expected;
      if (!at.answered) continue;
      ++cell.answered;
      for (size_t k = 0; k < kKoosScales.size(); ++k) {
        if (std::isnan(at.scores[k])) continue;
        cell.score[k].push_back(at.scores[k]);
        if (t == kBaseline || !baseline.answered || std::isnan(baseline.scores[k])) continue;
        const double change = at.scores[k] - baseline.scores[k];
        cell.change[k].push_back(change);
        ++cell.mic_n[k];
        if (change >= s.mic.by_scale.at(kKoosScales[k]).value - stats::kScoreSlack) ++cell.mic_responders[k];
        if (k == 0 && t == kTwelveMonths) pairs.push_back({course, baseline.scores[0], at.scores[0]});
      }
      if (t == kBaseline || std::isnan(at.scores[0])) continue;
      ++cell.pass_n;
      if (at.scores[0] >= s.pass_pain - stats::kScoreSlack) ++cell.in_pass;
    }
  }
  return cells;
}

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), 1e-13 * std::max(1.0, std::abs(expected))) << what;
}

void ExpectSameCells(const KoosCells& actual, const std::vector<Gathered>& expected,
                     const std::vector<KoosCells::PainPair>& pairs, const std::string& how) {
  ASSERT_EQ(actual.at.size(), expected.size()) << how;
  for (size_t t = 0; t < expected.size(); ++t) {
    const auto& a = actual.at[t];
    const Gathered& e = expected[t];
    const std::string at = how + ", " + kTimepoints[t];
    EXPECT_EQ(a.answered, e.answered) << at;
    EXPECT_EQ(a.expected, e.expected) << at;
    EXPECT_EQ(a.pass_n, e.pass_n) << at;
    EXPECT_EQ(a.in_pass, e.in_pass) << at;
    for (size_t k = 0; k < kKoosScales.size(); ++k) {
      const std::string cell = at + ", " + kKoosScales[k];
      EXPECT_EQ(a.mic_n[k], e.mic_n[k]) << cell;
      EXPECT_EQ(a.mic_responders[k], e.mic_responders[k]) << cell;
      for (const auto& [moments, values, name] : {std::tuple{&a.score[k], &e.score[k], "score"},
                                                  std::tuple{&a.change[k], &e.change[k], "change"}}) {
        const stats::MeanInterval gathered = stats::MeanWithCi(*values);
        ASSERT_EQ(moments->n(), gathered.n) << cell << " " << name;
        ExpectClose(moments->mean(), gathered.mean, cell + " " + name + " mean");
        ExpectClose(moments->sd(), gathered.sd, cell + " " + name + " sd");
      }
    }
  }
  ASSERT_EQ(actual.pain_pairs.size(), pairs.size()) << how;
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(actual.pain_pairs[i].course, pairs[i].course) << how;
    EXPECT_EQ(actual.pain_pairs[i].before, pairs[i].before) << how;
    EXPECT_EQ(actual.pain_pairs[i].after, pairs[i].after) << how;
  }
}

TEST(SummarizeKoos, EveryCellAgreesWithTheValuesGatheredOneByOne) {
  const ClinicRows rows = IrregularRows();
  AnalyticsSettings s;
  s.as_of = "1970-07-20";  // day 200
  ASSERT_EQ(AsOfDay(s), Day{200});
  const Cohort cohort = SelectRows(rows, CohortFilter{});
  ASSERT_EQ(cohort.size(), kCourses);
  std::vector<KoosCells::PainPair> pairs;
  const std::vector<Gathered> expected = GatherOneByOne(cohort, s, pairs);
  ASSERT_GT(expected[kTwelveMonths].in_pass, 0u);
  ASSERT_LT(expected[kTwelveMonths].in_pass, expected[kTwelveMonths].pass_n);

  const std::span<const uint32_t> all(cohort.courses);
  ExpectSameCells(SummarizeKoos(cohort, all, kTimepoints.size(), kTwelveMonths, s), expected, pairs,
                  "one part");
  // Parts as threads split a walk: empty, inside a block, at a block's end, and most of the cohort.
  for (size_t split : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{700}, kCourses}) {
    KoosCells merged = SummarizeKoos(cohort, all.first(split), kTimepoints.size(), kTwelveMonths, s);
    merged.Merge(SummarizeKoos(cohort, all.subspan(split), kTimepoints.size(), kTwelveMonths, s));
    ExpectSameCells(merged, expected, pairs, "split at " + std::to_string(split));
  }
}

// A cell whose values are all equal has no spread at all, as R's sd() says, so its paired test stays empty.
TEST(SummarizeKoos, EqualValuesHaveAnSdOfExactlyZero) {
  ClinicRows rows;
  rows.timepoints = kTimepoints;
  for (size_t i = 0; i < 600; ++i) {
    CourseRow course;
    course.course_id = course.patient_id = course.knee_id = static_cast<int64_t>(i + 1);
    rows.courses.push_back(course);
    for (size_t t = 0; t < kTimepoints.size(); ++t) {
      KoosAt at;
      at.answered = true;
      at.scores = {61.1111111111111, 50, 70.5882352941176, 45, 31.25};
      if (t > 0) at.scores[0] = 72.2222222222222;
      rows.koos.push_back(at);
    }
  }
  IndexCourses(rows.courses, rows.columns);
  AnalyticsSettings s;
  s.as_of = "2026-01-01";
  const Cohort cohort = SelectRows(rows, CohortFilter{});
  const KoosCells cells = SummarizeKoos(cohort, cohort.courses, kTimepoints.size(), kTwelveMonths, s);
  for (size_t t = 0; t < kTimepoints.size(); ++t)
    for (size_t k = 0; k < kKoosScales.size(); ++k) {
      EXPECT_EQ(cells.at[t].score[k].sd(), 0) << kTimepoints[t] << " " << kKoosScales[k];
      if (t != kBaseline) {
        EXPECT_EQ(cells.at[t].change[k].sd(), 0) << kTimepoints[t] << " " << kKoosScales[k];
      }
    }
  EXPECT_EQ(cells.at[kTwelveMonths].score[0].mean(), 72.2222222222222);
  EXPECT_FALSE(stats::PairedT(cells.at[kTwelveMonths].change[0]).p);
}

}  // namespace
}  // namespace kneeregen
