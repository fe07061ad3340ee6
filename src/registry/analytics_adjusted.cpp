// "Six sessions work better": split (more than one session intended) against single-session courses on
// 12-month KOOS Pain change, by ordinary least squares adjusted for baseline Pain, age, KL grade and BMI. The
// answer is observational: who gets which protocol is chosen, not randomised, so the report says so beside
// it.
#include <algorithm>
#include <cmath>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"
#include "stats/linear_model.hpp"

namespace kneeregen {

namespace {

constexpr const char* kObservational =
    "Observational comparison: patients and clinicians chose the protocol, so the groups may differ in ways "
    "the adjustment does not capture (severity, expectations, ability to return for sessions, cost). The "
    "difference is an association, not an effect of the protocol.";

}  // namespace

Json SplitVersusSingle(const Cohort& cohort, const KoosCells& koos, std::optional<size_t> at_12m,
                       const AnalyticsSettings& s) {
  std::vector<double> y, split, baseline, age, kl, bmi;
  size_t n_split = 0, n_single = 0;
  std::vector<double> change_split, change_single;
  size_t expected = 0, answered = 0;
  if (at_12m) {
    answered = koos.at[*at_12m].answered;
    expected = koos.at[*at_12m].expected;
  }
  for (auto* column : {&y, &split, &baseline, &age, &kl, &bmi}) column->reserve(answered);
  for (const auto& [course, before, after] : koos.pain_pairs) {
    const CourseFacts& row = cohort.Facts(course);
    if (std::isnan(row.age) || row.kl_grade < 0 || std::isnan(row.bmi)) continue;
    // The protocol as intended: a split course stopped after one session (flare, surgery, choice) stays
    // split, or the comparison would credit the single-session group with the split group's dropouts.
    const bool is_split = std::max(row.sessions_intended, row.sessions) > 1;
    y.push_back(after - before);
    split.push_back(is_split ? 1 : 0);
    baseline.push_back(before);
    age.push_back(row.age);
    kl.push_back(row.kl_grade);
    bmi.push_back(row.bmi);
    (is_split ? change_split : change_single).push_back(after - before);
    ++(is_split ? n_split : n_single);
  }
  Json result = {{"title", "12-month KOOS Pain change: split-session against single-session protocols"},
                 {"n", y.size()},
                 {"statement", kObservational},
                 {"split_definition", "more than one session in the plan as first requested, or performed"},
                 {"model", "change = split + baseline Pain + age + KL grade + BMI (least squares)"},
                 {"completeness", CompletenessCell(answered, expected, s)},
                 {"split", MeanCell(change_split, s)},
                 {"single", MeanCell(change_single, s)},
                 {"adjusted_difference", nullptr},
                 {"suppressed", false}};
  if (TooFewPatients(n_split, s) || TooFewPatients(n_single, s)) {
    Suppress(result, "fewer than " + std::to_string(s.min_cell) + " patients in a group");
    result["title"] = "12-month KOOS Pain change: split-session against single-session protocols";
    return result;
  }
  std::vector<std::vector<double>> covariates = {split, baseline, age, kl, bmi};
  std::vector<std::string> names = {"split", "baseline_pain", "age", "kl_grade", "bmi"};
  auto fit = stats::FitLinear(y, covariates, names, s.level);
  if (!fit) {
    result["adjusted_difference"] = {{"reason", "too few patients, or too little variation, to adjust"}};
    return result;
  }
  Json terms = Json::array();
  for (size_t i = 0; i < fit->terms.size(); ++i)
    terms.push_back({{"term", fit->terms[i]},
                     {"estimate", fit->coef[i]},
                     {"se", fit->se[i]},
                     {"ci", {{"lower", fit->lower[i]}, {"upper", fit->upper[i]}, {"level", s.level}}},
                     {"p", fit->p[i]}});
  result["adjusted_difference"] = {
      {"estimate", fit->coef[1]},
      {"ci", {{"lower", fit->lower[1]}, {"upper", fit->upper[1]}, {"level", s.level}}},
      {"p", fit->p[1]},
      {"n", fit->n},
      {"r_squared", fit->r_squared},
      {"terms", terms}};
  return result;
}

}  // namespace kneeregen
