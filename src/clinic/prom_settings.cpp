#include "clinic/prom_settings.hpp"

#include <algorithm>

#include "clinic/catalogue.hpp"

namespace kneeregen {

namespace {

std::vector<std::string> ReadInstruments(JsonFieldReader& r, const char* key, const std::vector<std::string>& known,
                                         std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  const Json* list = r.Array(key);
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& v = (*list)[i];
    std::string path = r.PathOf(key) + "/" + std::to_string(i);
    if (!v.is_string() || std::find(known.begin(), known.end(), v.get<std::string>()) == known.end())
      errors.push_back({path, "is not an instrument this server scores"});
    else if (std::find(out.begin(), out.end(), v.get<std::string>()) != out.end())
      errors.push_back({path, "is listed twice"});
    else
      out.push_back(v.get<std::string>());
  }
  if (out.empty() && errors.empty()) errors.push_back({r.PathOf(key), "must name at least one instrument"});
  return out;
}

}  // namespace

Result<PromSettings> PromSettings::FromJson(const Json& json, const std::vector<std::string>& known_instruments) {
  std::vector<FieldError> errors;
  JsonFieldReader r(json, "", errors);
  PromSettings s;
  if (!r.is_object()) return Error::Validation(std::move(errors));
  if (const Json* schedule = r.Value("schedule")) {
    auto parsed = FollowUpSettings::FromJson(*schedule);
    if (parsed) s.schedule = std::move(*parsed);
    else
      for (const auto& e : parsed.error().fields) errors.push_back({"schedule/" + e.field, e.message});
  }
  s.baseline_instruments = ReadInstruments(r, "baseline_instruments", known_instruments, errors);
  s.follow_up_instruments = ReadInstruments(r, "follow_up_instruments", known_instruments, errors);
  s.link_valid_days = static_cast<int>(r.Integer("link_valid_days", 1, 180).value_or(30));
  s.reminder_days.clear();
  if (const Json* days = r.Array("reminder_days")) {
    int previous = 0;
    for (size_t i = 0; i < days->size(); ++i) {
      const Json& d = (*days)[i];
      if (!d.is_number_integer() || d.get<int64_t>() <= previous || d.get<int64_t>() > 180)
        errors.push_back({"reminder_days/" + std::to_string(i), "must be whole days, increasing, at most 180"});
      else previous = d.get<int>();
      if (d.is_number_integer()) s.reminder_days.push_back(d.get<int>());
    }
  }
  s.call_after_days = static_cast<int>(r.Integer("call_after_days", 1, 365).value_or(10));
  if (!s.reminder_days.empty() && s.call_after_days <= s.reminder_days.back())
    errors.push_back({"call_after_days", "must come after the last reminder"});
  r.Finish();
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return s;
}

Json PromSettings::ToJson() const {
  return {{"schedule", schedule.ToJson()},
          {"baseline_instruments", baseline_instruments},
          {"follow_up_instruments", follow_up_instruments},
          {"link_valid_days", link_valid_days},
          {"reminder_days", reminder_days},
          {"call_after_days", call_after_days}};
}

}  // namespace kneeregen
