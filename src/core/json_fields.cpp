#include "core/json_fields.hpp"

#include <algorithm>
#include <limits>

namespace kneeregen {

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

}  // namespace

JsonFieldReader::JsonFieldReader(const Json& object, std::string path, std::vector<FieldError>& errors)
    : object_(object), path_(std::move(path)), errors_(errors) {
  if (!object_.is_object()) errors_.push_back({path_, "must be a JSON object"});
}

bool JsonFieldReader::Has(std::string_view key) const {
  return object_.is_object() && object_.contains(key) && !object_.at(std::string(key)).is_null();
}

std::string JsonFieldReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "/" + std::string(key);
}

void JsonFieldReader::Fail(std::string_view key, std::string message) {
  errors_.push_back({PathOf(key), std::move(message)});
}

const Json* JsonFieldReader::Value(std::string_view key, bool required) {
  if (!object_.is_object()) return nullptr;
  read_.emplace_back(key);
  if (!Has(key)) {
    if (required) Fail(key, "is required");
    return nullptr;
  }
  return &object_.at(std::string(key));
}

std::optional<std::string> JsonFieldReader::Text(std::string_view key, bool required) {
  const Json* v = Value(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string() || v->get_ref<const std::string&>().empty()) {
    Fail(key, "must be a non-empty string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> JsonFieldReader::Integer(std::string_view key, int64_t min, int64_t max, bool required) {
  const Json* v = Value(key, required);
  if (!v) return std::nullopt;
  // Unsigned values above INT64_MAX would wrap, so they count as out of range, not as integers.
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(kMaxInt))) {
    Fail(key, "must be an integer");
    return std::nullopt;
  }
  int64_t n = v->get<int64_t>();
  if (n < min || n > max) {
    Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonFieldReader::Boolean(std::string_view key, bool required) {
  const Json* v = Value(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* JsonFieldReader::Array(std::string_view key, bool required) {
  const Json* v = Value(key, required);
  if (v && !v->is_array()) {
    Fail(key, "must be an array");
    return nullptr;
  }
  return v;
}

void JsonFieldReader::Finish() {
  if (!object_.is_object()) return;
  for (const auto& [key, value] : object_.items())
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) Fail(key, "is not a known key");
}

}  // namespace kneeregen
