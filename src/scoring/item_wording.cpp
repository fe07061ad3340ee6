#include "scoring/item_wording.hpp"

#include "core/text.hpp"

namespace kneeregen::scoring {

namespace {

bool IsText(const Json& j) {
  return j.is_string() && !j.get<std::string>().empty() && IsValidUtf8(j.get<std::string>());
}

}  // namespace

Result<ItemWording> ParseItemWording(const InstrumentDefinition& instrument, const Json& json) {
  if (!json.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "must be a JSON object");
  std::vector<FieldError> errors;
  ItemWording wording;
  for (const auto& [key, value] : json.items()) {
    if (key == "items" || key == "anchors") continue;
    std::string* target = key == "instrument" ? &wording.instrument_id
                          : key == "version"  ? &wording.instrument_version
                          : key == "language" ? &wording.language
                          : key == "licence"  ? &wording.licence
                                              : nullptr;
    if (!target)
      errors.push_back({key, "unknown key"});
    else if (!IsText(value))
      errors.push_back({key, "must be non-empty text"});
    else
      *target = value.get<std::string>();
  }
  for (const char* required : {"instrument", "version", "language", "licence"})
    if (!json.contains(required)) errors.push_back({required, "is required"});
  if (json.contains("instrument") && wording.instrument_id != instrument.id)
    errors.push_back({"instrument", "must be " + instrument.id});
  if (json.contains("version") && wording.instrument_version != instrument.version)
    errors.push_back({"version", "must be the definition's version, " + instrument.version});

  const Json items = json.value("items", Json::object());
  const Json anchors = json.value("anchors", Json::object());
  if (!items.is_object()) errors.push_back({"items", "must be an object of item id to text"});
  if (!anchors.is_object()) errors.push_back({"anchors", "must be an object of item id to labels"});
  if (!errors.empty()) return Error::Validation(std::move(errors));

  for (const auto& [id, text] : items.items()) {
    if (!instrument.ItemIndex(id))
      errors.push_back({"items/" + id, "is not an item of " + instrument.id});
    else if (!IsText(text))
      errors.push_back({"items/" + id, "must be non-empty text"});
    else
      wording.items[id] = text.get<std::string>();
  }
  for (const auto& [id, labels] : anchors.items()) {
    auto index = instrument.ItemIndex(id);
    if (!index) {
      errors.push_back({"anchors/" + id, "is not an item of " + instrument.id});
      continue;
    }
    const ItemDefinition& item = instrument.items[*index];
    const size_t answers = static_cast<size_t>(item.max - item.min + 1);
    bool all_text = labels.is_array();
    for (const auto& label : labels) all_text = all_text && IsText(label);
    if (!all_text || labels.size() != answers)
      errors.push_back({"anchors/" + id, "must be " + std::to_string(answers) + " labels, one per answer"});
    else
      wording.anchors[id] = labels.get<std::vector<std::string>>();
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return wording;
}

}  // namespace kneeregen::scoring
