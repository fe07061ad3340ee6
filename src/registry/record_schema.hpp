// Clinic-scoped record kinds described as data. One description drives validation, the SQL the store
// builds (column names only ever come from here, never from a request), the API routes, the OpenAPI
// document and the generated authorization tests. Adding a record kind means adding a schema and a
// migration, not new plumbing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json_body.hpp"
#include "registry/roles.hpp"

namespace kneeregen {

enum class FieldKind { kText, kInteger, kNumber, kBoolean, kDate, kEnum, kRef, kJson };

class ReadTransaction;
class WriteTransaction;
struct Actor;

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::kText;
  std::string description;
  bool required = false;
  bool immutable = false;        // set at creation, never changed by an update
  bool filterable = false;       // may be used as ?name=value on the list route
  bool identifies_person = false;  // a HIPAA identifier: never in logs or de-identified exports
  bool free_text = false;          // narrative text: left out of de-identified exports
  Json default_value;              // stored when a create leaves the field out

  // Text: length in Unicode code points and an optional character check.
  size_t max_length = 200;
  std::function<bool(const std::string&)> text_check;
  std::string text_check_message;

  // Integer and number bounds, inclusive unless stated.
  std::optional<double> min;
  std::optional<double> max;
  bool min_exclusive = false;

  // Date bounds: not after today, not before this year.
  bool not_future = false;
  int min_year = 1900;

  std::vector<std::string> values;  // enum values

  // Ref: the id of a record of `ref_resource` in the same clinic. When `ref_match` names a field, the
  // referenced record's value of that field must equal this record's (a knee must belong to the patient).
  std::string ref_resource;
  std::string ref_match;

  // Derived: not sent by the client; copied from the record that field `derive_via` references.
  std::string derive_via;
  // Computed: not sent by the client; filled by the schema's `prepare` (a quote's total, a consent's hash).
  bool computed = false;

  // Json: a structured value (a plan request, a price list). `json_check` returns its problems with paths
  // inside the value ("sites/0/site"); `json_schema` describes it in the API document.
  std::function<std::vector<FieldError>(const Json&)> json_check;
  Json json_schema;

  Json example;  // a valid value, used by the API description and the generated tests

  bool client_writable() const { return derive_via.empty() && !computed; }
};

// What a schema's `prepare` sees: the record as it will be stored (references resolved, derived fields
// filled), the stored record on an update (null on a create), and the transaction to read other records
// of the same clinic with.
struct RecordContext {
  ReadTransaction& tx;
  int64_t clinic_id = 0;
  Json& record;
  const Json* before = nullptr;
  bool creating() const { return before == nullptr; }
};

struct RecordSchema {
  std::string resource;  // URL segment and object type in the audit: "patients"
  std::string table;     // SQL table
  std::string title;     // "Patient"
  std::string description;
  std::vector<FieldSpec> fields;
  // Field holding the patient id this record belongs to ("id" for patients themselves), for the audit.
  std::string patient_field;
  // Fields matched case-insensitively by prefix for ?q= on the list route.
  std::vector<std::string> search_fields;
  // Field sets unique within a clinic ({"mrn"}, {"patient_id", "side"}); the database enforces them too.
  std::vector<std::vector<std::string>> unique_keys;
  AccessPolicy policy;
  // Rules across fields of one record; receives the full record as it would be stored.
  std::function<std::vector<FieldError>(const Json& record)> cross_check;
  // Rules that need other records or the clinic's settings (a session needs a signed consent, a payment
  // may not exceed the balance), run inside the write transaction; fills the computed fields.
  std::function<Status(RecordContext&)> prepare;
  // Work that follows from a stored change in the same transaction (a course's follow-up schedule when its
  // sessions are planned or performed). `stored` is the record as now stored.
  // `actor` is who made the change, for the audit rows of what follows from it.
  std::function<Status(WriteTransaction& tx, const Actor& actor, const Json& stored)> after_write;

  // A kind nobody may update is append-only: corrections are new records (a refund, a withdrawal), and
  // it has no PATCH route.
  bool append_only() const { return policy.update.empty(); }

  const FieldSpec* Field(const std::string& name) const;
};

// Every record kind, in dependency order (a referenced kind comes before the kinds referencing it).
const std::vector<RecordSchema>& AllRecordSchemas();
const RecordSchema* FindRecordSchema(const std::string& resource);

// Checks a create body: every field known, of its type and range, required ones present. Returns the
// record as it will be stored (client-writable fields only; absent optional fields as null).
Result<Json> ValidateNewRecord(const RecordSchema& schema, const Json& body);
// Checks a partial update against the stored record. Returns only the fields that change.
Result<Json> ValidateRecordChanges(const RecordSchema& schema, const Json& body, const Json& stored);

}  // namespace kneeregen
