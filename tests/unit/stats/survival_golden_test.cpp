// Kaplan–Meier, log-rank and Cox against R's survival package (survfit, quantile.survfit, survdiff, coxph
// with Efron and Breslow ties) on lung, veteran, a synthetic knee registry with heavy ties and small
// hand-made edge cases. tests/golden/survival/regenerate.R wrote every expected file from the CSVs beside
// them. Then the cases R's files don't reach: no events at all, a single subject, and checks that the
// comparison notices a changed input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/csv_reader.hpp"
#include "stats/cox.hpp"
#include "stats/kaplan_meier.hpp"
#include "stats/logrank.hpp"

namespace kneeregen::stats {
namespace {

using nlohmann::json;

const std::string kGoldenDir = std::string(KNEEREGEN_SOURCE_DIR) + "/tests/golden/survival/";

// A CSV as columns of cells, by header name.
using Columns = std::map<std::string, std::vector<std::string>>;

Columns ReadCsv(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  CsvReader reader(CsvFromFileDescriptor(fd));
  CsvRecord record;
  std::vector<std::string> header;
  Columns columns;
  while (reader.Next(record) == CsvStatus::kRecord) {
    if (header.empty()) {
      header.assign(record.fields.begin(), record.fields.end());
      continue;
    }
    for (size_t c = 0; c < header.size(); ++c) columns[header[c]].emplace_back(record.fields.at(c));
  }
  ::close(fd);
  return columns;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

// 1e-6, relative for values above 1 in size.
bool Near(double actual, double expected) {
  return std::abs(actual - expected) <= 1e-6 * std::max(1.0, std::abs(expected));
}

::testing::AssertionResult NearOptional(const std::optional<double>& actual, const json& expected) {
  if (expected.is_null())
    return actual ? ::testing::AssertionFailure() << "got " << *actual << ", R has NA"
                  : ::testing::AssertionSuccess();
  if (!actual) return ::testing::AssertionFailure() << "got nothing, R has " << expected.get<double>();
  if (!Near(*actual, expected.get<double>()))
    return ::testing::AssertionFailure() << "got " << *actual << ", R has " << expected.get<double>();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult NearNumber(double actual, const json& expected) {
  if (expected.is_null())
    return std::isnan(actual) ? ::testing::AssertionSuccess()
                              : ::testing::AssertionFailure() << "got " << actual << ", R has NA";
  return NearOptional(actual, expected);
}

// One golden case: the CSV's columns as R read them and what R answered.
struct GoldenCase {
  json expected;
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;  // index into group_names, by first appearance
  std::vector<std::string> group_names;
  std::vector<std::vector<std::string>> covariate_cells;

  explicit GoldenCase(const std::string& name) : expected(ReadJson(kGoldenDir + name + ".expected.json")) {
    Columns csv = ReadCsv(kGoldenDir + name + ".csv");
    for (const auto& cell : csv.at(expected["time"])) time.push_back(std::stod(cell));
    for (const auto& cell : csv.at(expected["event"])) event.push_back(std::stoi(cell));
    for (const auto& cell : csv.at(expected["group"])) {
      auto it = std::find(group_names.begin(), group_names.end(), cell);
      group.push_back(static_cast<int>(it - group_names.begin()));
      if (it == group_names.end()) group_names.push_back(cell);
    }
    for (const auto& name : expected["covariates"]) covariate_cells.push_back(csv.at(name));
  }

  // The rows with every covariate present, as coxph keeps them.
  void CompleteCoxRows(std::vector<double>& t, std::vector<int>& e,
                       std::vector<std::vector<double>>& x) const {
    x.assign(covariate_cells.size(), {});
    for (size_t i = 0; i < time.size(); ++i) {
      bool complete = true;
      for (const auto& column : covariate_cells) complete = complete && !column[i].empty();
      if (!complete) continue;
      t.push_back(time[i]);
      e.push_back(event[i]);
      for (size_t j = 0; j < x.size(); ++j) x[j].push_back(std::stod(covariate_cells[j][i]));
    }
  }
};

void ExpectCurve(const KmCurve& curve, const json& r, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(curve.n, r["n"].get<size_t>());
  ASSERT_EQ(curve.rows.size(), r["time"].size());
  for (size_t i = 0; i < curve.rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i) + " at time " + std::to_string(curve.rows[i].time));
    const KmRow& row = curve.rows[i];
    EXPECT_EQ(row.time, r["time"][i].get<double>());
    EXPECT_EQ(row.n_risk, r["n_risk"][i].get<size_t>());
    EXPECT_EQ(row.n_event, r["n_event"][i].get<size_t>());
    EXPECT_EQ(row.n_censor, r["n_censor"][i].get<size_t>());
    EXPECT_TRUE(NearNumber(row.survival, r["survival"][i]));
    EXPECT_TRUE(NearNumber(row.std_err, r["std_err"][i]));
    EXPECT_TRUE(NearOptional(row.lower, r["lower"][i]));
    EXPECT_TRUE(NearOptional(row.upper, r["upper"][i]));
  }
  EXPECT_TRUE(NearOptional(curve.median, r["median"])) << "median";
  EXPECT_TRUE(NearOptional(curve.median_lower, r["median_lower"])) << "median lower limit";
  EXPECT_TRUE(NearOptional(curve.median_upper, r["median_upper"])) << "median upper limit";
}

void ExpectCox(const CoxFit& fit, const json& r, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(fit.iterations, r["iterations"].get<int>());
  ASSERT_EQ(fit.coef.size(), r["coef"].size());
  for (size_t j = 0; j < fit.coef.size(); ++j) {
    SCOPED_TRACE("covariate " + std::to_string(j));
    EXPECT_TRUE(NearNumber(fit.coef[j], r["coef"][j])) << "coef";
    EXPECT_TRUE(NearNumber(fit.se[j], r["se"][j])) << "se";
    EXPECT_TRUE(NearNumber(fit.p[j], r["p"][j])) << "p";
    EXPECT_TRUE(Near(fit.hazard_ratio[j], std::exp(r["coef"][j].get<double>())));
  }
  EXPECT_TRUE(NearNumber(fit.loglik_null, r["loglik"][0])) << "null loglik";
  EXPECT_TRUE(NearNumber(fit.loglik, r["loglik"][1])) << "fitted loglik";
}

class SurvivalGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SurvivalGolden, KaplanMeierMatchesSurvfit) {
  const GoldenCase c(GetParam());
  ExpectCurve(KaplanMeier(c.time, c.event), c.expected["km_all"], "all subjects");
  for (size_t g = 0; g < c.group_names.size(); ++g) {
    std::vector<double> t;
    std::vector<int> e;
    for (size_t i = 0; i < c.time.size(); ++i)
      if (c.group[i] == static_cast<int>(g)) {
        t.push_back(c.time[i]);
        e.push_back(c.event[i]);
      }
    ExpectCurve(KaplanMeier(t, e), c.expected["km_groups"][c.group_names[g]], "group " + c.group_names[g]);
  }
}

TEST_P(SurvivalGolden, LogRankMatchesSurvdiff) {
  const GoldenCase c(GetParam());
  const LogRankTest test = LogRank(c.time, c.event, c.group, static_cast<int>(c.group_names.size()));
  const json& r = c.expected["logrank"];
  EXPECT_TRUE(Near(test.chisq, r["chisq"].get<double>())) << test.chisq << " vs " << r["chisq"];
  EXPECT_EQ(test.df, r["df"].get<int>());
  EXPECT_TRUE(Near(test.p, r["p"].get<double>())) << test.p << " vs " << r["p"];
  for (size_t g = 0; g < c.group_names.size(); ++g) {
    EXPECT_TRUE(Near(test.observed[g], r["observed"][g].get<double>())) << c.group_names[g];
    EXPECT_TRUE(Near(test.expected[g], r["expected"][g].get<double>())) << c.group_names[g];
  }
}

TEST_P(SurvivalGolden, CoxMatchesCoxphEfronAndBreslow) {
  const GoldenCase c(GetParam());
  std::vector<double> t;
  std::vector<int> e;
  std::vector<std::vector<double>> x;
  c.CompleteCoxRows(t, e, x);
  ASSERT_EQ(t.size(), c.expected["cox_rows"].get<size_t>());
  ExpectCox(FitCox(t, e, x, Ties::kEfron), c.expected["cox_efron"], "efron");
  ExpectCox(FitCox(t, e, x, Ties::kBreslow), c.expected["cox_breslow"], "breslow");
}

// A caller that sorts the times once for several estimates passes them in order, equal times in any order;
// the estimates skip their own sort then, and must come out exactly as from the times in file order.
TEST_P(SurvivalGolden, TimesGivenInOrderGiveTheSameEstimates) {
  const GoldenCase c(GetParam());
  std::vector<size_t> order(c.time.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {  // equal times last row first
    return c.time[a] != c.time[b] ? c.time[a] < c.time[b] : a > b;
  });
  std::vector<double> time;
  std::vector<int> event, group;
  for (size_t i : order) {
    time.push_back(c.time[i]);
    event.push_back(c.event[i]);
    group.push_back(c.group[i]);
  }

  const KmCurve expected = KaplanMeier(c.time, c.event), actual = KaplanMeier(time, event);
  ASSERT_EQ(actual.rows.size(), expected.rows.size());
  for (size_t i = 0; i < actual.rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(actual.rows[i].time, expected.rows[i].time);
    EXPECT_EQ(actual.rows[i].n_risk, expected.rows[i].n_risk);
    EXPECT_EQ(actual.rows[i].n_event, expected.rows[i].n_event);
    EXPECT_EQ(actual.rows[i].n_censor, expected.rows[i].n_censor);
    EXPECT_EQ(actual.rows[i].survival, expected.rows[i].survival);
    EXPECT_EQ(actual.rows[i].lower, expected.rows[i].lower);
    EXPECT_EQ(actual.rows[i].upper, expected.rows[i].upper);
  }
  EXPECT_EQ(actual.median, expected.median);
  EXPECT_EQ(actual.median_lower, expected.median_lower);
  EXPECT_EQ(actual.median_upper, expected.median_upper);

  const std::vector<double> at = {0, time[time.size() / 3], time[time.size() / 2], time.back(), time.back() + 1};
  EXPECT_EQ(NumbersAtRisk(time, at), NumbersAtRisk(c.time, at));

  const int groups = static_cast<int>(c.group_names.size());
  const LogRankTest in_order = LogRank(time, event, group, groups), as_read = LogRank(c.time, c.event, c.group, groups);
  EXPECT_EQ(in_order.chisq, as_read.chisq);
  EXPECT_EQ(in_order.p, as_read.p);
  EXPECT_EQ(in_order.observed, as_read.observed);
  EXPECT_EQ(in_order.expected, as_read.expected);
}

INSTANTIATE_TEST_SUITE_P(R, SurvivalGolden,
                         ::testing::Values("lung", "veteran", "knee_registry", "edge_cases"));

// The tolerance must tell a different answer apart: one event turned into a censoring moves the curve,
// the test and the coefficients of lung well beyond 1e-6.
TEST(SurvivalGoldenSanity, AChangedInputNoLongerMatchesR) {
  GoldenCase c("lung");
  const size_t flipped = 10;
  ASSERT_EQ(c.event[flipped], 1);
  c.event[flipped] = 0;
  const KmCurve curve = KaplanMeier(c.time, c.event);
  const json& km = c.expected["km_all"];
  bool curve_differs = curve.rows.size() != km["time"].size();
  for (size_t i = 0; !curve_differs && i < curve.rows.size(); ++i)
    curve_differs = !Near(curve.rows[i].survival, km["survival"][i].get<double>());
  EXPECT_TRUE(curve_differs);

  const LogRankTest test = LogRank(c.time, c.event, c.group, 2);
  EXPECT_FALSE(Near(test.chisq, c.expected["logrank"]["chisq"].get<double>()));

  std::vector<double> t;
  std::vector<int> e;
  std::vector<std::vector<double>> x;
  c.CompleteCoxRows(t, e, x);
  const CoxFit fit = FitCox(t, e, x);
  EXPECT_FALSE(Near(fit.coef[0], c.expected["cox_efron"]["coef"][0].get<double>()));
  EXPECT_FALSE(Near(fit.loglik, c.expected["cox_efron"]["loglik"][1].get<double>()));
}

TEST(SurvivalGoldenSanity, EfronAndBreslowDifferOnlyWithTies) {
  const GoldenCase knee("knee_registry");
  EXPECT_FALSE(Near(knee.expected["cox_efron"]["coef"][0].get<double>(),
                    knee.expected["cox_breslow"]["coef"][0].get<double>()));
  // No tied times: both ties rules are the same likelihood.
  const std::vector<double> time = {5, 8, 3, 9, 12, 1, 7, 4};
  const std::vector<int> event = {1, 0, 1, 1, 1, 0, 1, 1};
  const std::vector<std::vector<double>> x = {{1, 0, 1, 1, 0, 0, 1, 0}, {61, 55, 70, 48, 66, 59, 52, 63}};
  const CoxFit efron = FitCox(time, event, x, Ties::kEfron), breslow = FitCox(time, event, x, Ties::kBreslow);
  for (size_t j = 0; j < 2; ++j) EXPECT_DOUBLE_EQ(efron.coef[j], breslow.coef[j]);
  EXPECT_DOUBLE_EQ(efron.loglik, breslow.loglik);
}

TEST(SurvivalEdgeCases, AllCensoredHasNoRowsNoMedianAndNoCoxEstimate) {
  const std::vector<double> time = {3, 5, 5, 9};
  const std::vector<int> event = {0, 0, 0, 0};
  const KmCurve curve = KaplanMeier(time, event);
  EXPECT_EQ(curve.n, 4u);
  EXPECT_EQ(curve.events, 0u);
  EXPECT_TRUE(curve.rows.empty());
  EXPECT_FALSE(curve.median);
  EXPECT_FALSE(curve.median_lower);
  EXPECT_EQ(SurvivalAt(curve, 100).survival, 1.0);

  const LogRankTest test = LogRank(time, event, std::vector<int>{0, 1, 0, 1}, 2);
  EXPECT_EQ(test.df, 0);  // no expected deaths anywhere: survdiff has no test
  EXPECT_EQ(test.chisq, 0.0);
  EXPECT_EQ(test.p, 1.0);

  const CoxFit fit = FitCox(time, event, std::vector<std::vector<double>>{{1, 0, 1, 0}});
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.coef[0], 0.0);
  EXPECT_EQ(fit.loglik, 0.0);
  EXPECT_TRUE(std::isnan(fit.se[0]));
}

