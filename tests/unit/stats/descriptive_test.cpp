#include "stats/descriptive.hpp"

#include <gtest/gtest.h>

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
