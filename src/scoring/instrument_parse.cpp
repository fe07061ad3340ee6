// InstrumentDefinition from JSON. Strict on purpose: an unknown key or a scale that names a missing item is
// an error, so a typo in a definition can't silently change what a score means.
#include <algorithm>
#include <set>

#include "scoring/instrument.hpp"

namespace kneeregen::scoring {

namespace {

struct MethodName {
  const char* name;
  ScaleMethod method;
};

constexpr MethodName kMethods[] = {
    {"transformed_mean", ScaleMethod::kTransformedMean},
    {"raw_sum", ScaleMethod::kRawSum},
    {"percent_of_answered_maxima", ScaleMethod::kPercentOfAnsweredMaxima},
    {"item_value", ScaleMethod::kItemValue},
    {"mean_of_scales", ScaleMethod::kMeanOfScales},
};

class Parser {
 public:
  void Fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool failed() const { return !errors_.empty(); }
  Error Errors() { return Error::Validation(std::move(errors_)); }

  void OnlyKeys(const Json& j, std::initializer_list<const char*> keys, const std::string& path) {
    for (const auto& [key, value] : j.items())
      if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
        Fail(path + key, "unknown key");
  }

  std::string Text(const Json& j, const char* key, const std::string& path, bool required = true) {
    if (!j.contains(key)) {
      if (required) Fail(path + key, "is required");
      return "";
    }
    if (!j[key].is_string() || j[key].get<std::string>().empty()) {
      Fail(path + key, "must be a non-empty string");
      return "";
    }
    return j[key].get<std::string>();
  }

  std::vector<std::string> TextList(const Json& j, const char* key, const std::string& path) {
    std::vector<std::string> out;
    if (!j.contains(key)) return out;
    if (!j[key].is_array())
      Fail(path + key, "must be an array of strings");
    else
      for (size_t i = 0; i < j[key].size(); ++i) {
        if (j[key][i].is_string() && !j[key][i].get<std::string>().empty())
          out.push_back(j[key][i]);
        else
          Fail(path + key + "/" + std::to_string(i), "must be a non-empty string");
      }
    return out;
  }

  bool Flag(const Json& j, const char* key, bool absent, const std::string& path) {
    if (!j.contains(key)) return absent;
    if (!j[key].is_boolean()) Fail(path + key, "must be true or false");
    return j[key].is_boolean() ? j[key].get<bool>() : absent;
  }

  // [min, max] with min <= max.
  bool Range(const Json& j, const std::string& path, int& min, int& max) {
    if (!j.is_array() || j.size() != 2 || !j[0].is_number_integer() || !j[1].is_number_integer() ||
        j[0].get<int>() > j[1].get<int>()) {
      Fail(path, "must be [min, max], two integers with min <= max");
      return false;
    }
    min = j[0];
    max = j[1];
    return true;
  }

