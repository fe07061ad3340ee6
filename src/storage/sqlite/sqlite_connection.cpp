#include "storage/sqlite/sqlite_connection.hpp"

namespace kneeregen {

namespace {

constexpr int kBusyTimeoutMs = 5000;

SqlFailure Classify(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
                                       ? SqlFailure::kUniqueViolation
                                       : SqlFailure::kConstraint;
    case SQLITE_FULL: return SqlFailure::kFull;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return SqlFailure::kBusy;
    case SQLITE_READONLY: return SqlFailure::kReadOnly;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return SqlFailure::kUnavailable;
    default: return SqlFailure::kOther;
  }
}

// "UNIQUE constraint failed: patients.clinic_id, patients.mrn" -> "mrn" (clinic_id is implied everywhere).
std::string UniqueColumns(const std::string& message) {
  std::string out;
  auto colon = message.find(": ");
  if (colon == std::string::npos) return out;
  std::string rest = message.substr(colon + 2);
  size_t start = 0;
  while (start < rest.size()) {
    size_t end = rest.find(", ", start);
    std::string qualified = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string column = qualified.substr(qualified.find('.') + 1);
    if (column != "clinic_id") out += (out.empty() ? "" : ",") + column;
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool read_only, bool owns_checkpoints) {
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  try {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) Fail(rc, "cannot open the database");
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (!read_only) Execute("PRAGMA journal_mode = WAL");
    Execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF");
    if (!owns_checkpoints) Execute("PRAGMA wal_autocheckpoint = 0");
  } catch (...) {
    sqlite3_close_v2(db_);  // the destructor does not run when a constructor throws; a failed open still
    throw;                  // allocates a handle
  }
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void SqliteConnection::Fail(int rc, const std::string& context) {
  std::string message = context + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  SqlFailure failure = Classify(rc);
  throw SqlError(failure, message, failure == SqlFailure::kUniqueViolation ? UniqueColumns(message) : "");
}

void SqliteConnection::Execute(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqlError(Classify(rc), message);
  }
}

sqlite3_stmt* SqliteConnection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) Fail(rc, "cannot prepare a statement");
  statements_.emplace(sql, stmt);
  return stmt;
}

SqlRows SqliteConnection::Query(const std::string& sql, const std::vector<SqlValue>& params) {
  sqlite3_stmt* stmt = Prepare(sql);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const SqlValue& p = params[i];
    if (auto* v = std::get_if<int64_t>(&p)) sqlite3_bind_int64(stmt, index, *v);
    else if (auto* d = std::get_if<double>(&p)) sqlite3_bind_double(stmt, index, *d);
    else if (auto* s = std::get_if<std::string>(&p))
      sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    else sqlite3_bind_null(stmt, index);
  }
  SqlRows out;
  int columns = sqlite3_column_count(stmt);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      sqlite3_reset(stmt);
      Fail(rc, "statement failed");
    }
    std::vector<SqlValue> row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        default:
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  sqlite3_reset(stmt);
  return out;
}

void SqliteConnection::BeginRead() { Execute("BEGIN DEFERRED"); }
// IMMEDIATE takes the write lock up front, so a transaction never fails with BUSY when it first writes.
void SqliteConnection::BeginWrite() { Execute("BEGIN IMMEDIATE"); }
void SqliteConnection::Commit() { Execute("COMMIT"); }
void SqliteConnection::Rollback() {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace kneeregen
