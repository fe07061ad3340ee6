#include "registry/expectation_report.hpp"

#include <tuple>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"
#include "stats/descriptive.hpp"
#include "stats/kaplan_meier.hpp"

namespace kneeregen {

namespace {

constexpr const char* kTimepoint = "12m";

Json Bounds(const std::optional<double>& lower, const std::optional<double>& upper, double level) {
  if (!lower || !upper) return nullptr;
  return {{"lower", *lower}, {"upper", *upper}, {"level", level}};
}

// KOOS Pain at baseline and at 12 months; nothing at 12 months when the clinic's schedule has no 12m.
std::pair<std::optional<double>, std::optional<double>> PainAt12m(std::span<const KoosAt> koos,
                                                                  std::optional<size_t> at) {
  if (!at) return {ScoreAt(koos, kBaseline, 0), std::nullopt};
  return {ScoreAt(koos, kBaseline, 0), ScoreAt(koos, *at, 0)};
}

Json PainChangeDistribution(const Cohort& cohort, std::optional<size_t> at, const AnalyticsSettings& s) {
  std::vector<double> change;
  for (uint32_t course : cohort.courses) {
    auto [before, after] = PainAt12m(cohort.rows->KoosOf(course), at);
    if (before && after) change.push_back(*after - *before);
  }
  auto d = stats::Describe(change);
  Json cell = {{"n", d.n}, {"median", d.median}, {"q1", d.q1}, {"q3", d.q3}, {"suppressed", false}};
  if (TooFewPatients(d.n, s)) Suppress(cell, TooFewReason(s.min_cell));
  return cell;
}

Json Responders(const Cohort& cohort, std::optional<size_t> at, const AnalyticsSettings& s) {
  auto mic = s.mic.by_scale.find("pain");
  size_t n = 0, responders = 0;
  for (uint32_t course : cohort.courses) {
    auto [before, after] = PainAt12m(cohort.rows->KoosOf(course), at);
    auto r = stats::IsMicResponder(before, after, mic->second.value);
    if (!r) continue;
    ++n;
    if (*r) ++responders;
  }
  return {{"mic", mic->second.value},
          {"source", mic->second.source},
          {"method", s.mic.method},
          {"share", ProportionCell(responders, n, Counted::kCourses, s)}};
}

Json SurgeryFree(const Cohort& cohort, const AnalyticsSettings& s) {
  const Day as_of = AsOfDay(s);
  std::vector<Ending> endings(cohort.size());
  for (size_t i = 0; i < cohort.size(); ++i) endings[i] = EndingOf(cohort.Facts(cohort.courses[i]), as_of);
  std::vector<double> time;  // ascending, so neither estimate sorts them again
  std::vector<int> event;
  time.reserve(cohort.size());
  event.reserve(cohort.size());
  for (uint32_t i : ByDays(endings)) {
    time.push_back(static_cast<double>(endings[i].days) / kDaysPerMonth);
    event.push_back(endings[i].status == 1 ? 1 : 0);
  }
  auto km = stats::KaplanMeier(time, event, s.level);
  const std::vector<double> months = {12, 24, 60};
  auto at_risk = stats::NumbersAtRisk(time, months);
  Json points = Json::array();
  for (size_t i = 0; i < months.size(); ++i) {
    auto at = stats::SurvivalAt(km, months[i]);
    Json point = {{"years", months[i] / 12},
                  {"n_at_risk", at_risk[i]},
                  {"estimate", at.survival},
                  {"ci", Bounds(at.lower, at.upper, s.level)},
                  {"suppressed", false}};
    if (TooFewPatients(at_risk[i], s))
      Suppress(point, "fewer than " + std::to_string(s.min_cell) + " patients still followed");
    point["years"] = months[i] / 12;
    points.push_back(std::move(point));
  }
  return points;
}

std::string Criteria(const ExpectationQuery& q, const ClinicRows& rows) {
  std::string text = "KL grade " + std::to_string(q.kl_grade) + ", age " +
                     std::to_string(q.age_band_start()) + "-" + std::to_string(q.age_band_start() + 9) +
                     ", product " + q.product;
  if (q.protocol_id) {
    auto it = rows.protocol_names.find(*q.protocol_id);
    text += ", protocol " + (it != rows.protocol_names.end() ? it->second : std::to_string(*q.protocol_id));
  } else {
    text += ", any protocol";
  }
  return text;
}

}  // namespace

CohortFilter ExpectationQuery::AsFilter() const {
  CohortFilter f;
  f.kl_grade = kl_grade;
  f.age_min = age_band_start();
  f.age_max = age_band_start() + 9;
  f.product = product;
  f.protocol_id = protocol_id;
  return f;
}

Result<ExpectationQuery> ParseExpectationQuery(const QueryParameters& query) {
  QueryParameters as_filter;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : query) {
    if (name == "age") continue;
    if (name != "kl_grade" && name != "product" && name != "protocol")
      errors.push_back({name, "is not a parameter of this report"});
    else
      as_filter.emplace(name, value);
  }
  if (query.count("age") > 1) errors.push_back({"age", "is given more than once"});
  if (query.count("age") == 1) {
    const std::string& text = query.find("age")->second;
    if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(text) < 18 || std::stoi(text) > 110)
      errors.push_back({"age", "must be a whole number of years from 18 to 110"});
  }
  for (const char* required : {"kl_grade", "age", "product"})
    if (query.count(required) == 0) errors.push_back({required, "is required"});
  auto filter = ParseCohortFilter(as_filter);
  if (!filter)
    for (auto& e : filter.error().fields) errors.push_back(e);
  if (!errors.empty()) return Error::Validation(std::move(errors));
  ExpectationQuery q;
  q.kl_grade = *filter->kl_grade;
  q.age = std::stoi(query.find("age")->second);
  q.product = *filter->product;
  q.protocol_id = filter->protocol_id;
  return q;
}

