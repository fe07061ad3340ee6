// Time to knee surgery after treatment (DOMAIN.md §9: analyse as time to event; events TKA/UKA/HTO; death a
// competing risk). Time runs from the first session in months; a course without an event is censored on
// the patient's last recorded contact (a session, assessment, answered follow-up, MRI, adverse event or
// outcome event), never on today, so a patient lost to follow-up is not counted as surgery-free. A curve
// point is suppressed when fewer than the minimum are still at risk there.
#include <algorithm>
#include <numeric>

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

void Reserve(Times& t, size_t n) {
  t.time.reserve(n);
  t.event.reserve(n);
  t.status.reserve(n);
}

void Add(Times& t, const Ending& e) {
  t.time.push_back(static_cast<double>(e.days) / kDaysPerMonth);
  t.event.push_back(e.status == 1 ? 1 : 0);
  t.status.push_back(e.status);
}

Json Bounds(const std::optional<double>& lower, const std::optional<double>& upper, double level) {
  if (!lower || !upper) return nullptr;
  return {{"lower", *lower}, {"upper", *upper}, {"level", level}};
}

// One time per course: every count here counts courses.
Json Curve(const std::string& label, const Times& t, const AnalyticsSettings& s) {
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
    if (TooFewPatients(at_risk[i], s))
      Suppress(point, "fewer than " + std::to_string(s.min_cell) + " patients at risk");
    point["month"] = kMonths[i];
    points.push_back(std::move(point));
  }
  Json curve = {
      {"group", label}, {"n", km.n}, {"events", km.events}, {"points", points}, {"suppressed", false}};
  if (TooFewPatients(km.n, s))
    Suppress(curve, TooFewReason(s.min_cell));
  else if (IsSmallCount(km.events, Counted::kCourses, s))
    curve["events"] = nullptr;  // the curve stays; the count is small
  return curve;
}

}  // namespace

Ending EndingOf(const CourseFacts& course, Day as_of) {
  // kNoDay is later than every real day, so "surgery before death" holds when there is no death.
  if (course.treated_knee_surgery != kNoDay && course.treated_knee_surgery <= course.death)
    return {course.treated_knee_surgery - course.first_session, 1};
  if (course.death != kNoDay) return {course.death - course.first_session, 2};
  return {course.LastContactOn(as_of) - course.first_session, 0};
}

namespace {

// Where each of `endings` goes in ascending order of days, equal days in cohort order. Days span a few
// thousand values, so counting them is linear where sorting a million is not.
std::vector<uint32_t> PlacesByDays(const std::vector<Ending>& endings) {
  std::vector<uint32_t> place(endings.size());
  if (endings.empty()) return place;
  auto [lo, hi] = std::minmax_element(endings.begin(), endings.end(),
                                      [](const Ending& a, const Ending& b) { return a.days < b.days; });
  const int64_t first = lo->days;
  const auto span = static_cast<uint64_t>(hi->days - first) + 1;
  if (span > 4 * endings.size() + 4096) {  // days far apart: sort them instead
    std::vector<uint32_t> order(endings.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return endings[a].days < endings[b].days; });
    for (size_t k = 0; k < order.size(); ++k) place[order[k]] = static_cast<uint32_t>(k);
    return place;
  }
  std::vector<uint32_t> next(span + 1, 0);  // next[d - first]: where the next course of day d goes
  for (const Ending& e : endings) ++next[e.days - first + 1];
  for (size_t d = 1; d < next.size(); ++d) next[d] += next[d - 1];
  for (size_t i = 0; i < endings.size(); ++i) place[i] = next[endings[i].days - first]++;
  return place;
}

}  // namespace

std::vector<uint32_t> ByDays(const std::vector<Ending>& endings) {
  const std::vector<uint32_t> place = PlacesByDays(endings);
  std::vector<uint32_t> order(place.size());
  for (size_t i = 0; i < place.size(); ++i) order[place[i]] = static_cast<uint32_t>(i);
  return order;
}

Json SurvivalCompleteness(const Cohort& cohort, const AnalyticsSettings& s, const std::string& as_of) {
  const Day as_of_day = ToDay(as_of).value_or(kNoDay);
  double observed = 0, potential = 0;
  for (uint32_t course : cohort.courses) {
    const CourseFacts& c = cohort.Facts(course);
    const Day end = std::min({as_of_day, c.death, c.treated_knee_surgery});
    potential += std::max(0.0, DaysBetween(c.first_session, end));
    observed += std::max(0.0, DaysBetween(c.first_session, std::min(c.LastContactOn(as_of_day), end)));
  }
  Json cell = {
      {"method", "Clark's C: follow-up time observed / time that could have been observed to " + as_of},
      {"n", cohort.size()},
      {"observed_patient_years", observed / 365.25},
      {"potential_patient_years", potential / 365.25},
      {"share", potential > 0 ? Json(observed / potential) : Json()},
      {"suppressed", false}};
  if (TooFewPatients(cohort.size(), s)) Suppress(cell, TooFewReason(s.min_cell));
  return cell;
}

