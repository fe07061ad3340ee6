#include "stats/descriptive.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "unit/stats/stats_golden.hpp"

namespace kneeregen::stats {
namespace {

using testing::Doubles;
using testing::ExpectAgrees;
using testing::kAgreesWithR;
using testing::LoadGolden;

// R's answers; tests/golden/stats/regenerate.R writes them.
const Json& Golden() {
  static const Json golden = LoadGolden("stats/descriptive.json");
  return golden;
}

// A golden section that lost its cases would otherwise pass without checking anything.
const Json& Section(const char* name, size_t at_least) {
  const Json& section = Golden().at(name);
  EXPECT_GE(section.size(), at_least) << name;
  return section;
}

TEST(Describe, MatchesRMeanSdAndType7Quantiles) {
  for (const Json& c : Section("describe", 7)) {
    const std::string name = c.at("name");
    const std::vector<double> x = Doubles(c.at("x"));
    const Summary s = Describe(x);
    EXPECT_EQ(s.n, c.at("n").get<size_t>()) << name;
    EXPECT_NEAR(s.mean, c.at("mean").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.sd, c.at("sd").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.min, c.at("min").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.q1, c.at("q1").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.median, c.at("median").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.q3, c.at("q3").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(s.max, c.at("max").get<double>(), kAgreesWithR) << name;
  }
}

TEST(Describe, EmptyInputIsAllZero) {
  const Summary s = Describe({});
  EXPECT_EQ(s.n, 0u);
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.max, 0);
}

TEST(MeanWithCi, MatchesTTestConfInt) {
  for (const Json& c : Section("mean_ci", 14)) {
    const std::string name =
        c.at("name").get<std::string>() + " @" + std::to_string(c.at("level").get<double>());
    const std::vector<double> x = Doubles(c.at("x"));
    const MeanInterval m = MeanWithCi(x, c.at("level"));
    EXPECT_EQ(m.n, x.size()) << name;
    EXPECT_NEAR(m.mean, c.at("mean").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(m.sd, c.at("sd").get<double>(), kAgreesWithR) << name;
    ExpectAgrees(m.lower, c.at("lower"), name + " lower");
    ExpectAgrees(m.upper, c.at("upper"), name + " upper");
  }
}

TEST(PairedT, MatchesPairedTTest) {
  for (const Json& c : Section("paired_t", 10)) {
    const std::string name =
        c.at("name").get<std::string>() + " @" + std::to_string(c.at("level").get<double>());
    const PairedChange p = PairedT(Doubles(c.at("before")), Doubles(c.at("after")), c.at("level"));
    EXPECT_EQ(p.n, c.at("n").get<size_t>()) << name;
    EXPECT_NEAR(p.mean_change, c.at("mean_change").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(p.sd, c.at("sd").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(p.df, c.at("df").get<double>(), kAgreesWithR) << name;
    ExpectAgrees(p.t, c.at("t"), name + " t");
    ExpectAgrees(p.p, c.at("p"), name + " p");
    ExpectAgrees(p.lower, c.at("lower"), name + " lower");
    ExpectAgrees(p.upper, c.at("upper"), name + " upper");
  }
}

TEST(PairedT, SleepDataAsPrintedByR) {
  // t.test(extra ~ group, data = sleep, paired = TRUE) prints t = -4.0621, df = 9, p-value = 0.002833 for
  // group 1 - group 2; after - before flips the sign.
  const std::vector<double> group1{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  const std::vector<double> group2{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
  const PairedChange p = PairedT(group1, group2);
  ASSERT_TRUE(p.t && p.p);
  EXPECT_NEAR(*p.t, 4.0621, 5e-5);
  EXPECT_NEAR(*p.p, 0.002833, 5e-7);
  EXPECT_EQ(p.df, 9);
}

RunningMoments Moments(const std::vector<double>& values) {
  RunningMoments m;
  for (double v : values) m.Add(v);
  return m;
}

// Running moments stand in for R's two-pass mean and sd in figures over a million courses; they must agree
// far inside the 1e-6 the figures promise, to about the last digit or two of a double.
constexpr double kRunning = 1e-13;

void ExpectCloseRelative(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), kRunning * std::max(1.0, std::abs(expected))) << what;
}

TEST(RunningMoments, AgreeWithMeanWithCiOnRsCases) {
  for (const Json& c : Section("mean_ci", 14)) {
    const std::string name = c.at("name").get<std::string>();
    const std::vector<double> x = Doubles(c.at("x"));
    const MeanInterval running = MeanWithCi(Moments(x), c.at("level")), gathered = MeanWithCi(x, c.at("level"));
    EXPECT_EQ(running.n, gathered.n) << name;
    ExpectCloseRelative(running.mean, gathered.mean, name + " mean");
    ExpectCloseRelative(running.sd, gathered.sd, name + " sd");
    ASSERT_EQ(running.lower.has_value(), gathered.lower.has_value()) << name;
    if (gathered.lower) {
      ExpectCloseRelative(*running.lower, *gathered.lower, name + " lower");
      ExpectCloseRelative(*running.upper, *gathered.upper, name + " upper");
    }
  }
}

TEST(RunningMoments, AgreeWithPairedTOnRsCases) {
  for (const Json& c : Section("paired_t", 10)) {
    const std::string name = c.at("name").get<std::string>();
    const std::vector<double> before = Doubles(c.at("before")), after = Doubles(c.at("after"));
    std::vector<double> change;
    for (size_t i = 0; i < before.size(); ++i) change.push_back(after[i] - before[i]);
    const PairedChange running = PairedT(Moments(change), c.at("level"));
    const PairedChange gathered = PairedT(before, after, c.at("level"));
    EXPECT_EQ(running.n, gathered.n) << name;
    ExpectCloseRelative(running.mean_change, gathered.mean_change, name + " mean");
    ExpectCloseRelative(running.sd, gathered.sd, name + " sd");
    ASSERT_EQ(running.p.has_value(), gathered.p.has_value()) << name;
    if (gathered.p) {
      EXPECT_NEAR(*running.p, *gathered.p, 1e-12) << name;
      ExpectCloseRelative(*running.lower, *gathered.lower, name + " lower");
    }
  }
}

TEST(RunningMoments, EmptySingleAndConstantValuesAsMeanWithCi) {
  EXPECT_EQ(MeanWithCi(Moments({})).n, 0u);
  EXPECT_EQ(MeanWithCi(Moments({})).mean, 0);
  const MeanInterval one = MeanWithCi(Moments({42.5}));
  EXPECT_EQ(one.mean, 42.5);
  EXPECT_EQ(one.sd, 0);
  EXPECT_FALSE(one.lower);
  const std::vector<double> constant(1000, 61.1111111111111);
  EXPECT_EQ(Moments(constant).sd(), 0) << "constant changes must leave the paired test empty, as t.test does";
  EXPECT_FALSE(PairedT(Moments(constant)).p);
}

// A million KOOS-like scores (a few hundred distinct values, stored to 13 decimals), as a full cohort's cell
// holds them, and values far from zero.
TEST(RunningMoments, AgreeWithTheGatheredMeanAndSdOnLargeCells) {
  std::mt19937_64 random(20261201);
  std::uniform_int_distribution<int> item(0, 36);
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t n : {2u, 3u, 255u, 256u, 257u, 10000u, 1000000u}) {
    std::vector<double> scores(n), offset(n);
    for (size_t i = 0; i < n; ++i) {
      scores[i] = 100 - std::round(item(random) * 100.0 / 36 * 1e13) / 1e13;
      offset[i] = 1e6 + unit(random);
    }
    for (const auto* x : {&scores, &offset}) {
      const MeanInterval running = MeanWithCi(Moments(*x)), gathered = MeanWithCi(*x);
      const std::string what = "n = " + std::to_string(n) + (x == &scores ? " scores" : " offset");
      ExpectCloseRelative(running.mean, gathered.mean, what + " mean");
      ExpectCloseRelative(running.sd, gathered.sd, what + " sd");
    }
  }
}

// A cell gathered in parts (one per thread) and merged must agree with the values gathered at once, at any
// split: empty parts, parts ending inside a block, parts with other shifts, constant parts.
TEST(RunningMoments, MergedPartsAgreeWithTheGatheredMeanAndSd) {
  std::mt19937_64 random(20261202);
  std::uniform_int_distribution<int> item(0, 36);
  std::vector<double> scores(100000);
  for (double& v : scores) v = 100 - std::round(item(random) * 100.0 / 36 * 1e13) / 1e13;
  const MeanInterval gathered = MeanWithCi(scores);
  for (size_t split : {size_t{0}, size_t{1}, size_t{255}, size_t{257}, size_t{50000}, scores.size()}) {
    const std::vector<double> first(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(split));
    const std::vector<double> second(scores.begin() + static_cast<std::ptrdiff_t>(split), scores.end());
    RunningMoments merged = Moments(first);
    merged.Merge(Moments(second));
    const MeanInterval running = MeanWithCi(merged);
    const std::string what = "split at " + std::to_string(split);
    EXPECT_EQ(running.n, gathered.n) << what;
    ExpectCloseRelative(running.mean, gathered.mean, what + " mean");
    ExpectCloseRelative(running.sd, gathered.sd, what + " sd");
    ExpectCloseRelative(*running.lower, *gathered.lower, what + " lower");
  }
  RunningMoments constant = Moments(std::vector<double>(300, 61.1111111111111));
  constant.Merge(Moments(std::vector<double>(700, 61.1111111111111)));
  EXPECT_EQ(constant.n(), 1000u);
  EXPECT_EQ(constant.sd(), 0) << "constant values merged must still have no spread";
  RunningMoments apart = Moments({1, 2, 3});
  apart.Merge(Moments({1001, 1002, 1003}));
  ExpectCloseRelative(apart.mean(), 502, "far apart mean");
  ExpectCloseRelative(apart.sd(), MeanWithCi(std::vector<double>{1, 2, 3, 1001, 1002, 1003}).sd, "far apart sd");
}

// Values offered with "not there" (NaN among them, as missing KOOS scores are) leave the moments exactly
// as if they had never been offered, across block ends and before the first value.
TEST(RunningMoments, ValuesNotThereChangeNothingToTheLastBit) {
  std::mt19937_64 random(20261203);
  std::uniform_int_distribution<int> item(0, 36), percent(0, 99);
  RunningMoments offered, skipped;
  for (int i = 0; i < 2000; ++i) {
    const bool there = percent(random) >= 40;
    const double v = there ? 100 - std::round(item(random) * 100.0 / 36 * 1e13) / 1e13
                           : std::numeric_limits<double>::quiet_NaN();
    offered.Add(v, there);
    if (there) skipped.Add(v);
  }
  ASSERT_GT(skipped.n(), 1000u);
  EXPECT_EQ(offered.n(), skipped.n());
  EXPECT_EQ(offered.mean(), skipped.mean());
  EXPECT_EQ(offered.sd(), skipped.sd());
  RunningMoments none;
  none.Add(std::numeric_limits<double>::quiet_NaN(), false);
  EXPECT_EQ(none.n(), 0u);
  none.Add(42.5, true);
  EXPECT_EQ(none.mean(), 42.5) << "the first value that is there sets the shift";
}

TEST(WilcoxonSignedRank, MatchesWilcoxTestExactAndNormal) {
  size_t exact_cases = 0, normal_cases = 0;
  for (const Json& c : Section("wilcoxon", 11)) {
    const std::string name = c.at("name");
    const SignedRankTest w = WilcoxonSignedRank(Doubles(c.at("d")));
    EXPECT_EQ(w.n, c.at("n").get<size_t>()) << name;
    EXPECT_NEAR(w.statistic, c.at("statistic").get<double>(), kAgreesWithR) << name;
    ExpectAgrees(w.p, c.at("p"), name + " p");
    EXPECT_EQ(w.exact, c.at("exact").get<bool>()) << name;
    // R names the method it used; the flag must agree with it.
    EXPECT_EQ(w.exact, c.at("method").get<std::string>().find("exact") != std::string::npos) << name;
    (w.exact ? exact_cases : normal_cases) += 1;
  }
  EXPECT_GE(exact_cases, 4u);
  EXPECT_GE(normal_cases, 4u);
}

TEST(WilcoxonSignedRank, ZerosAreDroppedBeforeRanking) {
  const SignedRankTest with_zeros = WilcoxonSignedRank(std::vector<double>{0, 3, -1, 0, 2});
  EXPECT_EQ(with_zeros.n, 3u);
  EXPECT_DOUBLE_EQ(with_zeros.statistic, 5);  // ranks of |3|, |-1|, |2| are 3, 1, 2
  EXPECT_FALSE(with_zeros.exact);
}

TEST(WilsonInterval, MatchesPropTestWithoutCorrection) {
  for (const Json& c : Section("wilson", 8)) {
    const auto events = c.at("events").get<size_t>(), n = c.at("n").get<size_t>();
    const std::string name = std::to_string(events) + "/" + std::to_string(n);
    const Proportion p = WilsonInterval(events, n, c.at("level"));
    EXPECT_EQ(p.events, events);
    EXPECT_EQ(p.n, n);
    ExpectAgrees(p.estimate, c.at("estimate"), name + " estimate");
    ExpectAgrees(p.lower, c.at("lower"), name + " lower");
    ExpectAgrees(p.upper, c.at("upper"), name + " upper");
  }
}

TEST(WilsonInterval, BoundsArePinnedAtNoneAndAll) {
  const Proportion none = WilsonInterval(0, 25);
  const Proportion all = WilsonInterval(25, 25);
  ASSERT_TRUE(none.lower && all.upper);
  EXPECT_EQ(*none.lower, 0.0);
  EXPECT_EQ(*all.upper, 1.0);
  EXPECT_GT(*none.upper, 0.0);
  EXPECT_LT(*all.lower, 1.0);
}

}  // namespace
}  // namespace kneeregen::stats
