// The Cox log partial likelihood with its score vector and information matrix, on data sorted once by
// time and centred once by the covariate means. Each evaluation is one backward pass over the subjects
// that grows the risk-set sums as time falls, so it costs O(n·p²) whatever the number of ties.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <vector>

#include "stats/cox.hpp"

namespace kneeregen::stats {

struct PartialLikelihoodAt {
  double loglik = 0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
};

class CoxPartialLikelihood {
 public:
  CoxPartialLikelihood(std::span<const double> time, std::span<const int> event,
                       std::span<const std::vector<double>> covariates, Ties ties);

  size_t covariates() const { return p_; }
  size_t events() const { return events_; }
  PartialLikelihoodAt Evaluate(const Eigen::VectorXd& beta) const;

 private:
  size_t n_ = 0, p_ = 0, events_ = 0;
  Ties ties_;
  std::vector<double> time_;  // ascending
  std::vector<uint8_t> event_;
  std::vector<double> x_;  // row-major n × p, centred
};

}  // namespace kneeregen::stats
