#include "stats/linear_model.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace kneeregen::stats {
namespace {

// lm() calls a column aliased when what is left of it, after projecting out the columns before it, is
// below 1e-7 of its own norm (dqrdc2's tol). Testing each column the same way, in the same order, makes
// "too few patients to adjust" appear exactly where R would print NA coefficients. In a QR decomposition
// without pivoting, |R(j, j)| is exactly that remainder of column j, as dqrdc2 sees it.
constexpr double kAliasTolerance = 1e-7;

// The triangular factor R of [1 | covariates | y] without pivoting, a block of rows at a time: each block
// is stacked under the R so far and factored again (R of the whole is R of the stacked Rs). A million rows
// are read once, in cache, and the design is never copied whole. The last column carries Q'y: its first p
// entries solve for the coefficients and its last is the root of the residual sum of squares.
Eigen::MatrixXd TriangularFactor(std::span<const double> y, std::span<const std::vector<double>> covariates) {
  constexpr Eigen::Index kBlock = 512;
  const auto n = static_cast<Eigen::Index>(y.size());
  const auto width = static_cast<Eigen::Index>(covariates.size() + 2);
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(width, width);
  Eigen::MatrixXd stack(width + kBlock, width);
  for (Eigen::Index start = 0; start < n; start += kBlock) {
    const Eigen::Index rows = std::min(kBlock, n - start);
    stack.topRows(width) = r;
    for (Eigen::Index i = 0; i < rows; ++i) {
      stack(width + i, 0) = 1;
      for (size_t j = 0; j < covariates.size(); ++j)
        stack(width + i, static_cast<Eigen::Index>(j) + 1) = covariates[j][static_cast<size_t>(start + i)];
      stack(width + i, width - 1) = y[static_cast<size_t>(start + i)];
    }
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(stack.topRows(width + rows));
    r = qr.matrixQR().topRows(width).triangularView<Eigen::Upper>();
  }
  return r;
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

  const Eigen::MatrixXd factor = TriangularFactor(y, covariates);
  for (Eigen::Index j = 1; j < p; ++j) {
    const double norm = Eigen::Map<const Eigen::VectorXd>(covariates[j - 1].data(), n).norm();
    if (norm == 0 || std::abs(factor(j, j)) < kAliasTolerance * norm) return std::nullopt;
  }
  const Eigen::Map<const Eigen::VectorXd> response(y.data(), n);
  const Eigen::MatrixXd r = factor.topLeftCorner(p, p).triangularView<Eigen::Upper>();
  const Eigen::VectorXd beta = r.triangularView<Eigen::Upper>().solve(factor.col(p).head(p));

  // (X'X)^-1 from the triangular factor, as summary.lm does (chol2inv of R).
  const Eigen::MatrixXd r_inverse = r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(p, p));
  const Eigen::MatrixXd unscaled = r_inverse * r_inverse.transpose();

  LinearFit fit;
  fit.n = y.size();
  fit.df_residual = static_cast<size_t>(n - p);
  const double df = static_cast<double>(fit.df_residual);
  const double rss = factor(p, p) * factor(p, p);
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
