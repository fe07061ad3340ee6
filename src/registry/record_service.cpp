#include "registry/record_service.hpp"


#include "core/text.hpp"

namespace kneeregen {

namespace {

// A query-string value as the JSON value the field stores, or nothing when it does not fit the field.
std::optional<Json> FilterValue(const FieldSpec& f, const std::string& text) {
  switch (f.kind) {
    case FieldKind::kRef:
    case FieldKind::kInteger: {
      auto v = ParseNonNegativeInt(text);
      if (!v) return std::nullopt;
      return Json(*v);
    }
    case FieldKind::kBoolean:
      if (text == "true" || text == "false") return Json(text == "true");
      return std::nullopt;
    case FieldKind::kEnum:
      for (const auto& v : f.values)
        if (v == text) return Json(text);
      return std::nullopt;
    default:
      return Json(text);
  }
}

std::optional<int64_t> PatientOf(const RecordSchema& schema, const Json& record) {
  if (schema.patient_field.empty()) return std::nullopt;
  const Json& v = record.at(schema.patient_field);
  if (!v.is_number_integer()) return std::nullopt;
  return v.get<int64_t>();
}

// Looks up every referenced record inside the actor's clinic, checks ref_match rules, and fills derived
// fields. A reference to another clinic's record reads exactly like a reference to nothing.
Status ResolveReferences(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id, Json& record) {
  std::vector<FieldError> errors;
  std::map<std::string, Json> referenced;
  for (const auto& f : schema.fields) {
    if (f.kind != FieldKind::kRef || !f.client_writable() || record[f.name].is_null()) continue;
    const RecordSchema* target = FindRecordSchema(f.ref_resource);
    auto found = tx.GetRecord(*target, clinic_id, record[f.name].get<int64_t>());
    if (!found) {
      errors.push_back({f.name, "no such " + target->title + " in this clinic"});
      continue;
    }
    if (!f.ref_match.empty() && (*found)[f.ref_match] != record[f.ref_match])
      errors.push_back({f.name, "belongs to another " + f.ref_match.substr(0, f.ref_match.find("_id"))});
    referenced[f.name] = std::move(*found);
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  for (const auto& f : schema.fields)
    if (!f.derive_via.empty()) record[f.name] = referenced.at(f.derive_via)[f.name];
  return Ok{};
}

Status CheckUniqueKeys(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id, const Json& record,
                       int64_t except_id) {
  for (const auto& key : schema.unique_keys) {
    if (!tx.FindByKey(schema, clinic_id, key, record, except_id)) continue;
    std::string fields;
    for (const auto& name : key) fields += (fields.empty() ? "" : ",") + name;
    return Error::Field(ErrorCode::kConflict, key.back(), "is already used by another " + schema.title +
                                                             (key.size() > 1 ? " (" + fields + ")" : ""));
  }
  return Ok{};
}

}  // namespace

Result<ListQuery> ParseListQuery(const RecordSchema& schema, const std::multimap<std::string, std::string>& params) {
  ListQuery query;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : params) {
    if (!IsCleanText(name) || !IsCleanText(value)) {
      errors.push_back({IsCleanText(name) ? name : "", "must be valid UTF-8 without control characters"});
    } else if (name == "limit") {
      auto v = ParseNonNegativeInt(value);
      if (!v || *v < 1) errors.push_back({"limit", "must be a whole number from 1 to 200"});
      else query.limit = static_cast<int>(std::min<int64_t>(*v, kMaxPageSize));
    } else if (name == "cursor") {
      auto v = ParseNonNegativeInt(value);
      if (!v) errors.push_back({"cursor", "is not a cursor this server returned"});
      else query.after_id = *v;
    } else if (name == "q" && !schema.search_fields.empty()) {
      if (value.size() > 100) errors.push_back({"q", "must be at most 100 characters"});
      query.search = value;
    } else if (const FieldSpec* f = schema.Field(name); f && f->filterable) {
      auto v = FilterValue(*f, value);
      if (!v) errors.push_back({name, "is not a valid value for this filter"});
      else query.filters.emplace_back(f, std::move(*v));
    } else {
      errors.push_back({name, "is not a query parameter of this list"});
    }
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return query;
}

Result<Json> RecordService::Create(const Actor& actor, const RecordSchema& schema, const Json& body) {
  if (auto permitted = schema.policy.Check(actor.role, Action::kCreate); !permitted) return permitted.error();
  auto validated = ValidateNewRecord(schema, body);
  if (!validated) return validated.error();
  Json record = std::move(*validated);
  Json stored;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    if (auto resolved = ResolveReferences(tx, schema, actor.clinic_id, record); !resolved) return resolved;
    if (schema.prepare) {
      RecordContext context{.tx = tx, .clinic_id = actor.clinic_id, .record = record};
      if (auto prepared = schema.prepare(context); !prepared) return prepared;
    }
    if (auto unique = CheckUniqueKeys(tx, schema, actor.clinic_id, record, 0); !unique) return unique;
    int64_t id = tx.InsertRecord(schema, actor.clinic_id, record, false);
    stored = *tx.GetRecord(schema, actor.clinic_id, id);
    if (schema.after_write)
      if (auto followed = schema.after_write(tx, actor, stored); !followed) return followed;
    AuditEntry entry = actor.Audit("create", schema.resource, id);
    entry.patient_id = PatientOf(schema, stored);
    entry.after_json = stored.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return stored;
}

Result<Json> RecordService::Get(const Actor& actor, const RecordSchema& schema, int64_t id) {
  if (auto permitted = schema.policy.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  std::optional<Json> found;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    found = tx.GetRecord(schema, actor.clinic_id, id);
    return Ok{};
  });
  if (!status) return status.error();
  if (!found) return Error::NotFound();
  return std::move(*found);
}

Result<RecordPage> RecordService::List(const Actor& actor, const RecordSchema& schema, const ListQuery& query) {
  if (auto permitted = schema.policy.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  RecordPage page;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    page = tx.ListRecords(schema, actor.clinic_id, query);
    return Ok{};
  });
  if (!status) return status.error();
  return page;
}

