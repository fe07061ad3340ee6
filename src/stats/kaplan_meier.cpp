#include "stats/kaplan_meier.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

#include "stats/time_order.hpp"

namespace kneeregen::stats {

namespace {

// One step of a curve as R's quantile.survfit sees it: x = time, y = 1 - curve (nothing where R has NA).
struct CurvePoint {
  double x;
  std::optional<double> y;
};

// R's survival:::findq for one probability p: the first time the curve falls to 1 - p, averaged with the
// next step's time when the curve sits on 1 - p (within `tol`, R's sqrt(.Machine$double.eps)) over an
// interval, or with the last follow-up time when it sits there to the end.
std::optional<double> FindQuantile(const std::vector<CurvePoint>& points, double last_time, double p) {
  constexpr double kTol = 1.4901161193847656e-08;
  double max_y = -std::numeric_limits<double>::infinity();
  for (const auto& point : points)
    if (point.y) max_y = std::max(max_y, *point.y);
  if (max_y < p) return std::nullopt;
  // R drops repeated y values (keeping the first; NA repeats NA) before interpolating.
  std::vector<CurvePoint> kept;
  std::unordered_set<double> seen;
  bool seen_missing = false;
  for (const auto& point : points) {
    if (point.y ? !seen.insert(*point.y).second : std::exchange(seen_missing, true)) continue;
    kept.push_back(point);
  }
  // approx(y + shift, 1:n, p, "constant", f = 1) sorts by y + shift and picks the point with the smallest
  // shifted y at or above p (NA points skipped); the curve of a limit need not be monotone.
  auto smallest_reaching = [&](double shift) -> std::optional<size_t> {
    std::optional<size_t> best;
    for (size_t i = 0; i < kept.size(); ++i)
      if (kept[i].y && *kept[i].y + shift >= p && (!best || *kept[i].y < *kept[*best].y)) best = i;
    return best;
  };
  const auto index1 = smallest_reaching(kTol), index2 = smallest_reaching(-kTol);
  const auto& last = kept.back();
  if (last.y && std::abs(p - *last.y) < kTol && index1) return (kept[*index1].x + last_time) / 2;
  if (!index1 || !index2) return std::nullopt;
  return (kept[*index1].x + kept[*index2].x) / 2;
}

// The curve, its lower or its upper limit as the points findq is given: (0, 0) and then each event time.
template <typename Value>
std::vector<CurvePoint> QuantilePoints(const std::vector<KmRow>& rows, Value value) {
  std::vector<CurvePoint> points{{0.0, 0.0}};
  for (const auto& row : rows) {
    std::optional<double> v = value(row);
    points.push_back({row.time, v ? std::optional<double>(1 - *v) : std::nullopt});
  }
  return points;
}

}  // namespace

KmCurve KaplanMeier(std::span<const double> time, std::span<const int> event, double level) {
  KmCurve curve;
  curve.n = time.size();
  if (time.empty()) return curve;
  const double z = boost::math::quantile(boost::math::normal(), 1 - (1 - level) / 2);
  const std::vector<uint32_t> order = AscendingTimeOrder(time);
  size_t at_risk = time.size();
  double survival = 1, greenwood = 0;  // greenwood: the variance of log S
  for (size_t i = 0; i < order.size();) {
    const double t = time[order[i]];
    size_t events = 0, censored = 0;
    for (; i < order.size() && time[order[i]] == t; ++i) (event[order[i]] ? events : censored)++;
    if (events > 0) {
      const double n = static_cast<double>(at_risk), d = static_cast<double>(events);
      survival *= (n - d) / n;
      // A curve that falls to 0 has infinite Greenwood variance, as in R (its std.err is then NaN).
      greenwood += at_risk > events ? d / (n * (n - d)) : std::numeric_limits<double>::infinity();
      KmRow row{t, at_risk, events, censored, survival, survival * std::sqrt(greenwood), {}, {}};
      if (survival > 0) {
        const double se_log = std::sqrt(greenwood);
        row.lower = survival * std::exp(-z * se_log);
        row.upper = std::min(1.0, survival * std::exp(z * se_log));
      }
      curve.rows.push_back(row);
      curve.events += events;
    }
    at_risk -= events + censored;
  }
  const double last_time = time[order.back()];
  curve.median = FindQuantile(
      QuantilePoints(curve.rows, [](const KmRow& r) { return std::optional(r.survival); }), last_time, 0.5);
  curve.median_lower =
      FindQuantile(QuantilePoints(curve.rows, [](const KmRow& r) { return r.lower; }), last_time, 0.5);
  curve.median_upper =
      FindQuantile(QuantilePoints(curve.rows, [](const KmRow& r) { return r.upper; }), last_time, 0.5);
  return curve;
}

KmRow SurvivalAt(const KmCurve& curve, double t) {
  auto after = std::upper_bound(curve.rows.begin(), curve.rows.end(), t,
                                [](double value, const KmRow& row) { return value < row.time; });
  if (after == curve.rows.begin()) return KmRow{0, curve.n, 0, 0, 1, 0, 1.0, 1.0};
  return *std::prev(after);
}

std::vector<size_t> NumbersAtRisk(std::span<const double> time, std::span<const double> at) {
  std::vector<double> copy;
  std::span<const double> sorted = time;  // times already in order are searched where they are
  if (!std::is_sorted(time.begin(), time.end())) {
    copy.assign(time.begin(), time.end());
    std::sort(copy.begin(), copy.end());
    sorted = copy;
  }
  std::vector<size_t> counts;
  counts.reserve(at.size());
  for (double t : at)
    counts.push_back(static_cast<size_t>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), t)));
  return counts;
}

}  // namespace kneeregen::stats
