#include "stats/competing_risks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "unit/stats/stats_golden.hpp"

namespace kneeregen::stats {
namespace {

using testing::Doubles;
using testing::ExpectAgrees;
using testing::kAgreesWithR;
using testing::LoadGolden;

const Json& Golden() {
  static const Json golden = LoadGolden("stats/competing_risks.json");
  return golden;
}

CumulativeIncidence Fit(const Json& c) {
  const std::vector<double> time = Doubles(c.at("time"));
  const std::vector<int> status = c.at("status").get<std::vector<int>>();
  return AalenJohansen(time, status, c.at("level"));
}

// tests/golden/stats/competing_risks.json: survfit(Surv(time, factor(status, 0:2)) ~ 1) on hand cases and
// on mgus2 as in the survival "compete" vignette; rows are R's times with an event of either kind.
TEST(AalenJohansen, MatchesMultiStateSurvfit) {
  ASSERT_GE(Golden().at("cases").size(), 4u);
  for (const Json& c : Golden().at("cases")) {
    const std::string name = c.at("name");
    const CumulativeIncidence curve = Fit(c);
    EXPECT_EQ(curve.n, c.at("n").get<size_t>()) << name;
    const Json& rows = c.at("rows");
    ASSERT_EQ(curve.rows.size(), rows.size()) << name;
    for (size_t i = 0; i < rows.size(); ++i) {
      const IncidenceRow& row = curve.rows[i];
      const Json& expected = rows[i];
      const std::string where = name + " row " + std::to_string(i);
      EXPECT_NEAR(row.time, expected.at("time").get<double>(), kAgreesWithR) << where;
      EXPECT_EQ(row.n_risk, expected.at("n_risk").get<size_t>()) << where;
      EXPECT_EQ(row.n_event, expected.at("n_event").get<size_t>()) << where;
      EXPECT_EQ(row.n_competing, expected.at("n_competing").get<size_t>()) << where;
      EXPECT_NEAR(row.incidence, expected.at("incidence").get<double>(), kAgreesWithR) << where;
      EXPECT_NEAR(row.std_err, expected.at("std_err").get<double>(), kAgreesWithR) << where;
      ExpectAgrees(row.lower, expected.at("lower"), where + " lower");
      ExpectAgrees(row.upper, expected.at("upper"), where + " upper");
    }
  }
}

// Times given in order (equal times in any order) skip the sort and give the same curve to the last bit.
TEST(AalenJohansen, TimesGivenInOrderGiveTheSameCurve) {
  for (const Json& c : Golden().at("cases")) {
    const std::vector<double> time = Doubles(c.at("time"));
    const std::vector<int> status = c.at("status").get<std::vector<int>>();
    std::vector<size_t> order(time.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {  // equal times last row first
      return time[a] != time[b] ? time[a] < time[b] : a > b;
    });
    std::vector<double> sorted_time;
    std::vector<int> sorted_status;
    for (size_t i : order) {
      sorted_time.push_back(time[i]);
      sorted_status.push_back(status[i]);
    }
    const CumulativeIncidence expected = AalenJohansen(time, status, c.at("level"));
    const CumulativeIncidence actual = AalenJohansen(sorted_time, sorted_status, c.at("level"));
    const std::string name = c.at("name").get<std::string>();
    ASSERT_EQ(actual.rows.size(), expected.rows.size()) << name;
    for (size_t i = 0; i < actual.rows.size(); ++i) {
      EXPECT_EQ(actual.rows[i].time, expected.rows[i].time) << name << " row " << i;
      EXPECT_EQ(actual.rows[i].n_risk, expected.rows[i].n_risk) << name << " row " << i;
      EXPECT_EQ(actual.rows[i].incidence, expected.rows[i].incidence) << name << " row " << i;
      EXPECT_EQ(actual.rows[i].std_err, expected.rows[i].std_err) << name << " row " << i;
      EXPECT_EQ(actual.rows[i].lower, expected.rows[i].lower) << name << " row " << i;
      EXPECT_EQ(actual.rows[i].upper, expected.rows[i].upper) << name << " row " << i;
    }
  }
}

TEST(AalenJohansen, MgusIncidenceOfProgressionIsBelowOneMinusKaplanMeier) {
  // Treating death as censoring (1 - KM) overstates the incidence of progression: the reason to use
  // Aalen–Johansen at all. On mgus2 the naive figure is clearly higher at 30 years.
  const Json& mgus = Golden().at("cases").back();
  ASSERT_NE(mgus.at("name").get<std::string>().find("mgus2"), std::string::npos);
  const std::vector<double> time = Doubles(mgus.at("time"));
  std::vector<int> status = mgus.at("status").get<std::vector<int>>();
  const double competing_aware = IncidenceAt(Fit(mgus), 360).incidence;
  for (int& s : status)
    if (s == 2) s = 0;
  const double naive = IncidenceAt(AalenJohansen(time, status), 360).incidence;
  EXPECT_GT(naive, competing_aware + 0.02);
}

TEST(IncidenceAt, StepsAtEventTimesAndIsZeroBefore) {
  const std::vector<double> time{2, 3, 5, 7, 11};
  const std::vector<int> status{1, 2, 1, 0, 1};
  const CumulativeIncidence curve = AalenJohansen(time, status);
  const IncidenceRow before = IncidenceAt(curve, 1.9);
  EXPECT_EQ(before.incidence, 0);
  EXPECT_EQ(before.n_risk, 5u);
  EXPECT_FALSE(before.lower.has_value());
  EXPECT_NEAR(IncidenceAt(curve, 2).incidence, 0.2, 1e-12);
  EXPECT_NEAR(IncidenceAt(curve, 4.99).incidence, 0.2, 1e-12);
  EXPECT_NEAR(IncidenceAt(curve, 5).incidence, 0.2 + 0.6 / 3, 1e-12);  // p0 = 0.6, one of three at risk
  EXPECT_NEAR(IncidenceAt(curve, 100).incidence, 0.8, 1e-12);
}

TEST(AalenJohansen, EmptyInputHasNoRows) {
  const CumulativeIncidence curve = AalenJohansen({}, {});
  EXPECT_EQ(curve.n, 0u);
  EXPECT_TRUE(curve.rows.empty());
}

}  // namespace
}  // namespace kneeregen::stats
