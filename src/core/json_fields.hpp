// Reading a JSON object field by field with every problem reported under its full path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json_body.hpp"

namespace kneeregen {

// Reads one JSON object key by key, appending a FieldError with the full path ("sites/2/site") for each
// missing, mistyped or out-of-range value; Finish() reports the keys nobody asked for, so a misspelt key
// is an error rather than a silently ignored setting. Shared by every reader of structured
// settings and request bodies.
class JsonFieldReader {
 public:
  JsonFieldReader(const Json& object, std::string path, std::vector<FieldError>& errors);

  bool is_object() const { return object_.is_object(); }
  bool Has(std::string_view key) const;
  std::string PathOf(std::string_view key) const;
  std::optional<std::string> Text(std::string_view key, bool required = true);
  std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max, bool required = true);
  std::optional<bool> Boolean(std::string_view key, bool required = true);
  // The value under `key` if present (any type); marks the key as read.
  const Json* Value(std::string_view key, bool required = true);
  const Json* Array(std::string_view key, bool required = true);
  void Fail(std::string_view key, std::string message);
  void Finish();

 private:
  const Json& object_;
  std::string path_;
  std::vector<FieldError>& errors_;
  std::vector<std::string> read_;
};

}  // namespace kneeregen
