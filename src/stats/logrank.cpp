#include "stats/logrank.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>

#include "stats/time_order.hpp"

namespace kneeregen::stats {

LogRankTest LogRank(std::span<const double> time, std::span<const int> event, std::span<const int> group,
                    int groups) {
  LogRankTest test;
  const size_t k = static_cast<size_t>(std::max(groups, 0));
  test.observed.assign(k, 0.0);
  test.expected.assign(k, 0.0);
  Eigen::MatrixXd variance =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  std::vector<double> at_risk(k, 0.0), deaths(k, 0.0);
  for (int g : group) at_risk[static_cast<size_t>(g)] += 1;
  double total_at_risk = static_cast<double>(time.size());

  const std::vector<uint32_t> order = AscendingTimeOrder(time);
  for (size_t i = 0; i < order.size();) {
    const double t = time[order[i]];
    const size_t first = i;
    double total_deaths = 0;
    for (; i < order.size() && time[order[i]] == t; ++i)
      if (event[order[i]]) {
        deaths[static_cast<size_t>(group[order[i]])] += 1;
        total_deaths += 1;
      }
    if (total_deaths > 0) {
      // The hypergeometric variance of the deaths at t spread over the groups at risk (survdiff2.c).
      const double n = total_at_risk;
      const double spread = n > 1 ? total_deaths * (n - total_deaths) / (n - 1) : 0;
      for (size_t a = 0; a < k; ++a) {
        const double share = at_risk[a] / n;
        test.observed[a] += deaths[a];
        test.expected[a] += total_deaths * share;
        for (size_t b = 0; b < k; ++b)
          variance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) +=
              spread * share * ((a == b ? 1.0 : 0.0) - at_risk[b] / n);
        deaths[a] = 0;
      }
    }
    for (size_t j = first; j < i; ++j) at_risk[static_cast<size_t>(group[order[j]])] -= 1;
    total_at_risk -= static_cast<double>(i - first);
  }

  // As survdiff: only groups with a positive expected count take part, and the first of them is dropped
  // because the differences O - E sum to zero.
  std::vector<Eigen::Index> used;
  for (size_t g = 0; g < k; ++g)
    if (test.expected[g] > 0) used.push_back(static_cast<Eigen::Index>(g));
  test.df = static_cast<int>(used.size()) - 1;
  if (test.df < 1) {
    test.df = std::max(test.df, 0);
    return test;
  }
  const Eigen::Index m = static_cast<Eigen::Index>(used.size()) - 1;
  Eigen::VectorXd difference(m);
  Eigen::MatrixXd reduced(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    difference(a) =
        test.observed[static_cast<size_t>(used[a + 1])] - test.expected[static_cast<size_t>(used[a + 1])];
    for (Eigen::Index b = 0; b < m; ++b) reduced(a, b) = variance(used[a + 1], used[b + 1]);
  }
  // A generalised inverse, so that a degenerate variance (groups that never overlap) still gives a value.
  const Eigen::VectorXd solved = reduced.completeOrthogonalDecomposition().solve(difference);
  test.chisq = difference.dot(solved);
  test.p =
      boost::math::cdf(boost::math::complement(boost::math::chi_squared(test.df), std::max(0.0, test.chisq)));
  return test;
}

}  // namespace kneeregen::stats