 private:
  std::vector<FieldError> errors_;
};

void ParseItems(Parser& p, const Json& json, InstrumentDefinition& def) {
  int default_min = 0, default_max = 4;
  bool has_default =
      json.contains("item_range") && p.Range(json["item_range"], "item_range", default_min, default_max);
  if (!json.contains("items") || !json["items"].is_array() || json["items"].empty()) {
    p.Fail("items", "must be a non-empty array");
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < json["items"].size(); ++i) {
    const Json& j = json["items"][i];
    const std::string path = "items/" + std::to_string(i);
    ItemDefinition item{.min = default_min, .max = default_max};
    if (j.is_string()) {
      item.id = j.get<std::string>();
      if (!has_default) p.Fail(path, "a bare item id needs item_range at the top level");
    } else if (j.is_object()) {
      p.OnlyKeys(j, {"id", "range", "reverse", "scored"}, path + "/");
      item.id = p.Text(j, "id", path + "/");
      if (j.contains("range"))
        p.Range(j["range"], path + "/range", item.min, item.max);
      else if (!has_default)
        p.Fail(path + "/range", "is required without item_range at the top level");
      item.reverse = p.Flag(j, "reverse", false, path + "/");
      item.scored = p.Flag(j, "scored", true, path + "/");
    } else {
      p.Fail(path, "must be an item id or an object");
    }
    if (!item.id.empty() && !seen.insert(item.id).second) p.Fail(path, "repeats the item id " + item.id);
    def.items.push_back(item);
  }
}

void ParseRules(Parser& p, const Json& json, InstrumentDefinition& def) {
  if (!json.contains("rules") || !json["rules"].is_array() || json["rules"].empty()) {
    p.Fail("rules", "must be a non-empty array");
    return;
  }
  for (size_t i = 0; i < json["rules"].size(); ++i) {
    const Json& j = json["rules"][i];
    const std::string path = "rules/" + std::to_string(i) + "/";
    if (!j.is_object()) {
      p.Fail(path, "must be an object");
      continue;
    }
    p.OnlyKeys(j, {"id", "description"}, path);
    ScoringRule rule{p.Text(j, "id", path), p.Text(j, "description", path)};
    if (def.RuleIndex(rule.id) && !rule.id.empty()) p.Fail(path + "id", "repeats the rule id " + rule.id);
    def.rules.push_back(rule);
  }
  if (json.contains("default_rule")) {
    auto index = json["default_rule"].is_string() ? def.RuleIndex(json["default_rule"].get<std::string>())
                                                  : std::nullopt;
    if (!index)
      p.Fail("default_rule", "must name one of the rules");
    else
      def.default_rule = *index;
  }
}

void CheckItemsSuitMethod(Parser& p, const InstrumentDefinition& def, const ScaleDefinition& s,
                          const std::string& path) {
  if (s.items.empty()) return p.Fail(path + "items", "must list at least one item");
  if (s.method == ScaleMethod::kItemValue && s.items.size() != 1)
    p.Fail(path + "items", "item_value takes exactly one item");
  for (size_t index : s.items) {
    const ItemDefinition& item = def.items[index];
    if (!item.scored) p.Fail(path + "items", item.id + " is marked as not scored");
    bool from_zero =
        s.method == ScaleMethod::kTransformedMean || s.method == ScaleMethod::kPercentOfAnsweredMaxima;
    if (from_zero && item.min != 0) p.Fail(path + "items", item.id + " must range from 0 for this method");
    if (s.method == ScaleMethod::kTransformedMean && item.max != def.items[s.items[0]].max)
      p.Fail(path + "items", "transformed_mean needs items with one common maximum");
    if (s.method == ScaleMethod::kTransformedMean && item.max == 0)
      p.Fail(path + "items", item.id + " has no range to transform");
  }
}

// The range a scale's value falls in, from its items (or component scales).
void SetRange(const InstrumentDefinition& def, ScaleDefinition& s) {
  double lowest = 0, highest = 0;
  for (size_t index : s.items) {
    lowest += def.items[index].min;
    highest += def.items[index].max;
  }
  switch (s.method) {
    case ScaleMethod::kTransformedMean:
    case ScaleMethod::kPercentOfAnsweredMaxima:
      s.min = 0, s.max = 100;
      break;
    case ScaleMethod::kRawSum:
    case ScaleMethod::kItemValue:
      s.min = lowest, s.max = highest;
      break;
    case ScaleMethod::kMeanOfScales:
      s.min = def.scales[s.scales.front()].min;
      s.max = def.scales[s.scales.front()].max;
      for (size_t c : s.scales)
        s.min = std::min(s.min, def.scales[c].min), s.max = std::max(s.max, def.scales[c].max);
      break;
  }
}

void ParseScale(Parser& p, const Json& j, const std::string& path, InstrumentDefinition& def) {
  p.OnlyKeys(j, {"id", "label", "method", "direction", "items", "scales", "min_answered"}, path);
  ScaleDefinition s;
  s.id = p.Text(j, "id", path);
  s.label = p.Text(j, "label", path);
  if (!s.id.empty() && def.ScaleIndex(s.id)) p.Fail(path + "id", "repeats the scale id " + s.id);
  std::string method = p.Text(j, "method", path);
  auto m = std::find_if(std::begin(kMethods), std::end(kMethods),
                        [&](const MethodName& n) { return method == n.name; });
  if (m == std::end(kMethods)) return p.Fail(path + "method", "is not a known scoring method");
  s.method = m->method;
  std::string direction = p.Text(j, "direction", path);
  if (direction != "higher_is_better" && direction != "higher_is_worse")
    return p.Fail(path + "direction", "must be higher_is_better or higher_is_worse");
  s.direction =
      direction == "higher_is_better" ? ScoreDirection::kHigherIsBetter : ScoreDirection::kHigherIsWorse;

  const bool of_scales = s.method == ScaleMethod::kMeanOfScales;
  if (j.contains(of_scales ? "items" : "scales"))
    return p.Fail(path + (of_scales ? "items" : "scales"), "does not apply to this method");
  for (const std::string& id : p.TextList(j, of_scales ? "scales" : "items", path)) {
    auto index = of_scales ? def.ScaleIndex(id) : def.ItemIndex(id);
    auto& list = of_scales ? s.scales : s.items;
    if (!index)
      p.Fail(path + (of_scales ? "scales" : "items"),
             id + (of_scales ? " is not an earlier scale" : " is not an item"));
    else if (std::find(list.begin(), list.end(), *index) != list.end())
      p.Fail(path, "lists " + id + " twice");
    else
      list.push_back(*index);
  }
  if (of_scales && s.scales.empty()) return p.Fail(path + "scales", "must list at least one earlier scale");
  if (!of_scales) CheckItemsSuitMethod(p, def, s, path);
  if (p.failed()) return;

  const Json& min = j.contains("min_answered") ? j["min_answered"] : Json();
  if (!min.is_object() || min.size() != def.rules.size())
    return p.Fail(path + "min_answered", "must give a count for each rule, and only for the rules");
  for (const ScoringRule& rule : def.rules) {
    const Json& n = min.contains(rule.id) ? min[rule.id] : Json();
    if (!n.is_number_integer() || n.get<int>() < 1 || n.get<size_t>() > s.parts())
      p.Fail(path + "min_answered/" + rule.id,
             "must be a whole number from 1 to " + std::to_string(s.parts()));
    else
      s.min_answered.push_back(n.get<int>());
  }
  SetRange(def, s);
  def.scales.push_back(std::move(s));
}

}  // namespace

std::optional<size_t> InstrumentDefinition::ItemIndex(std::string_view item_id) const {
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].id == item_id) return i;
  return std::nullopt;
}

