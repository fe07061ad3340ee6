#include "core/json_body.hpp"

#include "core/text.hpp"

#include <set>
#include <string>
#include <vector>

namespace kneeregen {

namespace {

constexpr int kMaxDepth = 32;

}  // namespace

Result<Json> ParseStrictJson(std::string_view body) {
  std::vector<std::set<std::string>> keys_per_object;
  std::string problem;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (!problem.empty()) return false;
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_per_object.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        keys_per_object.pop_back();
        break;
      case Json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!keys_per_object.back().insert(key).second) problem = "duplicate key \"" + key + "\"";
        if (HasControlCharacter(key)) problem = "a key contains a control character";
        break;
      }
      case Json::parse_event_t::value:
        if (parsed.is_string() && HasControlCharacter(parsed.get_ref<const std::string&>()))
          problem = "a string contains a control character";
        break;
      default:
        break;
    }
    if (depth > kMaxDepth) problem = "nesting deeper than 32 levels";
    return problem.empty();
  };
  Json value = Json::parse(body.begin(), body.end(), callback, /*allow_exceptions=*/false);
  if (!problem.empty()) return Error{ErrorCode::kMalformedJson, problem, {}};
  if (value.is_discarded()) return Error{ErrorCode::kMalformedJson, "the body is not valid UTF-8 JSON", {}};
  return value;
}

}  // namespace kneeregen
