// Adverse events by CTCAE v5 grade (DOMAIN.md §7): events per 100 sessions performed, with the exact
// Poisson interval (Garwood; R's poisson.test), and the share of patients with at least one, with the
// Wilson interval. A cell is suppressed when fewer than the minimum patients had such an event.
#include <boost/math/special_functions/gamma.hpp>
#include <set>

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

Json AdverseEventRates(const Cohort& cohort, const AnalyticsSettings& settings) {
  size_t sessions = 0;
  std::set<int64_t> patients;
  for (const CourseRow* row : cohort) {
    sessions += row->sessions;
    patients.insert(row->patient_id);
  }
  struct Group {
    std::string label;
    std::function<bool(const AdverseEventRow&)> counts;
  };
  std::vector<Group> groups = {{"any", [](const AdverseEventRow&) { return true; }},
                               {"serious", [](const AdverseEventRow& e) { return e.serious; }}};
  for (int grade = 1; grade <= 5; ++grade)
    groups.push_back(
        {"grade_" + std::to_string(grade), [grade](const AdverseEventRow& e) { return e.grade == grade; }});

  Json rows = Json::array();
  std::vector<size_t> grade_events;
  for (const auto& group : groups) {
    size_t events = 0;
    std::set<int64_t> with;
    for (const CourseRow* row : cohort)
      for (const auto& e : row->adverse_events)
        if (group.counts(e)) {
          ++events;
          with.insert(row->patient_id);
        }
    rows.push_back(
        {{"group", group.label},
         {"per_100_sessions", RatePer100(events, sessions, with.size(), patients.size(), settings)},
         {"patients_with_event", ProportionCell(with.size(), patients.size(), settings)}});
    if (group.label.rfind("grade_", 0) == 0) grade_events.push_back(with.size());
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
          {"n", patients.size()},
          {"sessions", patients.size() < static_cast<size_t>(settings.min_cell) ? Json() : Json(sessions)},
          {"method",
           "events per 100 sessions performed with the exact Poisson 95 % CI; share of patients with at "
           "least one event with the Wilson 95 % CI"},
          {"completeness", SurvivalCompleteness(cohort, settings, settings.as_of.value_or(""))},
          {"groups", rows}};
}

}  // namespace kneeregen
