// Cox proportional hazards by Newton–Raphson, as R's survival::coxph: Efron ties by default, Breslow
// selectable; the same convergence rule (relative change in the log partial likelihood below 1e-9, at most
// 20 iterations, step halving when the likelihood falls) so coefficients agree to 1e-6.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace kneeregen::stats {

enum class Ties { kEfron, kBreslow };

struct CoxFit {
  Ties ties = Ties::kEfron;
  std::vector<double> coef, se, z, p;  // per covariate; p is the two-sided Wald p
  std::vector<double> hazard_ratio, hr_lower, hr_upper;  // exp(coef) with its 95 % CI
  double loglik_null = 0, loglik = 0;  // R's fit$loglik
  int iterations = 0;
  bool converged = false;
};

// `covariates` holds one column per covariate, each as long as `time`. Callers dummy-code factors and
// drop rows with missing values.
CoxFit FitCox(std::span<const double> time, std::span<const int> event,
              std::span<const std::vector<double>> covariates, Ties ties = Ties::kEfron);

}  // namespace kneeregen::stats
