#include "scoring/score.hpp"

namespace kneeregen::scoring {

namespace {

std::string RangeText(const ItemDefinition& item) {
  return "must be a whole number from " + std::to_string(item.min) + " to " + std::to_string(item.max);
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace

Result<Response> ResponseFromJson(const InstrumentDefinition& instrument, const Json& answers,
                                  std::string recall_period) {
  if (!answers.is_object()) return Error::Field(ErrorCode::kValidationFailed, "answers", "must be an object");
  Response response{std::vector<std::optional<int>>(instrument.items.size()), std::move(recall_period)};
  std::vector<FieldError> errors;
  for (const auto& [id, value] : answers.items()) {
    auto index = instrument.ItemIndex(id);
    if (!index) {
      errors.push_back({id, "is not an item of " + instrument.id});
      continue;
    }
    if (value.is_null()) continue;
    const ItemDefinition& item = instrument.items[*index];
    if (!value.is_number_integer() || value.get<int64_t>() < item.min || value.get<int64_t>() > item.max)
      errors.push_back({id, RangeText(item)});
    else
      response.answers[*index] = value.get<int>();
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return response;
}

std::optional<double> ScaleValue(const InstrumentDefinition& instrument, const ScaleDefinition& scale,
                                 size_t rule, const ScaleTally& tally,
                                 const std::vector<double>& component_values) {
  const int required = scale.min_answered[rule];
  if (scale.method == ScaleMethod::kMeanOfScales) {
    if (component_values.empty() || static_cast<int>(component_values.size()) < required) return std::nullopt;
    double sum = 0;
    for (double v : component_values) sum += v;
    return sum / static_cast<double>(component_values.size());
  }
  if (tally.answered == 0 || tally.answered < required) return std::nullopt;
  const double sum = static_cast<double>(tally.sum);
  const double answered = tally.answered;
  switch (scale.method) {
    case ScaleMethod::kTransformedMean: {
      const double item_max = instrument.items[scale.items.front()].max;
      return 100.0 - (sum / answered) / item_max * 100.0;
    }
    case ScaleMethod::kRawSum:
      if (tally.answered == static_cast<int>(scale.items.size())) return sum;
      return (sum / answered) * static_cast<double>(scale.items.size());
    case ScaleMethod::kPercentOfAnsweredMaxima:
      if (tally.answered_maxima == 0) return std::nullopt;
      return (sum / static_cast<double>(tally.answered_maxima)) * 100.0;
    case ScaleMethod::kItemValue:
      return sum;
    case ScaleMethod::kMeanOfScales:
      break;
  }
  return std::nullopt;
}

const ScaleScore* InstrumentScore::Find(std::string_view scale_id) const {
  for (const auto& s : scales)
    if (s.scale_id == scale_id) return &s;
  return nullptr;
}

Result<InstrumentScore> Score(const InstrumentDefinition& instrument, const Response& response,
                              std::string_view rule_id) {
  auto rule = instrument.RuleIndex(rule_id);
  if (!rule) {
    std::vector<std::string> ids;
    for (const auto& r : instrument.rules) ids.push_back(r.id);
    return Error::Field(ErrorCode::kValidationFailed, "rule", "must be one of " + Joined(ids));
  }
  if (response.answers.size() != instrument.items.size())
    return Error::Field(ErrorCode::kValidationFailed, "answers",
                        "must hold one entry per item (" + std::to_string(instrument.items.size()) + ")");
  std::vector<FieldError> errors;
  for (size_t i = 0; i < instrument.items.size(); ++i) {
    const auto& answer = response.answers[i];
    const ItemDefinition& item = instrument.items[i];
    if (answer && (*answer < item.min || *answer > item.max)) errors.push_back({item.id, RangeText(item)});
  }
  std::string recall = instrument.recall_period;
  if (instrument.recall_periods.empty()) {
    if (!response.recall_period.empty() && response.recall_period != instrument.recall_period)
      errors.push_back({"recall_period", "is fixed for " + instrument.id + ": " + instrument.recall_period});
  } else {
    recall = response.recall_period;
    bool known = false;
    for (const auto& p : instrument.recall_periods) known |= p == recall;
    if (!known) errors.push_back({"recall_period", "must be one of " + Joined(instrument.recall_periods)});
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));

  InstrumentScore out{instrument.id, instrument.version, instrument.rules[*rule].id, recall, {}};
  for (const ScaleDefinition& scale : instrument.scales) {
    ScaleScore score{.scale_id = scale.id,
                     .required = scale.min_answered[*rule],
                     .parts = static_cast<int>(scale.parts()),
                     .direction = scale.direction};
    if (scale.method == ScaleMethod::kMeanOfScales) {
      std::vector<double> components;
      for (size_t c : scale.scales)
        if (out.scales[c].value) components.push_back(*out.scales[c].value);
      score.answered = static_cast<int>(components.size());
      score.value = ScaleValue(instrument, scale, *rule, {}, components);
    } else {
      ScaleTally tally;
      for (size_t index : scale.items) {
        const auto& answer = response.answers[index];
        if (!answer) continue;
        const ItemDefinition& item = instrument.items[index];
        ++tally.answered;
        tally.sum += item.Score(*answer);
        tally.answered_maxima += item.max;
      }
      score.answered = tally.answered;
      score.value = ScaleValue(instrument, scale, *rule, tally);
    }
    out.scales.push_back(std::move(score));
  }
  return out;
}

}  // namespace kneeregen::scoring