Result<Json> RecordService::Update(const Actor& actor, const RecordSchema& schema, int64_t id, const Json& body,
                                   std::optional<int64_t> expected_version) {
  if (auto permitted = schema.policy.Check(actor.role, Action::kUpdate); !permitted) return permitted.error();
  Json stored;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto before = tx.GetRecord(schema, actor.clinic_id, id);
    if (!before) return Error::NotFound();
    int64_t version = (*before)["version"].get<int64_t>();
    if (expected_version && *expected_version != version) return Error{ErrorCode::kPreconditionFailed, "", {}};
    auto changes = ValidateRecordChanges(schema, body, *before);
    if (!changes) return changes.error();
    if (changes->empty()) {
      stored = *before;
      return Ok{};
    }
    Json merged = *before;
    merged.update(*changes);
    if (schema.prepare) {
      RecordContext context{.tx = tx, .clinic_id = actor.clinic_id, .record = merged, .before = &*before};
      if (auto prepared = schema.prepare(context); !prepared) return prepared;
      for (const auto& f : schema.fields)
        if (f.computed && merged[f.name] != (*before)[f.name]) (*changes)[f.name] = merged[f.name];
    }
    if (auto unique = CheckUniqueKeys(tx, schema, actor.clinic_id, merged, id); !unique) return unique;
    if (!tx.UpdateRecord(schema, actor.clinic_id, id, *changes, version))
      return Error{ErrorCode::kPreconditionFailed, "", {}};
    stored = *tx.GetRecord(schema, actor.clinic_id, id);
    if (schema.after_write)
      if (auto followed = schema.after_write(tx, actor, stored); !followed) return followed;
    Json old_values = Json::object();
    for (const auto& [key, value] : changes->items()) old_values[key] = (*before)[key];
    AuditEntry entry = actor.Audit("update", schema.resource, id);
    entry.patient_id = PatientOf(schema, stored);
    entry.before_json = old_values.dump();
    entry.after_json = changes->dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return stored;
}

}  // namespace kneeregen
