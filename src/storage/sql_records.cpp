// Record rows: SQL built from RecordSchema field names only, with every value bound.
#include <algorithm>

#include "core/time.hpp"
#include "storage/sql_transaction.hpp"

namespace kneeregen {

namespace {

constexpr const char* kBaseColumns = "id, version, created_at, updated_at, synthetic";
constexpr size_t kBaseColumnCount = 5;
constexpr const char* kPartialBaseColumns = "id, synthetic";
constexpr size_t kPartialBaseColumnCount = 2;

// The fields a read fetches: all of the schema's, or the chosen ones.
std::vector<const FieldSpec*> FetchedFields(const RecordSchema& schema, const std::vector<const FieldSpec*>& chosen) {
  if (!chosen.empty()) return chosen;
  std::vector<const FieldSpec*> all;
  for (const auto& f : schema.fields) all.push_back(&f);
  return all;
}

// A partial read (chosen fields) is a scan over many records: it reads only the id and the synthetic flag
// besides the fields named, and its records hold no other key. Every key is a map node to build and free,
// so leaving the unread ones out (rather than null) is most of what makes a partial read cheap.
bool IsPartial(const RecordSchema& schema, const std::vector<const FieldSpec*>& fields) {
  return fields.size() < schema.fields.size();
}

std::string SelectList(const RecordSchema& schema, const std::vector<const FieldSpec*>& fields) {
  std::string sql = IsPartial(schema, fields) ? kPartialBaseColumns : kBaseColumns;
  for (const FieldSpec* f : fields) sql += ", " + f->name;
  return sql;
}

SqlValue ToSql(const FieldSpec& f, const Json& value) {
  if (value.is_null()) return std::monostate{};
  switch (f.kind) {
    case FieldKind::kInteger:
    case FieldKind::kRef: return value.get<int64_t>();
    case FieldKind::kNumber: return value.get<double>();
    case FieldKind::kBoolean: return int64_t{value.get<bool>() ? 1 : 0};
    case FieldKind::kJson: return value.dump();
    default: return value.get<std::string>();
  }
}

Json FromSql(const FieldSpec& f, const SqlValue& cell) {
  if (CellIsNull(cell)) return nullptr;
  switch (f.kind) {
    case FieldKind::kInteger:
    case FieldKind::kRef: return CellInt(cell);
    case FieldKind::kNumber: return CellReal(cell);
    case FieldKind::kBoolean: return CellInt(cell) != 0;
    case FieldKind::kJson: return Json::parse(CellText(cell));
    default: return CellText(cell);
  }
}

Json RowToRecord(const RecordSchema& schema, const std::vector<const FieldSpec*>& fields,
                 const std::vector<SqlValue>& row) {
  Json record = Json::object();
  record["id"] = CellInt(row[0]);
  const bool partial = IsPartial(schema, fields);
  const size_t first_field = partial ? kPartialBaseColumnCount : kBaseColumnCount;
  record["synthetic"] = CellInt(row[first_field - 1]) != 0;  // the last base column of either list
  if (!partial) {
    record["version"] = CellInt(row[1]);
    record["created_at"] = CellText(row[2]);
    record["updated_at"] = CellText(row[3]);
  }
  for (size_t i = 0; i < fields.size(); ++i)
    record[fields[i]->name] = FromSql(*fields[i], row[first_field + i]);
  return record;
}

// LIKE pattern for a case-insensitive prefix match, with the wildcard characters of the input escaped.
std::string PrefixPattern(const std::string& text) {
  std::string out;
  for (char c : text) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower == '%' || lower == '_' || lower == '\\') out += '\\';
    out += lower;
  }
  return out + "%";
}

}  // namespace

std::optional<Json> SqlTransaction::GetRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id) {
  const auto fields = FetchedFields(schema, {});
  auto result = db_.Query(
      "SELECT " + SelectList(schema, fields) + " FROM " + schema.table + " WHERE clinic_id = ? AND id = ?",
      {clinic_id, id});
  if (result.rows.empty()) return std::nullopt;
  return RowToRecord(schema, fields, result.rows[0]);
}

