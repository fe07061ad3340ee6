// Adverse events by CTCAE v5 grade (DOMAIN.md §7): events per 100 sessions performed, with the exact
// Poisson interval (Garwood; R's poisson.test), and the share of patients with at least one, with the
// Wilson interval. A cell is suppressed when fewer than the minimum patients had such an event.
#include <boost/math/special_functions/gamma.hpp>
#include <functional>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

namespace {

Json RatePer100(size_t events, size_t sessions, size_t patients_with, size_t patients,
                const AnalyticsSettings& s) {
  Json cell = {{"events", events}, {"sessions", sessions}, {"per_100_sessions", nullptr},
               {"ci", nullptr},    {"n", patients},        {"suppressed", false}};
  if (sessions > 0) {
    const double alpha = 1 - s.level;
    const double lower = events == 0 ? 0.0 : boost::math::gamma_p_inv(static_cast<double>(events), alpha / 2);
    const double upper = boost::math::gamma_p_inv(static_cast<double>(events) + 1, 1 - alpha / 2);
    cell["per_100_sessions"] = 100.0 * events / sessions;
    cell["ci"] = {{"lower", 100 * lower / sessions}, {"upper", 100 * upper / sessions}, {"level", s.level}};
  }
  if (patients < static_cast<size_t>(s.min_cell))
    Suppress(cell, TooFewReason(s.min_cell));
  else if (IsSmallCount(patients_with, s.min_cell))
    Suppress(cell, "the patients with such an event are " + TooFewReason(s.min_cell));
  return cell;
}

}  // namespace

Json AdverseEventRates(const Cohort& cohort, size_t patients, const Json& completeness,
                       const AnalyticsSettings& settings) {
  struct Group {
    std::string label;
    std::function<bool(const AdverseEventRow&)> counts;
  };
  std::vector<Group> groups = {{"any", [](const AdverseEventRow&) { return true; }},
                               {"serious", [](const AdverseEventRow& e) { return e.serious; }}};
  for (int grade = 1; grade <= 5; ++grade)
    groups.push_back(
        {"grade_" + std::to_string(grade), [grade](const AdverseEventRow& e) { return e.grade == grade; }});

  // One walk for every group: events per group, and the patients with one (a patient once per course).
  size_t sessions = 0;
  std::vector<size_t> events(groups.size(), 0);
  std::vector<std::vector<int64_t>> with(groups.size());
  std::vector<bool> course_has(groups.size());
  for (const CourseRow* row : cohort) {
    sessions += row->sessions;
    if (row->adverse_events.empty()) continue;
    course_has.assign(groups.size(), false);
    for (const auto& e : row->adverse_events)
      for (size_t g = 0; g < groups.size(); ++g)
        if (groups[g].counts(e)) {
          ++events[g];
          course_has[g] = true;
        }
    for (size_t g = 0; g < groups.size(); ++g)
      if (course_has[g]) with[g].push_back(row->patient_id);
  }

  Json rows = Json::array();
  std::vector<size_t> grade_events;
  for (size_t g = 0; g < groups.size(); ++g) {
    const size_t patients_with = CountDistinct(with[g]);
    rows.push_back({{"group", groups[g].label},
                    {"per_100_sessions", RatePer100(events[g], sessions, patients_with, patients, settings)},
                    {"patients_with_event", ProportionCell(patients_with, patients, settings)}});
    if (groups[g].label.rfind("grade_", 0) == 0) grade_events.push_back(patients_with);
  }
  // Grades partition the events of "any": one hidden grade must not be recoverable from the rest.
  std::vector<Json*> per_session, per_patient;
  for (size_t i = 2; i < rows.size(); ++i) {
    per_session.push_back(&rows[i]["per_100_sessions"]);
    per_patient.push_back(&rows[i]["patients_with_event"]);
  }
  SuppressComplementary(per_session, grade_events, settings.min_cell);
  SuppressComplementary(per_patient, grade_events, settings.min_cell);
  return {{"title", "Adverse events by CTCAE v5 grade"},
          {"n", patients},
          {"sessions", patients < static_cast<size_t>(settings.min_cell) ? Json() : Json(sessions)},
          {"method",
           "events per 100 sessions performed with the exact Poisson 95 % CI; share of patients with at "
           "least one event with the Wilson 95 % CI"},
          {"completeness", completeness},
          {"groups", rows}};
}

}  // namespace kneeregen