Json KneeSurvival(const Cohort& cohort, size_t patients, const Json& completeness, const AnalyticsSettings& s) {
  const Day as_of = AsOfDay(s);
  // Protocol groups are the clinic's protocol names, in name order (CourseFacts::protocol); a group
  // without a course in the cohort is not shown.
  const std::vector<std::string>& names = cohort.rows->columns.protocol_names;
  std::vector<int64_t> other_replaced;
  std::vector<size_t> group_size(names.size(), 0);
  // Every curve, and the test, gets its times in ascending order, so no estimate sorts them again: the
  // endings in that order with their groups, placed in one pass over the cohort and then read in order.
  // Each working array is freed as soon as it has been read, and endings take 8 bytes: at about a million
  // courses the figure then fits in the one 64 MB heap glibc keeps for a thread, where a second heap goes
  // back to the kernel when it empties and the next report faults it in again.
  struct Placed {
    Ending ending;
    uint32_t group;
  };
  std::vector<Placed> placed(cohort.size());
  {
    std::vector<Ending> endings(cohort.size());
    std::vector<uint32_t> group_of(cohort.size());
    for (size_t i = 0; i < cohort.size(); ++i) {
      const CourseFacts& c = cohort.Facts(cohort.courses[i]);
      endings[i] = EndingOf(c, as_of);
      group_of[i] = c.protocol;
      ++group_size[c.protocol];
      if (c.other_knee_replaced != kNoDay) other_replaced.push_back(c.patient);
    }
    const std::vector<uint32_t> place = PlacesByDays(endings);
    for (size_t i = 0; i < place.size(); ++i) placed[place[i]] = {endings[i], group_of[i]};
  }
  // Log-rank over the protocols large enough to show, numbered in the order the figure lists them.
  Json groups = Json::array();
  std::vector<int> tested_index(names.size(), -1);
  size_t tested_size = 0;
  for (size_t g = 0; g < names.size(); ++g) {
    if (TooFewPatients(group_size[g], s)) continue;
    tested_index[g] = static_cast<int>(groups.size());
    groups.push_back(names[g]);
    tested_size += group_size[g];
  }
  const bool test = groups.size() >= 2;
  const bool test_all = tested_size == cohort.size();  // then the test's times are those of "all"

  // The test does not depend on the order of courses within a time.
  Times all, tested;
  Reserve(all, cohort.size());
  std::vector<Times> by_group(names.size());
  for (size_t g = 0; g < by_group.size(); ++g) Reserve(by_group[g], group_size[g]);
  std::vector<int> tested_group;
  if (test) tested_group.reserve(tested_size);
  if (test && !test_all) Reserve(tested, tested_size);
  for (const auto& [ending, group] : placed) {
    Add(all, ending);
    Add(by_group[group], ending);
    if (!test || tested_index[group] < 0) continue;
    if (!test_all) Add(tested, ending);
    tested_group.push_back(tested_index[group]);
  }
  std::vector<Placed>().swap(placed);

  Json curves = Json::array();
  curves.push_back(Curve("all", all, s));
  std::vector<Json*> cells;
  std::vector<size_t> sizes;
  for (size_t g = 0; g < names.size(); ++g) {
    if (group_size[g] == 0) continue;
    curves.push_back(Curve(names[g], by_group[g], s));
    sizes.push_back(group_size[g]);
  }
  for (size_t i = 1; i < curves.size(); ++i) cells.push_back(&curves[i]);
  SuppressComplementary(cells, sizes, s.min_cell);
  Json logrank = nullptr;
  if (test) {
    const Times& times = test_all ? all : tested;
    auto result = stats::LogRank(times.time, times.event, tested_group, static_cast<int>(groups.size()));
    logrank = {{"groups", groups}, {"chisq", result.chisq}, {"df", result.df}, {"p", result.p}};
  }

  return {{"title", "Time to knee surgery (TKA, UKA or osteotomy) of the treated knee, by protocol"},
          {"n", cohort.size()},
          {"method",
           "Kaplan-Meier from the first session in months (log CI, Greenwood); cumulative incidence by "
           "Aalen-Johansen with death as a competing risk; censored at the last recorded contact"},
          {"completeness", completeness},
          {"curves", curves},
          {"logrank", logrank},
          {"other_knee_replaced",
           {{"title", "Patients whose other knee was replaced (TKA or UKA) after the first session"},
            {"share", ProportionCell(CountDistinct(other_replaced), patients, Counted::kPatients, s)},
            {"note", "counts only replacements recorded in this registry; follow-up lengths differ"}}}};
}

}  // namespace kneeregen
