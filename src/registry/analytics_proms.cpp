// KOOS over time and responders. Scores are 0–100 with 100 = best; change is follow-up minus baseline of
// the same course, so only courses answered at both count in a change. Completeness divides those who
// answered at a timepoint by those due there (answered, or the window closed unanswered).
#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

std::optional<double> ScoreAt(const CourseRow& row, size_t timepoint, size_t scale) {
  const KoosAt& at = row.koos[timepoint];
  if (!at.answered) return std::nullopt;
  return at.scores[scale];
}

std::pair<size_t, size_t> AnsweredOfExpected(const Cohort& cohort, size_t timepoint, Day as_of) {
  size_t expected = 0, answered = 0;
  for (const CourseRow* row : cohort) {
    const KoosAt& at = row->koos[timepoint];
    if (!at.DueOn(as_of)) continue;
    ++expected;
    if (at.answered) ++answered;
  }
  return {answered, expected};
}

std::string ScaleTitle(const std::string& scale) {
  if (scale == "pain") return "Pain";
  if (scale == "symptoms") return "Symptoms";
  if (scale == "adl") return "ADL";
  if (scale == "sport_rec") return "Sport/Rec";
  if (scale == "qol") return "QOL";
  return scale;
}

namespace {

struct Pairs {
  std::vector<double> before, after;
};

Pairs PairedScores(const Cohort& cohort, size_t timepoint, size_t scale) {
  Pairs pairs;
  for (const CourseRow* row : cohort) {
    auto b = ScoreAt(*row, kBaseline, scale);
    auto a = ScoreAt(*row, timepoint, scale);
    if (!b || !a) continue;
    pairs.before.push_back(*b);
    pairs.after.push_back(*a);
  }
  return pairs;
}

}  // namespace

Json KoosTrajectories(const Cohort& cohort, const std::vector<std::string>& timepoints,
                      const AnalyticsSettings& settings) {
  const Day as_of = AsOfDay(settings);
  Json scales = Json::array();
  for (size_t k = 0; k < kKoosScales.size(); ++k) {
    Json points = Json::array();
    for (size_t timepoint = 0; timepoint < timepoints.size(); ++timepoint) {
      std::vector<double> values;
      for (const CourseRow* row : cohort)
        if (auto v = ScoreAt(*row, timepoint, k)) values.push_back(*v);
      auto [answered, expected] = AnsweredOfExpected(cohort, timepoint, as_of);
      Json point = {{"timepoint", timepoints[timepoint]},
                    {"score", MeanCell(values, settings)},
                    {"completeness", CompletenessCell(answered, expected, settings)}};
      if (timepoint != kBaseline) {
        Pairs pairs = PairedScores(cohort, timepoint, k);
        point["change_from_baseline"] = ChangeCell(pairs.before, pairs.after, settings);
      }
      points.push_back(std::move(point));
    }
    scales.push_back(
        {{"scale", kKoosScales[k]}, {"title", ScaleTitle(kKoosScales[k])}, {"timepoints", points}});
  }
  return {{"title", "KOOS subscales by follow-up timepoint (0-100, 100 = best)"},
          {"n", cohort.size()},
          {"method",
           "mean with t-based 95 % CI; change from baseline as a paired t interval over courses answered "
           "at both; completeness = answered / due (answered, or window closed unanswered)"},
          {"scales", scales}};
}

Json ResponderRates(const Cohort& cohort, const std::vector<std::string>& timepoints,
                    const AnalyticsSettings& settings) {
  Json thresholds = Json::array();
  for (const char* scale : kKoosScales) {
    auto it = settings.mic.by_scale.find(scale);
    if (it == settings.mic.by_scale.end()) continue;
    thresholds.push_back({{"scale", scale},
                          {"mic", it->second.value},
                          {"source", it->second.source},
                          {"verified", it->second.verified}});
  }
  const Day as_of = AsOfDay(settings);
  Json points = Json::array();
  for (size_t timepoint = 0; timepoint < timepoints.size(); ++timepoint) {
    if (timepoint == kBaseline) continue;
    auto [answered, expected] = AnsweredOfExpected(cohort, timepoint, as_of);
    Json scales = Json::array();
    for (size_t k = 0; k < kKoosScales.size(); ++k) {
      auto it = settings.mic.by_scale.find(kKoosScales[k]);
      if (it == settings.mic.by_scale.end()) continue;
      size_t n = 0, responders = 0;
      for (const CourseRow* row : cohort) {
        auto responder = stats::IsMicResponder(ScoreAt(*row, kBaseline, k), ScoreAt(*row, timepoint, k),
                                               it->second.value);
        if (!responder) continue;
        ++n;
        if (*responder) ++responders;
      }
      scales.push_back({{"scale", kKoosScales[k]},
                        {"mic", it->second.value},
                        {"responders", ProportionCell(responders, n, settings)}});
    }
    size_t n_pass = 0, in_pass = 0;
    for (const CourseRow* row : cohort) {
      auto pass = stats::IsInPass(ScoreAt(*row, timepoint, 0), settings.pass_pain);
      if (!pass) continue;
      ++n_pass;
      if (*pass) ++in_pass;
    }
    points.push_back({{"timepoint", timepoints[timepoint]},
                      {"completeness", CompletenessCell(answered, expected, settings)},
                      {"mic_responders", scales},
                      {"pass_pain", ProportionCell(in_pass, n_pass, settings)}});
  }
  return {{"title", "KOOS responders (minimal important change) and Pain PASS"},
          {"n", cohort.size()},
          {"mic", {{"method", settings.mic.method}, {"thresholds", thresholds}}},
          {"pass", {{"scale", "pain"}, {"threshold", settings.pass_pain}, {"source", settings.pass_source}}},
          {"method",
           "responder: follow-up minus baseline >= MIC on the subscale; PASS: Pain at follow-up >= "
           "threshold; Wilson 95 % CI"},
          {"timepoints", points}};
}

}  // namespace kneeregen
