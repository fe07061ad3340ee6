// Time to knee surgery after treatment (DOMAIN.md §9: analyse as time to event; events TKA/UKA/HTO; death a
// competing risk). Time runs from the first session in months; a course without an event is censored on
// the patient's last recorded contact (a session, assessment, answered follow-up, MRI, adverse event or
// outcome event), never on today, so a patient lost to follow-up is not counted as surgery-free. A curve
// point is suppressed when fewer than the minimum are still at risk there.
#include <set>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"
#include "stats/competing_risks.hpp"
#include "stats/kaplan_meier.hpp"
#include "stats/logrank.hpp"

namespace kneeregen {

namespace {

const std::vector<double> kMonths = {6, 12, 24, 36, 60};

struct Times {
  std::vector<double> time;
  std::vector<int> event;   // 1 knee surgery, 0 otherwise (Kaplan–Meier)
  std::vector<int> status;  // 0 censored, 1 knee surgery, 2 death first (competing)
};

void Add(Times& t, const CourseRow& row, Day as_of) {
  if (row.treated_knee_surgery && (!row.death || *row.treated_knee_surgery <= *row.death)) {
    t.time.push_back(DaysBetween(row.first_session, *row.treated_knee_surgery) / kDaysPerMonth);
    t.event.push_back(1);
    t.status.push_back(1);
  } else if (row.death) {
    t.time.push_back(DaysBetween(row.first_session, *row.death) / kDaysPerMonth);
    t.event.push_back(0);
    t.status.push_back(2);
  } else {
    t.time.push_back(DaysBetween(row.first_session, row.LastContactOn(as_of)) / kDaysPerMonth);
    t.event.push_back(0);
    t.status.push_back(0);
  }
}

Json Bounds(const std::optional<double>& lower, const std::optional<double>& upper, double level) {
  if (!lower || !upper) return nullptr;
  return {{"lower", *lower}, {"upper", *upper}, {"level", level}};
}

Json Curve(const std::string& label, const Times& t, const AnalyticsSettings& s) {
  const auto min = static_cast<size_t>(s.min_cell);
  auto km = stats::KaplanMeier(t.time, t.event, s.level);
  auto cif = stats::AalenJohansen(t.time, t.status, s.level);
  auto at_risk = stats::NumbersAtRisk(t.time, kMonths);
  Json points = Json::array();
  for (size_t i = 0; i < kMonths.size(); ++i) {
    auto surv = stats::SurvivalAt(km, kMonths[i]);
    auto inc = stats::IncidenceAt(cif, kMonths[i]);
    Json point = {{"month", kMonths[i]},
                  {"n_at_risk", at_risk[i]},
                  {"surgery_free", surv.survival},
                  {"surgery_free_ci", Bounds(surv.lower, surv.upper, s.level)},
                  {"cumulative_incidence", inc.incidence},
                  {"cumulative_incidence_ci", Bounds(inc.lower, inc.upper, s.level)},
                  {"suppressed", false}};
    if (at_risk[i] < min) Suppress(point, "fewer than " + std::to_string(s.min_cell) + " patients at risk");
    point["month"] = kMonths[i];
    points.push_back(std::move(point));
  }
  Json curve = {
      {"group", label}, {"n", km.n}, {"events", km.events}, {"points", points}, {"suppressed", false}};
  if (km.n < min)
    Suppress(curve, TooFewReason(s.min_cell));
  else if (IsSmallCount(km.events, s.min_cell))
    curve["events"] = nullptr;  // the curve stays; the count is small
  return curve;
}

}  // namespace

Json SurvivalCompleteness(const Cohort& cohort, const AnalyticsSettings& s, const std::string& as_of) {
  const Day as_of_day = ToDay(as_of).value_or(kNoDay);
  double observed = 0, potential = 0;
  for (const CourseRow* row : cohort) {
    Day end = as_of_day;
    if (row->death && *row->death < end) end = *row->death;
    if (row->treated_knee_surgery && *row->treated_knee_surgery < end) end = *row->treated_knee_surgery;
    potential += std::max(0.0, DaysBetween(row->first_session, end));
    observed += std::max(0.0, DaysBetween(row->first_session, std::min(row->LastContactOn(as_of_day), end)));
  }
  Json cell = {
      {"method", "Clark's C: follow-up time observed / time that could have been observed to " + as_of},
      {"n", cohort.size()},
      {"observed_patient_years", observed / 365.25},
      {"potential_patient_years", potential / 365.25},
      {"share", potential > 0 ? Json(observed / potential) : Json()},
      {"suppressed", false}};
  if (cohort.size() < static_cast<size_t>(s.min_cell)) Suppress(cell, TooFewReason(s.min_cell));
  return cell;
}

Json KneeSurvival(const Cohort& cohort, const AnalyticsSettings& s) {
  const Day as_of = AsOfDay(s);
  Times all;
  std::map<std::string, Times> by_protocol;
  for (const CourseRow* row : cohort) {
    Add(all, *row, as_of);
    Add(by_protocol[row->protocol_name], *row, as_of);
  }
  Json curves = Json::array();
  curves.push_back(Curve("all", all, s));
  // Log-rank over the protocols large enough to show.
  Times tested;
  std::vector<int> group;
  Json groups = Json::array();
  std::vector<Json*> cells;
  std::vector<size_t> sizes;
  for (const auto& [name, t] : by_protocol) {
    curves.push_back(Curve(name, t, s));
    if (t.time.size() < static_cast<size_t>(s.min_cell)) continue;
    const int index = static_cast<int>(groups.size());
    groups.push_back(name);
    for (size_t i = 0; i < t.time.size(); ++i) {
      tested.time.push_back(t.time[i]);
      tested.event.push_back(t.event[i]);
      group.push_back(index);
    }
  }
  for (size_t i = 1; i < curves.size(); ++i) {
    cells.push_back(&curves[i]);
    sizes.push_back(by_protocol[curves[i]["group"].get<std::string>()].time.size());
  }
  SuppressComplementary(cells, sizes, s.min_cell);
  Json logrank = nullptr;
  if (groups.size() >= 2) {
    auto test = stats::LogRank(tested.time, tested.event, group, static_cast<int>(groups.size()));
    logrank = {{"groups", groups}, {"chisq", test.chisq}, {"df", test.df}, {"p", test.p}};
  }

  std::set<int64_t> patients, other_replaced;
  for (const CourseRow* row : cohort) {
    patients.insert(row->patient_id);
    if (row->other_knee_replaced) other_replaced.insert(row->patient_id);
  }
  return {{"title", "Time to knee surgery (TKA, UKA or osteotomy) of the treated knee, by protocol"},
          {"n", cohort.size()},
          {"method",
           "Kaplan-Meier from the first session in months (log CI, Greenwood); cumulative incidence by "
           "Aalen-Johansen with death as a competing risk; censored at the last recorded contact"},
          {"completeness", SurvivalCompleteness(cohort, s, s.as_of.value_or(""))},
          {"curves", curves},
          {"logrank", logrank},
          {"other_knee_replaced",
           {{"title", "Patients whose other knee was replaced (TKA or UKA) after the first session"},
            {"share", ProportionCell(other_replaced.size(), patients.size(), s)},
            {"note", "counts only replacements recorded in this registry; follow-up lengths differ"}}}};
}

}  // namespace kneeregen
