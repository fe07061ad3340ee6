#include "stats/cox_partial_likelihood.hpp"

#include <algorithm>
#include <cmath>

#include "stats/time_order.hpp"

namespace kneeregen::stats {

CoxPartialLikelihood::CoxPartialLikelihood(std::span<const double> time, std::span<const int> event,
                                           std::span<const std::vector<double>> covariates, Ties ties)
    : n_(time.size()), p_(covariates.size()), ties_(ties) {
  const std::vector<uint32_t> order = AscendingTimeOrder(time);
  time_.resize(n_);
  event_.resize(n_);
  x_.resize(n_ * p_);
  for (size_t i = 0; i < n_; ++i) {
    time_[i] = time[order[i]];
    event_[i] = event[order[i]] != 0;
    events_ += event_[i];
  }
  // Centring changes no estimate (the partial likelihood ignores a shift of x) but keeps exp(x·beta)
  // away from overflow, as R's coxph does.
  for (size_t j = 0; j < p_; ++j) {
    const std::vector<double>& column = covariates[j];
    double mean = 0;
    for (double v : column) mean += v;
    mean /= static_cast<double>(std::max<size_t>(n_, 1));
    for (size_t i = 0; i < n_; ++i) x_[i * p_ + j] = column[order[i]] - mean;
  }
}

PartialLikelihoodAt CoxPartialLikelihood::Evaluate(const Eigen::VectorXd& beta) const {
  const size_t p = p_, packed = p * (p + 1) / 2;
  PartialLikelihoodAt at;
  at.score = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
  at.information = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  // Risk-set sums (everyone with time >= t) and the same sums over the deaths at t; second moments are
  // kept as packed lower triangles.
  double s0 = 0;
  std::vector<double> s1(p, 0.0), s2(packed, 0.0);
  std::vector<double> d1(p), d2(packed), mean(p);
  double* score = at.score.data();
  std::vector<double> information(packed, 0.0);

  size_t i = n_;
  while (i > 0) {
    // The subjects sharing the time of subject i - 1: [first, i).
    const double t = time_[i - 1];
    size_t first = i - 1;
    while (first > 0 && time_[first - 1] == t) --first;
    size_t deaths = 0;
    double dd0 = 0;
    std::fill(d1.begin(), d1.end(), 0.0);
    std::fill(d2.begin(), d2.end(), 0.0);
    for (size_t s = first; s < i; ++s) {
      const double* x = &x_[s * p];
      double eta = 0;
      for (size_t j = 0; j < p; ++j) eta += x[j] * beta[static_cast<Eigen::Index>(j)];
      const double r = std::exp(eta);
      s0 += r;
      for (size_t j = 0, k = 0; j < p; ++j) {
        s1[j] += r * x[j];
        for (size_t l = 0; l <= j; ++l, ++k) s2[k] += r * x[j] * x[l];
      }
      if (!event_[s]) continue;
      ++deaths;
      dd0 += r;
      at.loglik += eta;
      for (size_t j = 0, k = 0; j < p; ++j) {
        score[j] += x[j];
        d1[j] += r * x[j];
        for (size_t l = 0; l <= j; ++l, ++k) d2[k] += r * x[j] * x[l];
      }
    }
    i = first;
    if (deaths == 0) continue;
    // Breslow takes every death against the whole risk set; Efron removes an average share of the tied
    // deaths for each successive one.
    const bool efron = ties_ == Ties::kEfron && deaths > 1;
    const size_t steps = efron ? deaths : 1;
    const double weight = efron ? 1.0 : static_cast<double>(deaths);
    for (size_t step = 0; step < steps; ++step) {
      const double f = efron ? static_cast<double>(step) / static_cast<double>(deaths) : 0.0;
      const double denom = s0 - f * dd0;
      at.loglik -= weight * std::log(denom);
      for (size_t j = 0; j < p; ++j) {
        mean[j] = (s1[j] - f * d1[j]) / denom;
        score[j] -= weight * mean[j];
      }
      for (size_t j = 0, k = 0; j < p; ++j)
        for (size_t l = 0; l <= j; ++l, ++k)
          information[k] += weight * ((s2[k] - f * d2[k]) / denom - mean[j] * mean[l]);
    }
  }
  for (size_t j = 0, k = 0; j < p; ++j)
    for (size_t l = 0; l <= j; ++l, ++k) {
      at.information(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l)) = information[k];
      at.information(static_cast<Eigen::Index>(l), static_cast<Eigen::Index>(j)) = information[k];
    }
  return at;
}

}  // namespace kneeregen::stats
