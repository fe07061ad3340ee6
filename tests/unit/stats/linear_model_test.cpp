#include "stats/linear_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "unit/stats/stats_golden.hpp"

namespace kneeregen::stats {
namespace {

using testing::Doubles;
using testing::kAgreesWithR;
using testing::LoadGolden;

void ExpectColumn(const std::vector<double>& actual, const Json& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i].get<double>(), kAgreesWithR) << what << "[" << i << "]";
}

// tests/golden/stats/linear_model.json: lm() on mtcars, a synthetic knee cohort and small designs, with
// null where lm() cannot give standard errors (no residual df) or prints NA coefficients (aliased columns).
TEST(FitLinear, MatchesLmSummaryAndConfint) {
  const Json golden = LoadGolden("stats/linear_model.json");
  size_t fitted = 0, refused = 0;
  ASSERT_GE(golden.at("cases").size(), 7u);
  for (const Json& c : golden.at("cases")) {
    const std::string name = c.at("name");
    std::vector<std::vector<double>> covariates;
    for (const Json& column : c.at("covariates")) covariates.push_back(Doubles(column));
    const auto names = c.at("names").get<std::vector<std::string>>();
    const std::vector<double> y = Doubles(c.at("y"));
    const auto fit = FitLinear(y, covariates, names, c.at("level"));
    const Json& expected = c.at("fit");
    if (expected.is_null()) {
      EXPECT_FALSE(fit.has_value()) << name;
      ++refused;
      continue;
    }
    ASSERT_TRUE(fit.has_value()) << name;
    ++fitted;
    EXPECT_EQ(fit->terms, expected.at("terms").get<std::vector<std::string>>()) << name;
    ExpectColumn(fit->coef, expected.at("coef"), name + " coef");
    ExpectColumn(fit->se, expected.at("se"), name + " se");
    ExpectColumn(fit->t, expected.at("t"), name + " t");
    ExpectColumn(fit->p, expected.at("p"), name + " p");
    ExpectColumn(fit->lower, expected.at("lower"), name + " lower");
    ExpectColumn(fit->upper, expected.at("upper"), name + " upper");
    EXPECT_EQ(fit->n, expected.at("n").get<size_t>()) << name;
    EXPECT_EQ(fit->df_residual, expected.at("df_residual").get<size_t>()) << name;
    EXPECT_NEAR(fit->sigma, expected.at("sigma").get<double>(), kAgreesWithR) << name;
    EXPECT_NEAR(fit->r_squared, expected.at("r_squared").get<double>(), kAgreesWithR) << name;
  }
  EXPECT_GE(fitted, 5u);
  EXPECT_GE(refused, 2u);
}

TEST(FitLinear, InterceptOnlyModelIsTheMeanWithItsStandardError) {
  const std::vector<double> y{2, 4, 9};
  const auto fit = FitLinear(y, {}, {});
  ASSERT_TRUE(fit.has_value());
  ASSERT_EQ(fit->coef.size(), 1u);
  EXPECT_NEAR(fit->coef[0], 5, 1e-12);
  EXPECT_NEAR(fit->se[0], std::sqrt(13.0 / 3), 1e-12);  // sd(y) = sqrt(13), over sqrt(3)
  EXPECT_EQ(fit->df_residual, 2u);
}

TEST(FitLinear, ConstantCovariateIsAliasedWithTheIntercept) {
  const std::vector<double> y{1, 2, 4, 3, 5};
  const std::vector<std::vector<double>> covariates{{1, 2, 3, 4, 5}, {7, 7, 7, 7, 7}};
  const std::vector<std::string> names{"age", "site"};
  EXPECT_FALSE(FitLinear(y, covariates, names).has_value());
}

TEST(FitLinear, MismatchedColumnsAreRefused) {
  const std::vector<double> y{1, 2, 4, 3, 5};
  const std::vector<std::vector<double>> covariates{{1, 2, 3, 4}};
  const std::vector<std::string> names{"age"};
  EXPECT_FALSE(FitLinear(y, covariates, names).has_value());
}

}  // namespace
}  // namespace kneeregen::stats
