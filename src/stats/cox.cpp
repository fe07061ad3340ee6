#include "stats/cox.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <optional>

#include "stats/cox_partial_likelihood.hpp"

namespace kneeregen::stats {

namespace {

// survival::coxph.control defaults.
constexpr double kEps = 1e-9;
constexpr int kIterMax = 20;

// Fills se, z, p and the hazard ratios from the coefficients and the information matrix at them.
void FillInference(CoxFit& fit, const Eigen::MatrixXd& information) {
  const size_t p = fit.coef.size();
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(information);
  const bool invertible =
      ldlt.info() == Eigen::Success && ldlt.isPositive() && (ldlt.vectorD().array() > 0).all();
  const Eigen::MatrixXd variance =
      invertible
          ? Eigen::MatrixXd(ldlt.solve(Eigen::MatrixXd::Identity(information.rows(), information.cols())))
          : Eigen::MatrixXd::Constant(information.rows(), information.cols(),
                                      std::numeric_limits<double>::quiet_NaN());
  const boost::math::normal normal;
  const double z975 = boost::math::quantile(normal, 0.975);
  for (size_t j = 0; j < p; ++j) {
    const double se = std::sqrt(variance(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j)));
    const double z = fit.coef[j] / se;
    fit.se.push_back(se);
    fit.z.push_back(z);
    fit.p.push_back(std::isfinite(z) ? 2 * boost::math::cdf(boost::math::complement(normal, std::abs(z)))
                                     : std::numeric_limits<double>::quiet_NaN());
    fit.hazard_ratio.push_back(std::exp(fit.coef[j]));
    fit.hr_lower.push_back(std::exp(fit.coef[j] - z975 * se));
    fit.hr_upper.push_back(std::exp(fit.coef[j] + z975 * se));
  }
}

// Nothing when the information matrix is singular (a constant or collinear covariate): R then drops a
// covariate and reports NA for it; here the fit stops, not converged, with undefined standard errors.
std::optional<Eigen::VectorXd> NewtonStep(const PartialLikelihoodAt& at) {
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(at.information);
  if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().array() > 0).all()) return std::nullopt;
  Eigen::VectorXd step = ldlt.solve(at.score);
  if (!step.allFinite()) return std::nullopt;
  return step;
}

}  // namespace

CoxFit FitCox(std::span<const double> time, std::span<const int> event,
              std::span<const std::vector<double>> covariates, Ties ties) {
  CoxFit fit;
  fit.ties = ties;
  const CoxPartialLikelihood likelihood(time, event, covariates, ties);
  const Eigen::Index p = static_cast<Eigen::Index>(likelihood.covariates());

  // The loop of survival's coxfit6.c, step for step, so that the iterations (and the point where they
  // stop) are R's: a Newton step from 0; stop when the log likelihood changes by less than eps relative to
  // the last accepted one; halve the step back towards the last accepted point when the likelihood falls.
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  PartialLikelihoodAt at = likelihood.Evaluate(beta);
  fit.loglik_null = at.loglik;
  double accepted_loglik = at.loglik;
  std::optional<Eigen::VectorXd> step = NewtonStep(at);
  if (likelihood.events() == 0 || !step) {
    // Nothing to estimate (no events, or no information about a covariate): zero coefficients with an
    // undefined variance, as R gives when there are no events.
    fit.coef.assign(static_cast<size_t>(p), 0.0);
    fit.loglik = at.loglik;
    FillInference(fit, at.information);
    return fit;
  }
  Eigen::VectorXd next = beta + *step;
  bool halving = false;
  for (fit.iterations = 1; fit.iterations <= kIterMax; ++fit.iterations) {
    at = likelihood.Evaluate(next);
    if (std::abs(1 - accepted_loglik / at.loglik) <= kEps && !halving) {
      fit.converged = true;
      break;
    }
    if (fit.iterations == kIterMax) break;
    if (at.loglik < accepted_loglik) {
      halving = true;
      next = (next + beta) / 2;
    } else {
      halving = false;
      accepted_loglik = at.loglik;
      beta = next;
      if (!(step = NewtonStep(at))) break;
      next = next + *step;
    }
  }
  fit.iterations = std::min(fit.iterations, kIterMax);
  // R reports the last point it evaluated, with the information there.
  fit.coef.assign(next.data(), next.data() + p);
  fit.loglik = at.loglik;
  FillInference(fit, at.information);
  return fit;
}

}  // namespace kneeregen::stats
