#include "clinic/followup_schedule.hpp"

#include <algorithm>

#include "clinic/catalogue.hpp"
#include "core/time.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// "6w", "12m", "s2_6w": lower-case letters, digits and '_', up to 16 characters.
bool IsTimepointCode(const std::string& code) {
  return code.size() <= 16 && std::all_of(code.begin(), code.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

year_month_day AddDays(year_month_day date, int n) { return year_month_day{sys_days{date} + days{n}}; }

year_month_day AddMonths(year_month_day date, int n) {
  auto shifted = date.year() / date.month() / 1 + std::chrono::months{n};
  auto last = std::chrono::year_month_day_last{shifted.year(), std::chrono::month_day_last{shifted.month()}};
  return year_month_day{shifted.year(), shifted.month(), std::min(date.day(), last.day())};
}

PlannedFollowUp Plan(const std::string& code, int session, year_month_day anchor, year_month_day due, int window) {
  return {code, session, anchor, due, AddDays(due, -window), AddDays(due, window)};
}

}  // namespace

FollowUpSettings FollowUpSettings::Default() {
  FollowUpSettings s;
  s.timepoints = {{"6w", 6, 0, 14}, {"3m", 0, 3, 14}, {"6m", 0, 6, 30}, {"12m", 0, 12, 30}, {"24m", 0, 24, 30},
                  {"36m", 0, 36, 30}, {"48m", 0, 48, 30}, {"60m", 0, 60, 30}};
  return s;
}

Result<FollowUpSettings> FollowUpSettings::FromJson(const Json& json) {
  std::vector<FieldError> errors;
  JsonFieldReader r(json, "", errors);
  FollowUpSettings s;
  if (r.is_object()) {
    auto anchor = r.Text("anchor");
    if (anchor == "each_injection") s.anchor = FollowUpAnchor::kEachInjection;
    else if (anchor && *anchor != "first_injection") r.Fail("anchor", "must be first_injection or each_injection");
    s.baseline_days_before = static_cast<int>(r.Integer("baseline_days_before", 0, 365).value_or(30));
    if (const Json* list = r.Array("timepoints")) {
      for (size_t i = 0; i < list->size(); ++i) {
        JsonFieldReader t((*list)[i], "timepoints/" + std::to_string(i), errors);
        if (!t.is_object()) continue;
        FollowUpTimepoint tp;
        tp.code = t.Text("code").value_or("");
        if (!tp.code.empty() && (!IsTimepointCode(tp.code) || tp.code == "baseline"))
          t.Fail("code", "must be a short code such as 6w or 12m, and not baseline");
        tp.weeks = static_cast<int>(t.Integer("weeks", 0, 520, false).value_or(0));
        tp.months = static_cast<int>(t.Integer("months", 0, 240, false).value_or(0));
        if ((tp.weeks > 0) == (tp.months > 0)) t.Fail("weeks", "give either weeks or months, above zero");
        tp.window_days = static_cast<int>(t.Integer("window_days", 0, 180).value_or(0));
        t.Finish();
        for (const auto& earlier : s.timepoints)
          if (earlier.code == tp.code) errors.push_back({"timepoints/" + std::to_string(i) + "/code", "is listed twice"});
        s.timepoints.push_back(tp);
      }
    }
    r.Finish();
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return s;
}

Json FollowUpSettings::ToJson() const {
  Json timepoints = Json::array();
  for (const auto& t : this->timepoints) {
    Json j = {{"code", t.code}, {"window_days", t.window_days}};
    if (t.weeks) j["weeks"] = t.weeks;
    else j["months"] = t.months;
    timepoints.push_back(j);
  }
  return {{"anchor", anchor == FollowUpAnchor::kFirstInjection ? "first_injection" : "each_injection"},
          {"baseline_days_before", baseline_days_before},
          {"timepoints", timepoints}};
}

std::vector<PlannedFollowUp> PlanFollowUps(const std::vector<year_month_day>& injection_dates,
                                           const FollowUpSettings& settings) {
  std::vector<PlannedFollowUp> plan;
  if (injection_dates.empty()) return plan;
  const year_month_day first = injection_dates.front();
  // The baseline is due on the first injection day and can be answered in the days before it, never after.
  plan.push_back({"baseline", 1, first, first, AddDays(first, -settings.baseline_days_before), first});
  const size_t anchors = settings.anchor == FollowUpAnchor::kEachInjection ? injection_dates.size() : 1;
  for (size_t k = 0; k < anchors; ++k) {
    const year_month_day anchor = injection_dates[k];
    for (const auto& t : settings.timepoints) {
      year_month_day due = t.weeks ? AddDays(anchor, 7 * t.weeks) : AddMonths(anchor, t.months);
      std::string code = anchors == 1 ? t.code : "s" + std::to_string(k + 1) + "_" + t.code;
      plan.push_back(Plan(code, static_cast<int>(k + 1), anchor, due, t.window_days));
    }
  }
  return plan;
}

FollowUpState StateOn(const PlannedFollowUp& followup, year_month_day today) {
  if (sys_days{today} < sys_days{followup.window_opens}) return FollowUpState::kUpcoming;
  if (sys_days{today} <= sys_days{followup.window_closes}) return FollowUpState::kOpen;
  return FollowUpState::kMissed;
}

}  // namespace kneeregen