TEST(SurvivalEdgeCases, ACovariateWithoutInformationIsNotAnEstimate) {
  // Every subject has the same value: the information matrix is singular and no coefficient exists.
  const std::vector<double> time = {2, 4, 4, 7, 9};
  const std::vector<int> event = {1, 1, 0, 1, 0};
  const CoxFit fit = FitCox(time, event, std::vector<std::vector<double>>{{3, 3, 3, 3, 3}});
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.coef[0], 0.0);
  EXPECT_TRUE(std::isnan(fit.se[0]));
  EXPECT_TRUE(std::isnan(fit.p[0]));
}

TEST(SurvivalEdgeCases, ASingleSubject) {
  const KmCurve died = KaplanMeier(std::vector<double>{4}, std::vector<int>{1});
  ASSERT_EQ(died.rows.size(), 1u);
  EXPECT_EQ(died.rows[0].n_risk, 1u);
  EXPECT_EQ(died.rows[0].survival, 0.0);
  EXPECT_FALSE(died.rows[0].lower);  // R: NA where the curve is 0
  EXPECT_FALSE(died.rows[0].upper);
  ASSERT_TRUE(died.median);
  EXPECT_EQ(*died.median, 4.0);

  const KmCurve censored = KaplanMeier(std::vector<double>{4}, std::vector<int>{0});
  EXPECT_TRUE(censored.rows.empty());
  EXPECT_FALSE(censored.median);
}

