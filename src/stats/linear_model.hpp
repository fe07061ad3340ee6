// Ordinary least squares with an intercept, as R's lm(): coefficients, standard errors, t tests and CIs,
// for change in a PROM adjusted for baseline score, age, KL grade and BMI.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kneeregen::stats {

struct LinearFit {
  std::vector<std::string> terms;  // "(Intercept)" then the covariate names
  std::vector<double> coef, se, t, p, lower, upper;
  size_t n = 0, df_residual = 0;
  double sigma = 0, r_squared = 0;
};

// Empty when there are no more rows than coefficients or the design is rank-deficient (the caller reports
// "too few patients to adjust"). Callers dummy-code factors. covariates[j] is the column of covariate j
// (one value per element of y), named names[j]; mismatched lengths also give empty. Rank deficiency is
// judged as lm() does (a column within 1e-7 of the span of the columns before it), so empty here is where
// R prints NA coefficients.
std::optional<LinearFit> FitLinear(std::span<const double> y, std::span<const std::vector<double>> covariates,
                                   std::span<const std::string> names, double level = 0.95);

}  // namespace kneeregen::stats
