#include <cmath>

#include "core/result.hpp"
#include "core/time.hpp"
#include "registry/record_schema.hpp"

namespace kneeregen {

namespace {

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string Bound(double v) {
  return v == std::floor(v) ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
}

std::optional<std::string> CheckNumberRange(const FieldSpec& f, double v) {
  bool below = f.min && (f.min_exclusive ? v <= *f.min : v < *f.min);
  if (below || (f.max && v > *f.max)) {
    std::string range = (f.min_exclusive ? "greater than " : "at least ") + Bound(f.min.value_or(0));
    if (f.max) range += " and at most " + Bound(*f.max);
    return "must be " + range;
  }
  return std::nullopt;
}

// Returns an error message, or nothing when `value` (not null) fits the field.
std::optional<std::string> CheckValue(const FieldSpec& f, const Json& value) {
  switch (f.kind) {
    case FieldKind::kText: {
      if (!value.is_string()) return "must be a string";
      const auto& s = value.get_ref<const std::string&>();
      if (s.empty() && f.required) return "must not be empty";
      if (CodePoints(s) > f.max_length) return "must be at most " + std::to_string(f.max_length) + " characters";
      if (f.text_check && !s.empty() && !f.text_check(s)) return f.text_check_message;
      return std::nullopt;
    }
    case FieldKind::kInteger:
    case FieldKind::kRef: {
      if (!value.is_number_integer()) return "must be an integer";
      if (f.kind == FieldKind::kRef && value.get<long long>() <= 0) return "must be a positive id";
      return CheckNumberRange(f, value.get<double>());
    }
    case FieldKind::kNumber: {
      if (!value.is_number()) return "must be a number";
      double v = value.get<double>();
      if (!std::isfinite(v)) return "must be a finite number";
      return CheckNumberRange(f, v);
    }
    case FieldKind::kBoolean:
      if (!value.is_boolean()) return "must be true or false";
      return std::nullopt;
    case FieldKind::kDate: {
      if (!value.is_string()) return "must be a date as YYYY-MM-DD";
      auto date = ParseDate(value.get_ref<const std::string&>());
      if (!date) return "must be a real calendar date as YYYY-MM-DD";
      if (static_cast<int>(date->year()) < f.min_year)
        return "must not be before " + std::to_string(f.min_year);
      if (f.not_future && std::chrono::sys_days{*date} > std::chrono::sys_days{TodayUtc()})
        return "must not be in the future";
      return std::nullopt;
    }
    case FieldKind::kEnum: {
      if (!value.is_string()) return "must be one of: " + Join(f.values);
      for (const auto& v : f.values)
        if (v == value.get_ref<const std::string&>()) return std::nullopt;
      return "must be one of: " + Join(f.values);
    }
    case FieldKind::kJson:
      if (!value.is_object() && !value.is_array()) return "must be a JSON object or array";
      return std::nullopt;
  }
  return std::nullopt;
}

// Appends the problems of a non-null value; a JSON value's own problems are named by their path inside it.
void CheckField(const FieldSpec& f, const Json& value, std::vector<FieldError>& errors) {
  if (auto problem = CheckValue(f, value)) {
    errors.push_back({f.name, *problem});
    return;
  }
  if (f.kind != FieldKind::kJson || !f.json_check) return;
  for (auto& e : f.json_check(value))
    errors.push_back({e.field.empty() ? f.name : f.name + "/" + e.field, std::move(e.message)});
}

void CheckUnknownFields(const RecordSchema& schema, const Json& body, std::vector<FieldError>& errors) {
  for (const auto& [key, value] : body.items()) {
    const FieldSpec* f = schema.Field(key);
    if (!f) errors.push_back({key, "is not a field of " + schema.title});
    else if (!f->client_writable()) errors.push_back({key, "is set by the server and cannot be sent"});
  }
}

void RunCrossCheck(const RecordSchema& schema, const Json& record, std::vector<FieldError>& errors) {
  if (errors.empty() && schema.cross_check)
    for (auto& e : schema.cross_check(record)) errors.push_back(std::move(e));
}

}  // namespace

const FieldSpec* RecordSchema::Field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

Result<Json> ValidateNewRecord(const RecordSchema& schema, const Json& body) {
  if (!body.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "the body must be a JSON object");
  std::vector<FieldError> errors;
  CheckUnknownFields(schema, body, errors);
  Json record = Json::object();
  for (const auto& f : schema.fields) {
    if (!f.client_writable()) continue;
    auto it = body.find(f.name);
    if (it == body.end() || it->is_null()) {
      if (f.required) errors.push_back({f.name, "is required"});
      record[f.name] = it == body.end() ? f.default_value : nullptr;
      continue;
    }
    CheckField(f, *it, errors);
    record[f.name] = *it;
  }
  RunCrossCheck(schema, record, errors);
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return record;
}

Result<Json> ValidateRecordChanges(const RecordSchema& schema, const Json& body, const Json& stored) {
  if (!body.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "the body must be a JSON object");
  std::vector<FieldError> errors;
  CheckUnknownFields(schema, body, errors);
  Json changes = Json::object();
  Json merged = stored;
  for (const auto& [key, value] : body.items()) {
    const FieldSpec* f = schema.Field(key);
    if (!f || !f->client_writable()) continue;
    if (value == stored.value(key, Json())) continue;
    if (f->immutable) {
      errors.push_back({key, "cannot be changed once the record exists"});
      continue;
    }
    if (value.is_null()) {
      if (f->required) errors.push_back({key, "is required and cannot be cleared"});
    } else {
      CheckField(*f, value, errors);
    }
    changes[key] = value;
    merged[key] = value;
  }
  RunCrossCheck(schema, merged, errors);
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return changes;
}

}  // namespace kneeregen
