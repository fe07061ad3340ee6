// One SQLite connection configured for durability: WAL, synchronous=FULL, foreign keys on, a busy timeout.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "storage/sql_connection.hpp"

namespace kneeregen {

class SqliteConnection : public SqlConnection {
 public:
  // `owns_checkpoints`: only the writer runs automatic WAL checkpoints; readers never do (DESIGN.md §2).
  SqliteConnection(const std::string& path, bool read_only, bool owns_checkpoints);
  ~SqliteConnection() override;

  void Execute(const std::string& sql) override;
  SqlRows Query(const std::string& sql, const std::vector<SqlValue>& params = {}) override;
  void BeginRead() override;
  void BeginWrite() override;
  void Commit() override;
  void Rollback() override;

 private:
  [[noreturn]] void Fail(int rc, const std::string& context);
  sqlite3_stmt* Prepare(const std::string& sql);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace kneeregen