std::optional<size_t> InstrumentDefinition::ScaleIndex(std::string_view scale_id) const {
  for (size_t i = 0; i < scales.size(); ++i)
    if (scales[i].id == scale_id) return i;
  return std::nullopt;
}

std::optional<size_t> InstrumentDefinition::RuleIndex(std::string_view rule_id) const {
  if (rule_id.empty()) return rules.empty() ? std::nullopt : std::optional<size_t>(default_rule);
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].id == rule_id) return i;
  return std::nullopt;
}

Result<InstrumentDefinition> ParseInstrument(const Json& json) {
  Parser p;
  if (!json.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "must be a JSON object");
  p.OnlyKeys(json,
             {"id", "version", "title", "source", "recall_period", "recall_periods", "item_range", "items",
              "rules", "default_rule", "scales", "notes"},
             "");
  InstrumentDefinition def;
  def.id = p.Text(json, "id", "");
  def.version = p.Text(json, "version", "");
  def.title = p.Text(json, "title", "");
  def.source = p.Text(json, "source", "");
  def.recall_period = p.Text(json, "recall_period", "", false);
  def.recall_periods = p.TextList(json, "recall_periods", "");
  if (def.recall_period.empty() == def.recall_periods.empty())
    p.Fail("recall_period",
           "give either a fixed recall_period or the recall_periods a response chooses from");
  def.notes = p.TextList(json, "notes", "");
  ParseItems(p, json, def);
  ParseRules(p, json, def);
  if (p.failed()) return p.Errors();
  if (!json.contains("scales") || !json["scales"].is_array() || json["scales"].empty())
    return Error::Field(ErrorCode::kValidationFailed, "scales", "must be a non-empty array");
  for (size_t i = 0; i < json["scales"].size(); ++i) {
    const std::string path = "scales/" + std::to_string(i) + "/";
    if (!json["scales"][i].is_object())
      p.Fail(path, "must be an object");
    else
      ParseScale(p, json["scales"][i], path, def);
  }
  if (p.failed()) return p.Errors();
  return def;
}

}  // namespace kneeregen::scoring
