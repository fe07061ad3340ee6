#include "storage/sql_store.hpp"

#include <spdlog/spdlog.h>

#include "storage/sql_transaction.hpp"

namespace kneeregen {

namespace {

// Runs `fn` in a transaction on `db`; commits only when it returns Ok, rolls back on any failure.
template <class Tx>
Status RunTransaction(SqlConnection& db, bool write, const std::string& audit_lock_sql,
                      const std::function<Status(Tx&)>& fn) {
  try {
    if (write) db.BeginWrite();
    else db.BeginRead();
    SqlTransaction tx(db, audit_lock_sql);
    Status status = fn(tx);
    if (status.ok()) db.Commit();
    else db.Rollback();
    return status;
  } catch (const SqlError& e) {
    db.Rollback();
    return ToError(e);
  } catch (...) {
    db.Rollback();  // the connection goes back to the pool clean, whatever ended the request
    throw;
  }
}

}  // namespace

Error ToError(const SqlError& e) {
  switch (e.failure()) {
    case SqlFailure::kUniqueViolation:
      return Error::Field(ErrorCode::kConflict, e.detail(), "is already used by another record");
    case SqlFailure::kConstraint:
      spdlog::warn("constraint rejected a write the validation accepted: {}", e.what());
      return Error{ErrorCode::kConflict, "the change breaks a rule of the stored data", {}};
    case SqlFailure::kFull:
      spdlog::error("database full: {}", e.what());
      return Error{ErrorCode::kStorageFull, "", {}};
    case SqlFailure::kBusy:
    case SqlFailure::kReadOnly:
    case SqlFailure::kUnavailable:
      spdlog::error("database unavailable: {}", e.what());
      return Error{ErrorCode::kUnavailable, "", {}};
    case SqlFailure::kOther:
      break;
  }
  spdlog::error("database error: {}", e.what());
  return Error{ErrorCode::kInternal, "", {}};
}

SqlStore::SqlStore(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

int SqlStore::schema_version() {
  try {
    auto db = pool_->Reader();
    return static_cast<int>(
        CellInt(db->Query("SELECT coalesce(max(version), 0) FROM schema_migrations").rows.at(0).at(0)));
  } catch (const SqlError&) {
    return 0;  // an unreachable database; health reports it through its own read
  }
}

Status SqlStore::Read(const std::function<Status(ReadTransaction&)>& fn) {
  auto db = pool_->Reader();
  return RunTransaction<ReadTransaction>(*db, false, "", fn);
}

Status SqlStore::RefreshStatistics() {
  try {
    auto db = pool_->Writer();
    db->Execute(pool_->AnalyzeSql());
    return Ok{};
  } catch (const SqlError& e) {
    return ToError(e);
  }
}

Status SqlStore::Write(const std::function<Status(WriteTransaction&)>& fn) {
  auto db = pool_->Writer();
  return RunTransaction<WriteTransaction>(*db, true, pool_->AuditLockSql(), fn);
}

}  // namespace kneeregen
