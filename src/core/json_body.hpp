// Strict JSON for request bodies: a duplicate key, a NUL or other control character inside a string, or
// invalid UTF-8 is rejected instead of being silently accepted the way most parsers do.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.hpp"

namespace kneeregen {

using Json = nlohmann::json;

Result<Json> ParseStrictJson(std::string_view body);

}  // namespace kneeregen
