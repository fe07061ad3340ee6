// The log-rank test for k groups, as R's survival::survdiff(rho = 0).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kneeregen::stats {

struct LogRankTest {
  double chisq = 0;
  int df = 0;    // groups with a positive expected count (survdiff's rule), minus one
  double p = 1;  // with df = 0 there is no test: chisq 0, p 1
  std::vector<double> observed, expected;  // per group index
};

// `group` holds indexes 0..groups-1; a group with no subjects (or none at risk at any event) is left out
// of df.
LogRankTest LogRank(std::span<const double> time, std::span<const int> event, std::span<const int> group,
                    int groups);

}  // namespace kneeregen::stats
