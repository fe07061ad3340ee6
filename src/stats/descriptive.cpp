#include "stats/descriptive.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <vector>

namespace kneeregen::stats {
namespace {

// R's mean(): a long-double sum, then one correction pass, so that large offsets do not cost digits.
double Mean(std::span<const double> values) {
  long double sum = 0;
  for (double v : values) sum += v;
  long double mean = sum / values.size();
  long double correction = 0;
  for (double v : values) correction += v - mean;
  return static_cast<double>(mean + correction / values.size());
}

// R's sd(): deviations from the corrected mean, divided by n - 1.
double SampleSd(std::span<const double> values, double mean) {
  if (values.size() < 2) return 0;
  long double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(static_cast<double>(squares / (values.size() - 1)));
}

// quantile(type = 7) on sorted values, written as R writes it ((1 - h) * lo + h * hi) so the last digit
// agrees too.
double QuantileType7(const std::vector<double>& sorted, double probability) {
  const double index = (sorted.size() - 1) * probability;
  const auto lo = static_cast<size_t>(std::floor(index));
  const auto hi = static_cast<size_t>(std::ceil(index));
  const double h = index - lo;
  if (h <= 0 || sorted[hi] == sorted[lo]) return sorted[lo];
  return (1 - h) * sorted[lo] + h * sorted[hi];
}

double TQuantile(double level, double df) {
  return boost::math::quantile(boost::math::students_t(df), (1 + level) / 2);
}

// t.test stops with "data are essentially constant" below this standard error; we report no test instead.
bool EssentiallyConstant(double std_error, double mean) {
  return std_error < 10 * std::numeric_limits<double>::epsilon() * std::abs(mean);
}

// rank() with ties.method = "average".
std::vector<double> AverageRanks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) ++end;
    const double rank = (start + end) / 2.0 + 1;
    for (size_t k = start; k <= end; ++k) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

// The exact null distribution of V for n untied, non-zero differences (R's dsignrank): the number of
// subsets of the ranks 1..n with each sum, over 2^n. Counts stay exact in doubles for n < 50.
class SignedRankDistribution {
 public:
  explicit SignedRankDistribution(int n) : n_(n), counts_(n * (n + 1) / 2 + 1, 0.0) {
    counts_[0] = 1;
    for (int rank = 1; rank <= n; ++rank)
      for (int sum = rank * (rank + 1) / 2; sum >= rank; --sum) counts_[sum] += counts_[sum - rank];
  }
  double LowerTail(int v) const { return Sum(0, v); }                                     // P(V <= v)
  double UpperTail(int v) const { return Sum(v, static_cast<int>(counts_.size()) - 1); }  // P(V >= v)

 private:
  double Sum(int from, int to) const {
    double total = 0;
    for (int k = std::max(from, 0); k <= to && k < static_cast<int>(counts_.size()); ++k) total += counts_[k];
    return std::ldexp(total, -n_);
  }
  int n_;
  std::vector<double> counts_;
};

}  // namespace

Summary Describe(std::span<const double> values) {
  Summary s;
  s.n = values.size();
  if (s.n == 0) return s;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  s.mean = Mean(values);
  s.sd = SampleSd(values, s.mean);
  s.min = sorted.front();
  s.q1 = QuantileType7(sorted, 0.25);
  s.median = QuantileType7(sorted, 0.5);
  s.q3 = QuantileType7(sorted, 0.75);
  s.max = sorted.back();
  return s;
}

namespace {

// MeanWithCi from the mean and sd, however they were computed.
MeanInterval MeanIntervalOf(size_t n, double mean, double sd, double level) {
  MeanInterval m;
  m.n = n;
  if (m.n == 0) return m;
  m.mean = mean;
  m.sd = sd;
  if (m.n < 2) return m;
  // Constant data give a zero-width interval here, where t.test refuses; the N and sd beside it tell why.
  const double half_width = TQuantile(level, m.n - 1.0) * m.sd / std::sqrt(static_cast<double>(m.n));
  m.lower = m.mean - half_width;
  m.upper = m.mean + half_width;
  return m;
}

// PairedT from the mean and sd of the changes, however they were computed.
PairedChange PairedTest(size_t n, double mean_change, double sd, double level) {
  PairedChange c;
  c.n = n;
  if (c.n == 0) return c;
  c.mean_change = mean_change;
  c.sd = sd;
  if (c.n < 2) return c;
  c.df = c.n - 1.0;
  const double std_error = c.sd / std::sqrt(static_cast<double>(c.n));
  if (c.sd == 0 || EssentiallyConstant(std_error, c.mean_change)) return c;
  const double t = c.mean_change / std_error;
  const double half_width = TQuantile(level, c.df) * std_error;
  c.t = t;
  c.p = 2 * boost::math::cdf(boost::math::complement(boost::math::students_t(c.df), std::abs(t)));
  c.lower = c.mean_change - half_width;
  c.upper = c.mean_change + half_width;
  return c;
}

}  // namespace

MeanInterval MeanWithCi(std::span<const double> values, double level) {
  if (values.empty()) return MeanIntervalOf(0, 0, 0, level);
  const double mean = Mean(values);
  return MeanIntervalOf(values.size(), mean, SampleSd(values, mean), level);
}

