#include "stats/linear_model.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace kneeregen::stats {
namespace {

// lm() calls a column aliased when what is left of it, after projecting out the columns before it, is
// below 1e-7 of its own norm (dqrdc2's tol). Testing each column the same way, in the same order, makes
// "too few patients to adjust" appear exactly where R would print NA coefficients.
constexpr double kAliasTolerance = 1e-7;

bool HasAliasedColumn(const Eigen::MatrixXd& design) {
  for (Eigen::Index j = 1; j < design.cols(); ++j) {
    const Eigen::VectorXd column = design.col(j);
    const double norm = column.norm();
    if (norm == 0) return true;
    const Eigen::MatrixXd earlier = design.leftCols(j);
    const Eigen::VectorXd fitted = earlier * earlier.colPivHouseholderQr().solve(column);
    if ((column - fitted).norm() < kAliasTolerance * norm) return true;
  }
  return false;
}

}  // namespace

std::optional<LinearFit> FitLinear(std::span<const double> y, std::span<const std::vector<double>> covariates,
                                   std::span<const std::string> names, double level) {
  const auto n = static_cast<Eigen::Index>(y.size());
  const auto p = static_cast<Eigen::Index>(covariates.size() + 1);
  if (names.size() != covariates.size()) return std::nullopt;
  for (const auto& column : covariates)
    if (column.size() != y.size()) return std::nullopt;
  // With no residual degrees of freedom lm() still fits, but every standard error is NaN: nothing to report.
  if (n <= p) return std::nullopt;

  Eigen::MatrixXd design(n, p);
  design.col(0).setOnes();
  for (Eigen::Index j = 1; j < p; ++j)
    design.col(j) = Eigen::Map<const Eigen::VectorXd>(covariates[j - 1].data(), n);
  if (HasAliasedColumn(design)) return std::nullopt;

  const Eigen::Map<const Eigen::VectorXd> response(y.data(), n);
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
  if (qr.rank() < p) return std::nullopt;
  const Eigen::VectorXd beta = qr.solve(response);
  const Eigen::VectorXd residuals = response - design * beta;

  // (X'X)^-1 from the triangular factor, as summary.lm does (chol2inv of R), then back to column order.
  const Eigen::MatrixXd r = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
  const Eigen::MatrixXd r_inverse = r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(p, p));
  const Eigen::MatrixXd permuted_unscaled = r_inverse * r_inverse.transpose();
  const Eigen::MatrixXd unscaled =
      qr.colsPermutation() * permuted_unscaled * qr.colsPermutation().transpose();

  LinearFit fit;
  fit.n = y.size();
  fit.df_residual = static_cast<size_t>(n - p);
  const double df = static_cast<double>(fit.df_residual);
  const double rss = residuals.squaredNorm();
  fit.sigma = std::sqrt(rss / df);
  const double total = (response.array() - response.mean()).square().sum();
  fit.r_squared = total > 0 ? 1 - rss / total : 0;  // R gives NaN for a constant outcome

  const boost::math::students_t t_distribution(df);
  const double t_quantile = boost::math::quantile(t_distribution, (1 + level) / 2);
  fit.terms.push_back("(Intercept)");
  fit.terms.insert(fit.terms.end(), names.begin(), names.end());
  for (Eigen::Index j = 0; j < p; ++j) {
    const double se = fit.sigma * std::sqrt(unscaled(j, j));
    const double t = beta(j) / se;
    fit.coef.push_back(beta(j));
    fit.se.push_back(se);
    fit.t.push_back(t);
    // A perfect fit leaves se = 0; Boost would throw on the resulting infinite or NaN t, R prints p = 0 or
    // NaN.
    fit.p.push_back(std::isfinite(t)
                        ? 2 * boost::math::cdf(boost::math::complement(t_distribution, std::abs(t)))
                        : (std::isnan(t) ? std::nan("") : 0.0));
    fit.lower.push_back(beta(j) - t_quantile * se);
    fit.upper.push_back(beta(j) + t_quantile * se);
  }
  return fit;
}

}  // namespace kneeregen::stats
