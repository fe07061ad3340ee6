// Candidacy screenings and clinic candidacy rules: fixed SQL with every value bound and clinic_id in every
// WHERE.
#include "core/time.hpp"
#include "storage/sql_transaction.hpp"

namespace kneeregen {

namespace {

constexpr const char* kScreeningColumns =
    "id, clinic_id, patient_id, screened_on, input_json, tier, reasons_json, rules_version, created_by, created_at";

SqlValue OptionalId(const std::optional<int64_t>& id) { return id ? SqlValue{*id} : SqlValue{}; }

std::optional<int64_t> OptionalCell(const SqlValue& cell) {
  if (CellIsNull(cell)) return std::nullopt;
  return CellInt(cell);
}

ScreeningRow RowToScreening(const std::vector<SqlValue>& row) {
  return ScreeningRow{.id = CellInt(row[0]),
                      .clinic_id = CellInt(row[1]),
                      .patient_id = CellInt(row[2]),
                      .screened_on = CellText(row[3]),
                      .input_json = CellText(row[4]),
                      .tier = CellText(row[5]),
                      .reasons_json = CellText(row[6]),
                      .rules_version = CellText(row[7]),
                      .created_by = OptionalCell(row[8]),
                      .created_at = CellText(row[9])};
}

}  // namespace

std::optional<ScreeningRow> SqlTransaction::GetScreening(int64_t clinic_id, int64_t id) {
  auto result = db_.Query(std::string("SELECT ") + kScreeningColumns +
                              " FROM screenings WHERE clinic_id = ? AND id = ?",
                          {clinic_id, id});
  if (result.rows.empty()) return std::nullopt;
  return RowToScreening(result.rows[0]);
}

std::vector<ScreeningRow> SqlTransaction::ListScreenings(int64_t clinic_id, std::optional<int64_t> patient_id,
                                                         int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + kScreeningColumns + " FROM screenings WHERE clinic_id = ? AND id > ?";
  std::vector<SqlValue> params = {clinic_id, after_id};
  if (patient_id) {
    sql += " AND patient_id = ?";
    params.push_back(*patient_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(int64_t{limit});
  std::vector<ScreeningRow> rows;
  for (const auto& row : db_.Query(sql, params).rows) rows.push_back(RowToScreening(row));
  return rows;
}

std::optional<CandidacyRulesRow> SqlTransaction::CurrentCandidacyRules(int64_t clinic_id) {
  auto result = db_.Query(
      "SELECT id, clinic_id, version, rules_json, created_by, created_at FROM candidacy_rules "
      "WHERE clinic_id = ? ORDER BY id DESC LIMIT 1",
      {clinic_id});
  if (result.rows.empty()) return std::nullopt;
  const auto& row = result.rows[0];
  return CandidacyRulesRow{.id = CellInt(row[0]),
                           .clinic_id = CellInt(row[1]),
                           .version = CellText(row[2]),
                           .rules_json = CellText(row[3]),
                           .created_by = OptionalCell(row[4]),
                           .created_at = CellText(row[5])};
}

bool SqlTransaction::CandidacyRulesVersionExists(int64_t clinic_id, const std::string& version) {
  return !db_.Query("SELECT id FROM candidacy_rules WHERE clinic_id = ? AND version = ? LIMIT 1",
                    {clinic_id, version})
              .rows.empty();
}

void SqlTransaction::InsertScreening(ScreeningRow& row) {
  row.created_at = NowTimestamp();
  auto result = db_.Query(
      "INSERT INTO screenings (clinic_id, patient_id, screened_on, input_json, tier, reasons_json, rules_version, "
      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {row.clinic_id, row.patient_id, row.screened_on, row.input_json, row.tier, row.reasons_json,
       row.rules_version, OptionalId(row.created_by), row.created_at});
  row.id = CellInt(result.rows.at(0).at(0));
}

void SqlTransaction::InsertCandidacyRules(CandidacyRulesRow& row) {
  row.created_at = NowTimestamp();
  auto result = db_.Query(
      "INSERT INTO candidacy_rules (clinic_id, version, rules_json, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {row.clinic_id, row.version, row.rules_json, OptionalId(row.created_by), row.created_at});
  row.id = CellInt(result.rows.at(0).at(0));
}

}  // namespace kneeregen
