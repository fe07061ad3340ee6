// Descriptive statistics and the interval estimates every outcome figure carries: mean with a t-based CI,
// paired change with the paired t test, the Wilcoxon signed-rank test and Wilson intervals for proportions.
// Each function matches the R function named beside it (stats package, default arguments unless stated) to
// 1e-6; tests/golden/stats holds R's answers and the script that made them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace kneeregen::stats {

struct Summary {
  size_t n = 0;
  double mean = 0, sd = 0;  // sd with n - 1 (R's sd); 0 when n < 2
  double min = 0, q1 = 0, median = 0, q3 = 0, max = 0;  // quartiles as R's quantile(type = 7)
};
// Empty input gives n = 0 and zeros.
Summary Describe(std::span<const double> values);

struct MeanInterval {
  size_t n = 0;
  double mean = 0, sd = 0;
  std::optional<double> lower, upper;  // empty when n < 2; zero-width for constant values (t.test refuses)
};
// t.test(x, conf.level = level)$conf.int
MeanInterval MeanWithCi(std::span<const double> values, double level = 0.95);

struct PairedChange {
  size_t n = 0;  // pairs
  double mean_change = 0, sd = 0;  // of after - before
  // Empty when n < 2 or sd == 0, or when the standard error is below 10 * DBL_EPSILON * |mean|,
  // where t.test stops with "data are essentially constant".
  std::optional<double> lower, upper, t, p;
  double df = 0;
};
// t.test(after, before, paired = TRUE, conf.level = level). Spans have equal length.
PairedChange PairedT(std::span<const double> before, std::span<const double> after, double level = 0.95);

// The mean and sd of values seen once each, for figures over a million courses: R's mean() corrects its sum
// by a second pass over the values and sd() needs a third, which a walk over a million rows per cell cannot
// afford. Sums of deviations from the first value, in doubles over blocks of kBlock values and across
// blocks in long double: the mean and sd agree with those of the values gathered (MeanWithCi) to about
// 1e-15, relative, rather than to the last bit; constant values still give an sd of exactly 0.
class RunningMoments {
 public:
  void Add(double v) { Add(v, true); }
  // Adds v only when `there`; otherwise adds exactly zero and counts nothing, so the moments are those of
  // the values that were there, bit for bit. For walks over data so irregular that a branch per value on
  // whether it is there is mispredicted often enough to cost more than the additions.
  void Add(double v, bool there) {
    if (there && n_ == 0) shift_ = v;
    const double d = there ? v - shift_ : 0.0;
    block_sum_ += d;
    block_squares_ += d * d;
    n_ += there;
    if (n_ % kBlock == 0) Fold();  // again after a missing value: folding zeros changes nothing
  }
  // Adds the values `other` has seen, as if they had been added here after these (the sums are moved to
  // this shift exactly enough that the 1e-15 above still holds).
  void Merge(const RunningMoments& other);
  size_t n() const { return n_; }
  double mean() const;  // 0 when n == 0
  double sd() const;    // with n - 1; 0 when n < 2

 private:
  static constexpr size_t kBlock = 256;
  void Fold() {
    sum_ += block_sum_;
    squares_ += block_squares_;
    block_sum_ = block_squares_ = 0;
  }
  size_t n_ = 0;
  double shift_ = 0, block_sum_ = 0, block_squares_ = 0;
  long double sum_ = 0, squares_ = 0;
};
// MeanWithCi from running moments.
MeanInterval MeanWithCi(const RunningMoments& values, double level = 0.95);
// PairedT from the running moments of the changes (after - before of each pair).
PairedChange PairedT(const RunningMoments& changes, double level = 0.95);

struct SignedRankTest {
  size_t n = 0;  // non-zero differences used
  double statistic = 0;  // V: the sum of ranks of the positive differences
  std::optional<double> p;  // two-sided; empty when n == 0
  bool exact = false;  // exact distribution (n < 50, no ties, no zeros), else normal with continuity correction
};
// wilcox.test(differences, mu = 0, paired-style one sample, correct = TRUE, exact = NULL)
SignedRankTest WilcoxonSignedRank(std::span<const double> differences);

struct Proportion {
  size_t events = 0, n = 0;
  std::optional<double> estimate, lower, upper;  // empty when n == 0 (or events > n)
};
// The Wilson score interval: prop.test(events, n, correct = FALSE, conf.level = level)$conf.int
Proportion WilsonInterval(size_t events, size_t n, double level = 0.95);

}  // namespace kneeregen::stats