RecordPage SqlTransaction::ListRecords(const RecordSchema& schema, int64_t clinic_id, const ListQuery& query) {
  const auto fields = FetchedFields(schema, query.fields);
  std::string sql =
      "SELECT " + SelectList(schema, fields) + " FROM " + schema.table + " WHERE clinic_id = ?";
  std::vector<SqlValue> params = {clinic_id};
  if (query.after_id > 0 || !query.newest_first) {
    sql += query.newest_first ? " AND id < ?" : " AND id > ?";
    params.push_back(query.after_id);
  }
  for (const auto& [field, value] : query.filters) {
    if (value.is_null()) {
      sql += " AND " + field->name + " IS NULL";
    } else {
      sql += " AND " + field->name + " = ?";
      params.push_back(ToSql(*field, value));
    }
  }
  if (!query.search.empty() && !schema.search_fields.empty()) {
    std::string any;
    // lower() on both sides: the database's lower() may fold more than ASCII (PostgreSQL folds "Ö" too).
    for (const auto& name : schema.search_fields) {
      any += (any.empty() ? "" : " OR ") + ("lower(" + name + ") LIKE lower(?) ESCAPE '\\'");
      params.push_back(PrefixPattern(query.search));
    }
    sql += " AND (" + any + ")";
  }
  sql += query.newest_first ? " ORDER BY id DESC LIMIT ?" : " ORDER BY id LIMIT ?";
  params.push_back(int64_t{query.limit + 1});
  auto result = db_.Query(sql, params);
  RecordPage page;
  for (size_t i = 0; i < result.rows.size() && i < static_cast<size_t>(query.limit); ++i)
    page.items.push_back(RowToRecord(schema, fields, result.rows[i]));
  if (result.rows.size() > static_cast<size_t>(query.limit)) page.next_after_id = page.items.back()["id"];
  return page;
}

std::optional<int64_t> SqlTransaction::FindByKey(const RecordSchema& schema, int64_t clinic_id,
                                                 const std::vector<std::string>& key, const Json& values,
                                                 int64_t except_id) {
  std::string sql = "SELECT id FROM " + schema.table + " WHERE clinic_id = ? AND id <> ?";
  std::vector<SqlValue> params = {clinic_id, except_id};
  for (const auto& name : key) {
    const FieldSpec* f = schema.Field(name);
    sql += " AND " + f->name + " = ?";
    params.push_back(ToSql(*f, values.at(name)));
  }
  auto result = db_.Query(sql + " LIMIT 1", params);
  if (result.rows.empty()) return std::nullopt;
  return CellInt(result.rows[0][0]);
}

int64_t SqlTransaction::CountRecords(const RecordSchema& schema, int64_t clinic_id) {
  return CellInt(db_.Query("SELECT count(*) FROM " + schema.table + " WHERE clinic_id = ?", {clinic_id})
                     .rows[0][0]);
}

int64_t SqlTransaction::InsertRecord(const RecordSchema& schema, int64_t clinic_id, const Json& record,
                                     bool synthetic) {
  std::string now = NowTimestamp();
  std::string columns = "clinic_id, created_at, updated_at, synthetic";
  std::string marks = "?, ?, ?, ?";
  std::vector<SqlValue> params = {clinic_id, now, now, int64_t{synthetic ? 1 : 0}};
  for (const auto& f : schema.fields) {
    columns += ", " + f.name;
    marks += ", ?";
    auto it = record.find(f.name);
    params.push_back(it == record.end() ? SqlValue{} : ToSql(f, *it));
  }
  auto result = db_.Query("INSERT INTO " + schema.table + " (" + columns + ") VALUES (" + marks + ") RETURNING id",
                          params);
  return CellInt(result.rows.at(0).at(0));
}

bool SqlTransaction::UpdateRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id, const Json& changes,
                                  int64_t expected_version) {
  std::string sql = "UPDATE " + schema.table + " SET version = version + 1, updated_at = ?";
  std::vector<SqlValue> params = {NowTimestamp()};
  for (const auto& f : schema.fields) {
    auto it = changes.find(f.name);
    if (it == changes.end()) continue;
    sql += ", " + f.name + " = ?";
    params.push_back(ToSql(f, *it));
  }
  sql += " WHERE clinic_id = ? AND id = ? AND version = ? RETURNING id";
  params.insert(params.end(), {clinic_id, id, expected_version});
  return !db_.Query(sql, params).rows.empty();
}

std::optional<std::pair<int64_t, int64_t>> SqlTransaction::FindSurveyInvitation(const std::string& token_hash) {
  auto result = db_.Query("SELECT clinic_id, id FROM survey_invitations WHERE token_hash = ?", {token_hash});
  if (result.rows.empty()) return std::nullopt;
  return std::pair{CellInt(result.rows[0][0]), CellInt(result.rows[0][1])};
}

}  // namespace kneeregen
