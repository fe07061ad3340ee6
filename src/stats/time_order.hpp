// The order of subjects by follow-up time that every survival estimator walks. Sorting (time, index)
// pairs rather than bare indexes keeps the comparisons in cache, which matters at a million rows; times
// that come already in order (a caller that sorted once for several estimates) are only checked, in one pass.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

namespace kneeregen::stats {

// Indexes into `time`, by ascending time; equal times keep their input order.
inline std::vector<uint32_t> AscendingTimeOrder(std::span<const double> time) {
  std::vector<uint32_t> order(time.size());
  if (std::is_sorted(time.begin(), time.end())) {
    std::iota(order.begin(), order.end(), 0u);
    return order;
  }
  std::vector<std::pair<double, uint32_t>> keyed(time.size());
  for (size_t i = 0; i < time.size(); ++i) keyed[i] = {time[i], static_cast<uint32_t>(i)};
  std::sort(keyed.begin(), keyed.end());  // the index breaks ties, so the order is stable
  for (size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  return order;
}

}  // namespace kneeregen::stats
