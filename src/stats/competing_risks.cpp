#include "stats/competing_risks.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>

namespace kneeregen::stats {
namespace {

// survfit's default for multi-state fits is conf.type = "log" on the state probability, with the standard
// error of log(p) taken as std.err / p; the upper limit is capped at 1 and both limits are NA where p = 0
// (survival:::survfit_confint with logse = FALSE, ulimit = TRUE).
void LogInterval(IncidenceRow& row, double z) {
  if (row.incidence <= 0) return;
  const double log_se = row.std_err / row.incidence;
  row.lower = std::exp(std::log(row.incidence) - z * log_se);
  row.upper = std::min(std::exp(std::log(row.incidence) + z * log_se), 1.0);
}

struct InfluenceOnIncidence {
  double free = 0, event = 0;  // U0, U1
};

class DepartedInfluence {
 public:
  // Called after p0 and p1 have been updated for the time at which the subject leaves.
  void Add(const InfluenceOnIncidence& u, size_t count, double p_free, double p_event) {
    if (count == 0) return;
    if (p_free <= 0) {  // nobody is left at risk, so these influences never change again
      frozen_ += count * u.event * u.event;
      return;
    }
    const double slope = u.free / p_free;
    const double level = u.event - slope * p_event;
    sum_level2_ += count * level * level;
    sum_level_slope_ += count * level * slope;
    sum_slope2_ += count * slope * slope;
  }
  double SumOfSquares(double p_event) const {
    return frozen_ + sum_level2_ + 2 * p_event * sum_level_slope_ + p_event * p_event * sum_slope2_;
  }

 private:
  double frozen_ = 0, sum_level2_ = 0, sum_level_slope_ = 0, sum_slope2_ = 0;
};

// survfit's timefix (survival::aeqSurv): times that differ by no more than sqrt(DBL_EPSILON), absolutely or
// relative to the mean absolute time, are one time, the smallest of the run. Follow-up computed as a
// fraction of years from different date pairs can otherwise split a tie that R counts together.
std::vector<double> MergeNearlyEqualTimes(std::span<const double> time, bool sorted) {
  std::vector<double> distinct(time.begin(), time.end());
  if (!sorted) std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  double mean_abs = 0;
  for (double t : distinct) mean_abs += std::abs(t);
  mean_abs /= distinct.size();
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
  std::vector<double> cuts{distinct.front()};
  for (size_t i = 1; i < distinct.size(); ++i) {
    const double gap = distinct[i] - distinct[i - 1];
    if (gap > tolerance && gap / mean_abs > tolerance) cuts.push_back(distinct[i]);
  }
  std::vector<double> merged(time.size());
  if (sorted) {  // the last cut at or before each time, walking both in order
    size_t cut = 0;
    for (size_t i = 0; i < time.size(); ++i) {
      while (cut + 1 < cuts.size() && cuts[cut + 1] <= time[i]) ++cut;
      merged[i] = cuts[cut];
    }
    return merged;
  }
  for (size_t i = 0; i < time.size(); ++i)
    merged[i] = *std::prev(std::upper_bound(cuts.begin(), cuts.end(), time[i]));
  return merged;
}

}  // namespace

// The Aalen–Johansen estimate for the three states "event-free", "event", "competing event":
//   p0(t) = p0(t-) (1 - d/n),  p1(t) = p1(t-) + p0(t-) d1/n.
// Its standard error is the infinitesimal jackknife that survfit uses for multi-state curves: the variance
// is the sum over subjects of the squared influence of each subject's case weight on p1. The influences
// follow the same recursion as the estimate:
//   U0 <- U0 (1 - d/n) - [at risk] p0(t-) (own event of either kind - d/n) / n
//   U1 <- U1 + U0 d1/n + [at risk] p0(t-) (own event of interest - d1/n) / n
// Evaluating that for every subject at every time costs n x times. Two facts make it linear instead: every
// subject still at risk has the same history (all enter at 0), so they share one influence pair; and once a
// subject leaves, its pair evolves without own terms, which gives U0 = b p0(t) and U1 = a + b p1(t) for
// constants a, b fixed when it leaves. The departed then contribute sum a^2 + 2 p1 sum ab + p1^2 sum b^2.
// Events at a time are counted before censorings at that time, as in survfit; a status other than 1 or 2
// counts as censored.
CumulativeIncidence AalenJohansen(std::span<const double> raw_time, std::span<const int> status, double level) {
  CumulativeIncidence curve;
  const size_t n = std::min(raw_time.size(), status.size());
  curve.n = n;
  if (n == 0) return curve;
  // Times already in order (a caller that sorted once for several estimates) are not sorted again; merging
  // keeps them in order.
  const bool sorted = std::is_sorted(raw_time.begin(), raw_time.begin() + n);
  const std::vector<double> time = MergeNearlyEqualTimes(raw_time.first(n), sorted);

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (!sorted) std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return time[a] < time[b]; });

  const double z = boost::math::quantile(boost::math::normal(), (1 + level) / 2);
  double p_free = 1, p_event = 0;
  InfluenceOnIncidence still_at_risk;
  DepartedInfluence departed;

  for (size_t start = 0; start < n;) {
    const double t = time[order[start]];
    size_t end = start, events = 0, competing = 0;
    for (; end < n && time[order[end]] == t; ++end) {
      if (status[order[end]] == 1) ++events;
      if (status[order[end]] == 2) ++competing;
    }
    const size_t at_risk = n - start, censored = end - start - events - competing;
    const double risk = static_cast<double>(at_risk);

    if (events + competing == 0) {
      departed.Add(still_at_risk, censored, p_free, p_event);
      start = end;
      continue;
    }
    const double hazard_event = events / risk, hazard_any = (events + competing) / risk;
    const InfluenceOnIncidence before = still_at_risk;
    const double carried_event = before.event + before.free * hazard_event;
    const double carried_free = before.free * (1 - hazard_any);
    const InfluenceOnIncidence had_event{carried_free - p_free * (1 - hazard_any) / risk,
                                         carried_event + p_free * (1 - hazard_event) / risk};
    const InfluenceOnIncidence had_competing{carried_free - p_free * (1 - hazard_any) / risk,
                                             carried_event - p_free * hazard_event / risk};
    still_at_risk = {carried_free + p_free * hazard_any / risk, carried_event - p_free * hazard_event / risk};

    p_event += p_free * hazard_event;
    p_free *= 1 - hazard_any;
    departed.Add(had_event, events, p_free, p_event);
    departed.Add(had_competing, competing, p_free, p_event);
    departed.Add(still_at_risk, censored, p_free, p_event);
    const size_t remaining = at_risk - (end - start);

    IncidenceRow row;
    row.time = t;
    row.n_risk = at_risk;
    row.n_event = events;
    row.n_competing = competing;
    row.incidence = p_event;
    const double variance =
        departed.SumOfSquares(p_event) + remaining * still_at_risk.event * still_at_risk.event;
    row.std_err = std::sqrt(std::max(variance, 0.0));  // rounding can leave -1e-18 where R has 0
    LogInterval(row, z);
    curve.rows.push_back(row);
    start = end;
  }
  return curve;
}

IncidenceRow IncidenceAt(const CumulativeIncidence& curve, double t) {
  auto after = std::upper_bound(curve.rows.begin(), curve.rows.end(), t,
                                [](double value, const IncidenceRow& row) { return value < row.time; });
  if (after == curve.rows.begin()) {
    IncidenceRow none;  // no event yet: incidence 0 and, as R prints, no interval around it
    none.n_risk = curve.n;
    return none;
  }
  return *std::prev(after);
}

}  // namespace kneeregen::stats
