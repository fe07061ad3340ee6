// Cumulative incidence with a competing risk (Aalen–Johansen), as R's survival::survfit with a factor
// status (multi-state): the cumulative incidence of the event of interest (knee replacement) when another
// event (death) ends follow-up for it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kneeregen::stats {

struct IncidenceRow {
  double time = 0;
  size_t n_risk = 0, n_event = 0, n_competing = 0;
  // Of the event of interest: R's pstate and std.err (the infinitesimal jackknife survfit uses).
  double incidence = 0, std_err = 0;
  // survfit's default for multi-state fits, conf.type = "log": p * exp(-/+ z * std_err / p), the upper limit
  // capped at 1; empty where the incidence is 0 (R gives NA).
  std::optional<double> lower, upper;
};

struct CumulativeIncidence {
  size_t n = 0;
  std::vector<IncidenceRow> rows;  // one per time with an event of either kind, ascending
};

// `status`: 0 censored, 1 the event of interest, 2 the competing event.
CumulativeIncidence AalenJohansen(std::span<const double> time, std::span<const int> status, double level = 0.95);

// The estimate at time t (the last row at or before t; 0 before the first event).
IncidenceRow IncidenceAt(const CumulativeIncidence& curve, double t);

}  // namespace kneeregen::stats