Json BuildExpectationReport(const ClinicRows& rows, const ExpectationQuery& q,
                            const AnalyticsSettings& settings) {
  const Cohort cohort = SelectRows(rows, q.AsFilter());
  AnalyticsSettings s = settings;
  s.courses_per_patient = CountPatients(cohort);
  const size_t patients = s.courses_per_patient.patients;
  const bool enough = patients >= static_cast<size_t>(s.min_cell);
  Json report = {
      {"title", "Outcomes of earlier patients like this at this clinic"},
      {"synthetic", rows.synthetic},
      {"as_of", *s.as_of},
      {"criteria",
       {{"kl_grade", q.kl_grade},
        {"age_band", std::to_string(q.age_band_start()) + "-" + std::to_string(q.age_band_start() + 9)},
        {"product", q.product},
        {"protocol", q.protocol_id ? Json(*q.protocol_id) : Json("any")}}},
      {"criteria_text", Criteria(q, rows)},
      {"criteria_note", "Only these criteria select the group; none is widened when the group is small."},
      {"min_cell", s.min_cell},
      {"n", CountCell(patients, Counted::kPatients, s)},
      {"enough", enough},
      {"evidence", PublishedEvidence()},
      {"caution",
       "These are past results of other patients, observed, not a prediction for one person. Results "
       "vary between patients; some improve, some do not, and some have knee surgery later. The "
       "published trials below include a large randomised trial in which no cell product did better "
       "than a corticosteroid injection at 12 months."}};
  if (!enough) {
    report["statement"] = "Fewer than " + std::to_string(s.min_cell) + " patients like this (" +
                          Criteria(q, rows) +
                          ") have been treated here, too few to say anything about results at this clinic.";
    return report;
  }
  const std::optional<size_t> at = rows.TimepointIndex(kTimepoint);
  size_t expected = 0, answered = 0;
  if (at) std::tie(answered, expected) = AnsweredOfExpected(cohort, *at, AsOfDay(s));
  report["pain_change_12m"] = PainChangeDistribution(cohort, at, s);
  report["responders_12m"] = Responders(cohort, at, s);
  report["completeness_12m"] = CompletenessCell(answered, expected, s);
  report["surgery_free"] = SurgeryFree(cohort, s);
  report["statement"] = "Observed in " + std::to_string(patients) + " earlier patients like this (" +
                        Criteria(q, rows) + ").";
  return report;
}

}  // namespace kneeregen
