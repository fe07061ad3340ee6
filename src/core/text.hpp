// Checks on text from outside (query strings, headers): valid UTF-8, and no control characters that a
// database, a log line or a C string would mangle.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kneeregen {

bool IsValidUtf8(std::string_view text);
bool HasControlCharacter(std::string_view text);
// Valid UTF-8 with no control characters.
inline bool IsCleanText(std::string_view text) { return IsValidUtf8(text) && !HasControlCharacter(text); }

// A whole number >= 0 written in plain decimal digits (ids, cursors, limits in query strings).
std::optional<int64_t> ParseNonNegativeInt(std::string_view text);

}  // namespace kneeregen