TEST(SurvivalEdgeCases, EventsAndCensoringsAtTheSameTimeShareTheRiskSet) {
  // At t = 2 two events and one censoring: all three are at risk, the censoring leaves after.
  const std::vector<double> time = {1, 2, 2, 2, 3, 4};
  const std::vector<int> event = {0, 1, 1, 0, 1, 0};
  const KmCurve curve = KaplanMeier(time, event);
  ASSERT_EQ(curve.rows.size(), 2u);
  EXPECT_EQ(curve.rows[0].time, 2.0);
  EXPECT_EQ(curve.rows[0].n_risk, 5u);
  EXPECT_EQ(curve.rows[0].n_event, 2u);
  EXPECT_EQ(curve.rows[0].n_censor, 1u);
  EXPECT_DOUBLE_EQ(curve.rows[0].survival, 3.0 / 5);
  EXPECT_EQ(curve.rows[1].n_risk, 2u);
  EXPECT_DOUBLE_EQ(curve.rows[1].survival, 3.0 / 5 * 1 / 2);
  EXPECT_DOUBLE_EQ(SurvivalAt(curve, 2.5).survival, 0.6);
  EXPECT_DOUBLE_EQ(SurvivalAt(curve, 3).survival, 0.3);
  EXPECT_EQ(NumbersAtRisk(time, std::vector<double>{0, 2, 2.5, 4, 5}), (std::vector<size_t>{6, 5, 2, 1, 0}));
}

}  // namespace
}  // namespace kneeregen::stats
