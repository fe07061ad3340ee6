// KOOS over time and responders. Scores are 0–100 with 100 = best; change is follow-up minus baseline of
// the same course, so only courses answered at both count in a change. Completeness divides those who
// answered at a timepoint by those due there (answered, or the window closed unanswered).
#include <cmath>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_figures.hpp"

namespace kneeregen {

std::optional<double> ScoreAt(std::span<const KoosAt> koos, size_t timepoint, size_t scale) {
  const KoosAt& at = koos[timepoint];
  if (!at.answered || std::isnan(at.scores[scale])) return std::nullopt;
  return at.scores[scale];
}

std::pair<size_t, size_t> AnsweredOfExpected(const Cohort& cohort, size_t timepoint, Day as_of) {
  size_t expected = 0, answered = 0;
  for (uint32_t course : cohort.courses) {
    const KoosAt& at = cohort.rows->KoosOf(course)[timepoint];
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

void KoosCells::Merge(KoosCells&& later) {
  for (size_t t = 0; t < at.size() && t < later.at.size(); ++t) {
    AtTimepoint& mine = at[t];
    const AtTimepoint& theirs = later.at[t];
    mine.answered += theirs.answered;
    mine.expected += theirs.expected;
    for (size_t k = 0; k < kKoosScales.size(); ++k) {
      mine.score[k].Merge(theirs.score[k]);
      mine.change[k].Merge(theirs.change[k]);
      mine.mic_n[k] += theirs.mic_n[k];
      mine.mic_responders[k] += theirs.mic_responders[k];
    }
    mine.pass_n += theirs.pass_n;
    mine.in_pass += theirs.in_pass;
  }
  pain_pairs.insert(pain_pairs.end(), later.pain_pairs.begin(), later.pain_pairs.end());
}

// One walk over the cohort, course by course and timepoint by timepoint: a course's timepoints lie together
// in memory, so a million courses are read once for all the cells instead of once per cell.
KoosCells SummarizeKoos(const Cohort& cohort, std::span<const uint32_t> part, size_t timepoints,
                        std::optional<size_t> pain_pairs_at, const AnalyticsSettings& s) {
  constexpr size_t kScales = kKoosScales.size();
  std::array<bool, kScales> has_mic{};  // where the settings have one
  std::array<double, kScales> mic{};
  for (size_t k = 0; k < kScales; ++k)
    if (auto it = s.mic.by_scale.find(kKoosScales[k]); it != s.mic.by_scale.end()) {
      has_mic[k] = true;
      mic[k] = it->second.value;
    }
  const Day as_of = AsOfDay(s);
  KoosCells cells;
  cells.at.resize(timepoints);
  for (uint32_t course : part) {
    const KoosAt* koos = cohort.rows->KoosOf(course).data();
    const KoosAt& baseline = koos[kBaseline];
    std::array<bool, kScales> baseline_there;
    for (size_t k = 0; k < kScales; ++k)
      baseline_there[k] = baseline.answered && !std::isnan(baseline.scores[k]);
    for (size_t t = 0; t < timepoints; ++t) {
      const KoosAt& at = koos[t];
      KoosCells::AtTimepoint& cell = cells.at[t];
      cell.expected += at.DueOn(as_of);  // an answered timepoint is due
      cell.answered += at.answered;
      std::array<bool, kScales> there;
      for (size_t k = 0; k < kScales; ++k) {
        there[k] = at.answered && !std::isnan(at.scores[k]);
        cell.score[k].Add(at.scores[k], there[k]);  // without a branch on whether it is there
      }
      if (t == kBaseline) continue;
      for (size_t k = 0; k < kScales; ++k) {
        const bool paired = there[k] && baseline_there[k];
        const double difference = at.scores[k] - baseline.scores[k];
        cell.change[k].Add(difference, paired);
        cell.mic_n[k] += paired && has_mic[k];
        cell.mic_responders[k] +=
            paired && has_mic[k] && stats::IsMicResponder(baseline.scores[k], at.scores[k], mic[k]);
      }
      cell.pass_n += there[0];
      cell.in_pass += there[0] && stats::IsInPass(at.scores[0], s.pass_pain);
      if (t == pain_pairs_at && there[0] && baseline_there[0])
        cells.pain_pairs.push_back({course, baseline.scores[0], at.scores[0]});
    }
  }
  return cells;
}

Json KoosTrajectories(const KoosCells& cells, const std::vector<std::string>& timepoints, size_t courses,
                      const AnalyticsSettings& settings) {
  Json scales = Json::array();
  for (size_t k = 0; k < kKoosScales.size(); ++k) {
    Json points = Json::array();
    for (size_t timepoint = 0; timepoint < timepoints.size(); ++timepoint) {
      const KoosCells::AtTimepoint& at = cells.at[timepoint];
      Json point = {{"timepoint", timepoints[timepoint]},
                    {"score", MeanCell(at.score[k], settings)},
                    {"completeness", CompletenessCell(at.answered, at.expected, settings)}};
      if (timepoint != kBaseline) point["change_from_baseline"] = ChangeCell(at.change[k], settings);
      points.push_back(std::move(point));
    }
    scales.push_back(
        {{"scale", kKoosScales[k]}, {"title", ScaleTitle(kKoosScales[k])}, {"timepoints", points}});
  }
  return {{"title", "KOOS subscales by follow-up timepoint (0-100, 100 = best)"},
          {"n", courses},
          {"method",
           "mean with t-based 95 % CI; change from baseline as a paired t interval over courses answered "
           "at both; completeness = answered / due (answered, or window closed unanswered)"},
          {"scales", scales}};
}

Json ResponderRates(const KoosCells& cells, const std::vector<std::string>& timepoints, size_t courses,
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
  Json points = Json::array();
  for (size_t timepoint = 0; timepoint < timepoints.size(); ++timepoint) {
    if (timepoint == kBaseline) continue;
    const KoosCells::AtTimepoint& at = cells.at[timepoint];
    Json scales = Json::array();
    for (size_t k = 0; k < kKoosScales.size(); ++k) {
      auto it = settings.mic.by_scale.find(kKoosScales[k]);
      if (it == settings.mic.by_scale.end()) continue;
      scales.push_back(
          {{"scale", kKoosScales[k]},
           {"mic", it->second.value},
           {"responders", ProportionCell(at.mic_responders[k], at.mic_n[k], Counted::kCourses, settings)}});
    }
    points.push_back({{"timepoint", timepoints[timepoint]},
                      {"completeness", CompletenessCell(at.answered, at.expected, settings)},
                      {"mic_responders", scales},
                      {"pass_pain", ProportionCell(at.in_pass, at.pass_n, Counted::kCourses, settings)}});
  }
  return {{"title", "KOOS responders (minimal important change) and Pain PASS"},
          {"n", courses},
          {"mic", {{"method", settings.mic.method}, {"thresholds", thresholds}}},
          {"pass", {{"scale", "pain"}, {"threshold", settings.pass_pain}, {"source", settings.pass_source}}},
          {"method",
           "responder: follow-up minus baseline >= MIC on the subscale; PASS: Pain at follow-up >= "
           "threshold; Wilson 95 % CI"},
          {"timepoints", points}};
}

}  // namespace kneeregen