MeanInterval MeanWithCi(const RunningMoments& values, double level) {
  return MeanIntervalOf(values.n(), values.mean(), values.sd(), level);
}

PairedChange PairedT(std::span<const double> before, std::span<const double> after, double level) {
  const size_t n = std::min(before.size(), after.size());
  if (n == 0) return PairedTest(0, 0, 0, level);
  std::vector<double> change(n);
  for (size_t i = 0; i < n; ++i) change[i] = after[i] - before[i];
  const double mean = Mean(change);
  return PairedTest(n, mean, SampleSd(change, mean), level);
}

PairedChange PairedT(const RunningMoments& changes, double level) {
  return PairedTest(changes.n(), changes.mean(), changes.sd(), level);
}

void RunningMoments::Merge(const RunningMoments& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  Fold();
  // Each of other's values v is (v - other.shift_) + delta from this shift.
  const long double sum = other.sum_ + other.block_sum_, squares = other.squares_ + other.block_squares_;
  const long double delta = static_cast<long double>(other.shift_) - shift_;
  const auto n = static_cast<long double>(other.n_);
  sum_ += sum + n * delta;
  squares_ += squares + 2 * delta * sum + n * delta * delta;
  n_ += other.n_;
}

double RunningMoments::mean() const {
  if (n_ == 0) return 0;
  return static_cast<double>(shift_ + (sum_ + block_sum_) / n_);
}

double RunningMoments::sd() const {
  if (n_ < 2) return 0;
  const long double sum = sum_ + block_sum_, squares = squares_ + block_squares_;
  const long double variance = (squares - sum * sum / n_) / (n_ - 1);
  return variance > 0 ? std::sqrt(static_cast<double>(variance)) : 0.0;  // rounding can leave -1e-20
}

SignedRankTest WilcoxonSignedRank(std::span<const double> differences) {
  SignedRankTest w;
  std::vector<double> nonzero;
  bool had_zeros = false;
  for (double d : differences) {
    if (d == 0)
      had_zeros = true;
    else
      nonzero.push_back(d);
  }
  w.n = nonzero.size();
  if (w.n == 0) return w;
  std::vector<double> magnitudes(w.n);
  for (size_t i = 0; i < w.n; ++i) magnitudes[i] = std::abs(nonzero[i]);
  const std::vector<double> ranks = AverageRanks(magnitudes);
  for (size_t i = 0; i < w.n; ++i)
    if (nonzero[i] > 0) w.statistic += ranks[i];

  std::vector<double> sorted_ranks = ranks;
  std::sort(sorted_ranks.begin(), sorted_ranks.end());
  const bool ties = std::adjacent_find(sorted_ranks.begin(), sorted_ranks.end()) != sorted_ranks.end();
  const double n = static_cast<double>(w.n);

  w.exact = w.n < 50 && !ties && !had_zeros;
  if (w.exact) {
    const SignedRankDistribution distribution(static_cast<int>(w.n));
    // R: upper tail P(V >= v) above the centre, lower tail P(V <= v) otherwise, doubled and capped at 1.
    const double tail = w.statistic > n * (n + 1) / 4 ? distribution.UpperTail(static_cast<int>(w.statistic))
                                                      : distribution.LowerTail(static_cast<int>(w.statistic));
    w.p = std::min(2 * tail, 1.0);
    return w;
  }

  double tie_term = 0;  // sum over tie groups of (t^3 - t), as table(rank) counts them
  for (size_t start = 0; start < sorted_ranks.size();) {
    size_t end = start;
    while (end < sorted_ranks.size() && sorted_ranks[end] == sorted_ranks[start]) ++end;
    const double t = static_cast<double>(end - start);
    tie_term += t * t * t - t;
    start = end;
  }
  const double centred = w.statistic - n * (n + 1) / 4;
  const double sigma = std::sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48);
  if (sigma <= 0) return w;
  const double continuity = centred > 0 ? 0.5 : (centred < 0 ? -0.5 : 0.0);
  const double z = (centred - continuity) / sigma;
  const boost::math::normal normal;
  const double lower_tail = boost::math::cdf(normal, z);
  const double upper_tail = boost::math::cdf(boost::math::complement(normal, z));
  w.p = std::min(2 * std::min(lower_tail, upper_tail), 1.0);
  return w;
}

Proportion WilsonInterval(size_t events, size_t n, double level) {
  Proportion p;
  p.events = events;
  p.n = n;
  if (n == 0 || events > n) return p;
  const double estimate = static_cast<double>(events) / n;
  const double z = boost::math::quantile(boost::math::normal(), (1 + level) / 2);
  const double z22n = z * z / (2.0 * n);
  const double spread = z * std::sqrt(estimate * (1 - estimate) / n + z22n / (2.0 * n));
  // prop.test pins the bound to 0 at x = 0 and to 1 at x = n rather than evaluating the formula there.
  const double upper = estimate >= 1 ? 1.0 : (estimate + z22n + spread) / (1 + 2 * z22n);
  const double lower = estimate <= 0 ? 0.0 : (estimate + z22n - spread) / (1 + 2 * z22n);
  p.estimate = estimate;
  p.lower = std::max(lower, 0.0);
  p.upper = std::min(upper, 1.0);
  return p;
}

}  // namespace kneeregen::stats
