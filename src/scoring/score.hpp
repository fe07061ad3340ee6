// Scoring one response to one instrument: every scale's value under a chosen rule, or nothing where too few
// items were answered (missing is never scored as 0). The result names the instrument, its definition
// version, the rule and the recall period, so a stored score always says how it was made.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"
#include "scoring/instrument.hpp"

namespace kneeregen::scoring {

// One questionnaire's answers, in the definition's item order (answers[i] answers items[i]); nothing for an
// unanswered item. Answers are as recorded on the form: reverse-scored items are turned round when scored.
struct Response {
  std::vector<std::optional<int>> answers;
  std::string recall_period;  // required when the instrument lets the response choose it (pain NRS)
};

// A response from {"P1": 2, "P2": null, ...}: an unknown item, a value that is not a whole number, or one
// outside the item's range is an error naming the item. Items left out are unanswered.
Result<Response> ResponseFromJson(const InstrumentDefinition& instrument, const Json& answers,
                                  std::string recall_period = "");

// What a scale's value is computed from: how many of its parts were answered (items, or for
// kMeanOfScales the component scales that have a value), the sum of their scores, and the sum of the
// answered items' maxima.
struct ScaleTally {
  int answered = 0;
  int64_t sum = 0;
  int64_t answered_maxima = 0;
};

// The value of scale `scale` under rule `rule` (an index into instrument.rules), or nothing when fewer
// than the rule's minimum were answered. For kMeanOfScales `tally.sum` is unused: pass the component values.
// The one place each formula lives; every scoring path calls it.
std::optional<double> ScaleValue(const InstrumentDefinition& instrument, const ScaleDefinition& scale,
                                 size_t rule, const ScaleTally& tally,
                                 const std::vector<double>& component_values = {});

struct ScaleScore {
  std::string scale_id;
  std::optional<double> value;  // nothing when too few were answered for the rule
  int answered = 0;             // items (or component scales) answered
  int required = 0;             // the rule's minimum
  int parts = 0;                // items (or component scales) in the scale
  ScoreDirection direction = ScoreDirection::kHigherIsBetter;
};

struct InstrumentScore {
  std::string instrument_id;
  std::string instrument_version;
  std::string rule;
  std::string recall_period;
  std::vector<ScaleScore> scales;  // in the definition's order

  const ScaleScore* Find(std::string_view scale_id) const;
};

// Scores `response` under `rule` (the instrument's default rule when empty). Errors: an unknown rule, a
// response of the wrong length, an answer outside its item's range, a missing or unknown recall period.
Result<InstrumentScore> Score(const InstrumentDefinition& instrument, const Response& response,
                              std::string_view rule = {});

}  // namespace kneeregen::scoring
