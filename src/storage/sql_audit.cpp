// The audit trail in portable SQL: appends that extend the hash chain, the full rows for the audit log and
// verification, and the light "what changed since" reads that skip the before/after documents.
#include "core/time.hpp"
#include "storage/sql_transaction.hpp"

namespace kneeregen {

namespace {

constexpr const char* kAuditColumns =
    "id, at, user_id, username, role, clinic_id, action, object_type, object_id, patient_id, before_json, "
    "after_json, reason, request_id, ip, prev_hash, hash";

std::optional<int64_t> OptionalInt(const SqlValue& cell) {
  if (CellIsNull(cell)) return std::nullopt;
  return CellInt(cell);
}

SqlValue OptionalSql(const std::optional<int64_t>& v) { return v ? SqlValue{*v} : SqlValue{}; }

AuditEntry ToAudit(const std::vector<SqlValue>& r) {
  AuditEntry e;
  e.id = CellInt(r[0]);
  e.at = CellText(r[1]);
  e.user_id = OptionalInt(r[2]);
  e.username = CellText(r[3]);
  e.role = CellText(r[4]);
  e.clinic_id = OptionalInt(r[5]);
  e.action = CellText(r[6]);
  e.object_type = CellText(r[7]);
  e.object_id = OptionalInt(r[8]);
  e.patient_id = OptionalInt(r[9]);
  e.before_json = CellText(r[10]);
  e.after_json = CellText(r[11]);
  e.reason = CellText(r[12]);
  e.request_id = CellText(r[13]);
  e.ip = CellText(r[14]);
  e.prev_hash = CellText(r[15]);
  e.hash = CellText(r[16]);
  return e;
}

}  // namespace

std::vector<AuditEntry> SqlTransaction::ListAudit(std::optional<int64_t> clinic_id, int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit WHERE id > ?";
  std::vector<SqlValue> params = {after_id};
  if (clinic_id) {
    sql += " AND clinic_id = ?";
    params.push_back(*clinic_id);
  }
  params.push_back(int64_t{limit});
  std::vector<AuditEntry> out;
  for (const auto& r : db_.Query(sql + " ORDER BY id LIMIT ?", params).rows) out.push_back(ToAudit(r));
  return out;
}

// ORDER BY ... LIMIT 1 rather than max(): both planners turn it into one backward step on audit_by_clinic.
int64_t SqlTransaction::LatestAuditId(int64_t clinic_id) {
  auto rows = db_.Query("SELECT id FROM audit WHERE clinic_id = ? ORDER BY id DESC LIMIT 1", {clinic_id});
  return rows.rows.empty() ? 0 : CellInt(rows.rows[0][0]);
}

std::vector<AuditChange> SqlTransaction::ListAuditChanges(int64_t clinic_id, int64_t after_id, int limit) {
  // SQLite reads a negative LIMIT as "no limit" and PostgreSQL rejects it; neither means "at most `limit`".
  if (limit <= 0) return {};
  auto rows = db_.Query(
      "SELECT id, action, object_type, object_id, patient_id FROM audit "
      "WHERE clinic_id = ? AND id > ? ORDER BY id LIMIT ?",
      {clinic_id, after_id, int64_t{limit}});
  std::vector<AuditChange> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows)
    out.push_back(
        AuditChange{CellInt(r[0]), CellText(r[1]), CellText(r[2]), OptionalInt(r[3]), OptionalInt(r[4])});
  return out;
}

void SqlTransaction::AppendAudit(AuditEntry& e) {
  if (!audit_lock_sql_.empty()) db_.Execute(audit_lock_sql_);
  auto last = db_.Query("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
  e.id = last.rows.empty() ? 1 : CellInt(last.rows[0][0]) + 1;
  e.prev_hash = last.rows.empty() ? "" : CellText(last.rows[0][1]);
  if (e.at.empty()) e.at = NowTimestamp();
  e.hash = ComputeAuditHash(e, e.prev_hash);
  db_.Query(std::string("INSERT INTO audit (") + kAuditColumns +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {e.id, e.at, OptionalSql(e.user_id), e.username, e.role, OptionalSql(e.clinic_id), e.action,
             e.object_type, OptionalSql(e.object_id), OptionalSql(e.patient_id), e.before_json, e.after_json,
             e.reason, e.request_id, e.ip, e.prev_hash, e.hash});
}

}  // namespace kneeregen
