// Kaplan–Meier estimates as R's survival::survfit gives them with its defaults: Greenwood variance,
// log-transformed confidence intervals (conf.type = "log"), the median as the first time the curve reaches
// 0.5 or below (averaged with the next event time when it sits exactly at 0.5) and its CI from the curve's
// limits. tests/golden/survival holds R's answers on lung, veteran and a tied knee registry.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kneeregen::stats {

struct KmRow {
  double time = 0;
  size_t n_risk = 0, n_event = 0, n_censor = 0;  // n_censor: censored at this time
  double survival = 1, std_err = 0;               // std_err of the survival (R's summary()$std.err)
  std::optional<double> lower, upper;             // empty where survival is 0 (R gives NA)
};

struct KmCurve {
  size_t n = 0, events = 0;
  std::vector<KmRow> rows;  // one per distinct time with at least one event, ascending
  std::optional<double> median, median_lower, median_upper;  // empty when not reached (R: NA)
};

// `event` is 1 (event) or 0 (censored); time >= 0. Spans have equal length; callers validate.
KmCurve KaplanMeier(std::span<const double> time, std::span<const int> event, double level = 0.95);

// The curve at time t (the last row at or before t), with its CI. Before the first event: a row at time 0
// with n_risk = n, survival 1, std_err 0 and the CI 1..1.
KmRow SurvivalAt(const KmCurve& curve, double t);

// Numbers still at risk (time >= t) at each of `at`, from the raw times: survfit's summary(times = at)$n.risk.
std::vector<size_t> NumbersAtRisk(std::span<const double> time, std::span<const double> at);

}  // namespace kneeregen::stats
