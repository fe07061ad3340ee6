// Patient-reported outcome instruments as data: a questionnaire's items and their answer ranges, its scales,
// and the rules that turn answers into scale scores. Definitions are JSON documents
// (src/scoring/instruments/, embedded in the binary), each with a version, so every score can name the
// definition and the rule that produced it. No item wording is shipped: see item_wording.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"

namespace kneeregen::scoring {

// How a scale turns its items' scores into a number. Each formula is evaluated in exactly the order written
// here, in double precision, so that every path (one response, a million-row file) gets the same bits.
enum class ScaleMethod {
  // 100 − ((sum / answered) / item_max) × 100. The mean of the answered items stands in for the missing
  // ones (person-mean imputation). KOOS, KOOS-12: 0 = extreme problems, 100 = none.
  kTransformedMean,
  // The sum of the item scores when all are answered; when the rule lets some be missing,
  // (sum / answered) × items (person-mean imputation). WOMAC raw subscales.
  kRawSum,
  // (sum / sum of the answered items' maxima) × 100. IKDC 2000; normalised WOMAC.
  kPercentOfAnsweredMaxima,
  // The score of the scale's one item. Pain NRS, Tegner, PGIC.
  kItemValue,
  // (sum of the listed scales' values) / (how many have a value), when at least min_answered of them do.
  // KOOS-12 Summary Knee Impact.
  kMeanOfScales,
};

enum class ScoreDirection { kHigherIsBetter, kHigherIsWorse };

struct ItemDefinition {
  std::string id;
  int min = 0;
  int max = 4;
  // The answer is recorded as printed on the form and scored as (min + max − answer): IKDC items 2 and 3
  // print 0 = never / no pain but score "never" highest.
  bool reverse = false;
  // Collected but part of no score (IKDC 10a, function before the injury).
  bool scored = true;

  int Score(int answer) const { return reverse ? min + max - answer : answer; }
};

struct ScaleDefinition {
  std::string id;
  std::string label;  // says the range and the direction, e.g. "0–100, higher = worse"
  ScaleMethod method = ScaleMethod::kTransformedMean;
  ScoreDirection direction = ScoreDirection::kHigherIsBetter;
  std::vector<size_t> items;      // indexes into InstrumentDefinition::items
  std::vector<size_t> scales;     // kMeanOfScales: indexes of earlier scales of the same instrument
  std::vector<int> min_answered;  // per rule, indexed like InstrumentDefinition::rules
  double min = 0;                 // the range the value falls in
  double max = 100;

  // Items (or, for kMeanOfScales, scales) the value is made of.
  size_t parts() const { return method == ScaleMethod::kMeanOfScales ? scales.size() : items.size(); }
};

struct ScoringRule {
  std::string id;           // e.g. "2012"; stored with every score
  std::string description;  // what it requires, with its source
};

struct InstrumentDefinition {
  std::string id;
  std::string version;  // of this definition; changes whenever the items, scales or rules do
  std::string title;
  std::string source;
  // A fixed recall period ("last week"), or, when empty, one of `recall_periods` named by each response.
  std::string recall_period;
  std::vector<std::string> recall_periods;
  std::vector<ItemDefinition> items;
  std::vector<ScaleDefinition> scales;
  std::vector<ScoringRule> rules;
  size_t default_rule = 0;
  std::vector<std::string> notes;  // caveats shown with the scores, [U] items among them

  std::optional<size_t> ItemIndex(std::string_view item_id) const;
  std::optional<size_t> ScaleIndex(std::string_view scale_id) const;
  // The default rule for an empty id.
  std::optional<size_t> RuleIndex(std::string_view rule_id) const;
};

// Checks everything a scoring path relies on (ids unique, every scale's items exist and suit its method,
// min_answered given for every rule and within 1..parts) and reports each problem with its JSON path.
Result<InstrumentDefinition> ParseInstrument(const Json& json);

}  // namespace kneeregen::scoring
