// One connection to a SQL database, the small surface the shared SQL store needs from a backend. SQL is
// written once with `?` placeholders; a backend rewrites them for its own syntax. Values are always bound,
// never spliced into the text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace kneeregen {

// A bound parameter or a fetched cell. PostgreSQL returns every cell as text; the store converts by the
// field kind it expects, so both backends read alike.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

struct SqlRows {
  std::vector<std::vector<SqlValue>> rows;
};

enum class SqlFailure {
  kUniqueViolation,  // detail names the constraint's columns, comma-separated
  kConstraint,       // another constraint (foreign key, check)
  kFull,             // disk or database size limit
  kBusy,             // lock not obtained in time
  kReadOnly,
  kUnavailable,      // connection lost, I/O error
  kOther,
};

class SqlError : public std::runtime_error {
 public:
  SqlError(SqlFailure failure, const std::string& message, std::string detail = "")
      : std::runtime_error(message), failure_(failure), detail_(std::move(detail)) {}
  SqlFailure failure() const { return failure_; }
  const std::string& detail() const { return detail_; }

 private:
  SqlFailure failure_;
  std::string detail_;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs one or more statements without parameters (migrations, pragmas, BEGIN/COMMIT).
  virtual void Execute(const std::string& sql) = 0;
  // Runs one statement with bound parameters and returns its rows. Prepared statements are cached by text.
  virtual SqlRows Query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual void BeginRead() = 0;
  virtual void BeginWrite() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;  // never throws
};

// Cell conversions shared by every backend (text cells from PostgreSQL, typed cells from SQLite).
int64_t CellInt(const SqlValue& cell);
double CellReal(const SqlValue& cell);
std::string CellText(const SqlValue& cell);
bool CellIsNull(const SqlValue& cell);

}  // namespace kneeregen
