// The PROM follow-up schedule of a treatment course: baseline before the first injection, then 6 weeks,
// 3, 6, 12 and 24 months and yearly after, each with a window (DOMAIN.md §8: the proposed default; the
// clinic can change every number). Anchored to the first injection, or to each injection when the clinic
// prefers. Pure: the registry stores what this returns and re-plans when a session moves.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"

namespace kneeregen {

struct FollowUpTimepoint {
  std::string code;  // "6w", "3m", "12m"
  int weeks = 0;     // exactly one of weeks and months is set
  int months = 0;
  int window_days = 0;  // the window is due date ± this many days
};

enum class FollowUpAnchor { kFirstInjection, kEachInjection };

struct FollowUpSettings {
  FollowUpAnchor anchor = FollowUpAnchor::kFirstInjection;
  int baseline_days_before = 30;  // baseline: within this many days before the first session
  std::vector<FollowUpTimepoint> timepoints;

  // DOMAIN.md §8 "proposed default (ours)": ±2 weeks up to 3 months, ±1 month later; yearly to 5 years.
  static FollowUpSettings Default();
  static Result<FollowUpSettings> FromJson(const Json& json);
  Json ToJson() const;
};

struct PlannedFollowUp {
  std::string timepoint;   // "baseline" or a timepoint code
  int anchor_session = 1;  // the session whose injection date anchors it
  std::chrono::year_month_day anchor_date;
  std::chrono::year_month_day due;
  std::chrono::year_month_day window_opens;
  std::chrono::year_month_day window_closes;
};

// `injection_dates[k]` is the date of session k + 1 (performed, or planned when not yet performed);
// cancelled sessions are left out by the caller. Months are calendar months, clamped to the month's end
// (31 January + 1 month = 28 or 29 February). Empty when there is no injection date.
std::vector<PlannedFollowUp> PlanFollowUps(const std::vector<std::chrono::year_month_day>& injection_dates,
                                           const FollowUpSettings& settings);

// Where a follow-up stands on `today`, for one not completed or withdrawn: upcoming before its window,
// open inside it, missed after it.
enum class FollowUpState { kUpcoming, kOpen, kMissed };
FollowUpState StateOn(const PlannedFollowUp& followup, std::chrono::year_month_day today);

}  // namespace kneeregen
