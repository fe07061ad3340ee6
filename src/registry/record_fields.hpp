// Building blocks for record schemas: one short constructor per field kind, so a schema reads as a list of
// fields rather than a list of struct initialisers.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "registry/record_schema.hpp"

namespace kneeregen::fields {

inline FieldSpec Text(std::string name, size_t max_length, std::string description, Json example) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kText, .description = std::move(description)};
  f.max_length = max_length;
  f.example = std::move(example);
  return f;
}

inline FieldSpec Enum(std::string name, std::vector<std::string> values, std::string description) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kEnum, .description = std::move(description)};
  f.example = values.front();
  f.values = std::move(values);
  return f;
}

inline FieldSpec Date(std::string name, std::string description, Json example) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kDate, .description = std::move(description)};
  f.not_future = true;
  f.example = std::move(example);
  return f;
}

inline FieldSpec Number(std::string name, FieldKind kind, double min, double max, std::string description,
                        Json example) {
  FieldSpec f{.name = std::move(name), .kind = kind, .description = std::move(description)};
  f.min = min;
  f.max = max;
  f.example = std::move(example);
  return f;
}

inline FieldSpec Ref(std::string name, std::string resource, std::string description) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kRef, .description = std::move(description)};
  f.ref_resource = std::move(resource);
  f.immutable = true;
  f.filterable = true;
  f.example = 1;
  return f;
}

inline FieldSpec Derived(std::string name, std::string via, std::string description) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kRef, .description = std::move(description)};
  f.derive_via = std::move(via);
  f.filterable = true;
  return f;
}

inline FieldSpec Required(FieldSpec f) {
  f.required = true;
  return f;
}

inline FieldSpec Checked(FieldSpec f, const char* pattern, std::string message) {
  f.text_check = [re = std::regex(pattern)](const std::string& s) { return std::regex_match(s, re); };
  f.text_check_message = std::move(message);
  return f;
}

inline FieldSpec Person(FieldSpec f) {
  f.identifies_person = true;
  return f;
}

inline FieldSpec Boolean(std::string name, std::string description, Json example,
                         Json default_value = nullptr) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kBoolean, .description = std::move(description)};
  f.example = std::move(example);
  f.default_value = std::move(default_value);
  return f;
}

// A date that may lie in the future (a planned session); Date() refuses those.
inline FieldSpec AnyDate(std::string name, std::string description, Json example) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kDate, .description = std::move(description)};
  f.example = std::move(example);
  return f;
}

// A structured value checked by `check`.
inline FieldSpec JsonValue(std::string name, std::string description, Json example,
                           std::function<std::vector<FieldError>(const Json&)> check, Json schema = nullptr) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kJson, .description = std::move(description)};
  f.example = std::move(example);
  f.json_check = std::move(check);
  f.json_schema = std::move(schema);
  return f;
}

// Filled by the schema's prepare step, read-only to clients. The example stays: it documents the value and
// lets storage tests insert a complete row.
inline FieldSpec Computed(FieldSpec f) {
  f.computed = true;
  return f;
}

inline FieldSpec Filterable(FieldSpec f) {
  f.filterable = true;
  return f;
}

inline FieldSpec FreeText(FieldSpec f) {
  f.free_text = true;
  return f;
}

using R = Role;

inline const AccessPolicy kStaffRegistry{
    .read = {R::kAdmin, R::kClinician, R::kCoordinator}, .create = {R::kAdmin}, .update = {R::kAdmin}};
inline const AccessPolicy kRegistration{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                                        .create = {R::kAdmin, R::kClinician, R::kCoordinator},
                                        .update = {R::kAdmin, R::kClinician, R::kCoordinator}};
// Clinical findings are entered by the people who examine patients or abstract their records.
inline const AccessPolicy kClinicalFinding{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                                           .create = {R::kClinician, R::kCoordinator},
                                           .update = {R::kClinician, R::kCoordinator}};

}  // namespace kneeregen::fields

namespace kneeregen {

// The record kinds of each area, in dependency order; AllRecordSchemas() lists the core kinds, then these.
std::vector<RecordSchema> ImagingRecordSchemas();           // records_imaging.cpp
std::vector<RecordSchema> CourseRecordSchemas();            // records_course.cpp
std::vector<RecordSchema> BillingRecordSchemas();           // records_billing.cpp
std::vector<RecordSchema> ConsentRecordSchemas();           // records_consent.cpp
std::vector<RecordSchema> TreatmentSessionRecordSchemas();  // records_sessions.cpp
std::vector<RecordSchema> SafetyRecordSchemas();            // records_safety.cpp
std::vector<RecordSchema> PromRecordSchemas();              // records_proms.cpp
// Last, so that a list walked in order records a course's sessions before a withdrawal ends its consent.
std::vector<RecordSchema> WithdrawalRecordSchemas();  // records_consent.cpp

}  // namespace kneeregen
