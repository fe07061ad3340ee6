// Adverse events by CTCAE v5 grade (DOMAIN.md §7): events per 100 sessions performed, with the exact
// Poisson interval (Garwood; R's poisson.test), and the share of patients with at least one, with the
// Wilson interval. A cell is suppressed when fewer than the minimum patients had such an event.
#include <boost/math/special_functions/gamma.hpp>
#include <array>

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
  // The groups in the order the figure lists them: any event, serious events, then grade 1 to 5.
  constexpr size_t kAny = 0, kSerious = 1, kGrades = 5;
  std::vector<std::string> labels = {"any", "serious"};
  for (size_t grade = 1; grade <= kGrades; ++grade) labels.push_back("grade_" + std::to_string(grade));

  // One walk over the cohort beside the clinic's events (both in course order): events per group, and the
  // patients with one (a patient once per course).
  size_t sessions = 0;
  std::vector<size_t> events(labels.size(), 0);
  std::vector<std::vector<int64_t>> with(labels.size());
  std::array<bool, 2 + kGrades> course_has{};
  const auto& all = cohort.rows->columns.adverse_events;
  auto next = all.begin();
  for (uint32_t course : cohort.courses) {
    const CourseFacts& facts = cohort.Facts(course);
    sessions += facts.sessions;
    while (next != all.end() && next->course < course) ++next;
    if (next == all.end() || next->course != course) continue;
    course_has.fill(false);
    auto count = [&](size_t group) {
      ++events[group];
      course_has[group] = true;
    };
    for (; next != all.end() && next->course == course; ++next) {
      count(kAny);
      if (next->serious) count(kSerious);
      if (next->grade >= 1 && next->grade <= kGrades) count(kSerious + next->grade);
    }
    for (size_t g = 0; g < course_has.size(); ++g)
      if (course_has[g]) with[g].push_back(facts.patient);
  }

  Json rows = Json::array();
  std::vector<size_t> grade_events;
  for (size_t g = 0; g < labels.size(); ++g) {
    const size_t patients_with = CountDistinct(with[g]);
    rows.push_back(
        {{"group", labels[g]},
         {"per_100_sessions", RatePer100(events[g], sessions, patients_with, patients, settings)},
         {"patients_with_event", ProportionCell(patients_with, patients, Counted::kPatients, settings)}});
    if (g > kSerious) grade_events.push_back(patients_with);
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
