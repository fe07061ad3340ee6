#include "storage/sqlite/sqlite_pool.hpp"

#include <condition_variable>
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
      idle_.push_back(readers_.back().get());
    }
  }

  Backend backend() const override { return Backend::kSqlite; }

  ConnectionLease Reader() override {
    if (readers_.empty()) return Writer();
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    SqlConnection* c = idle_.back();
    idle_.pop_back();
    return ConnectionLease(c, [this, c] {
      std::lock_guard guard(mutex_);
      idle_.push_back(c);
      available_.notify_one();
    });
  }

  ConnectionLease Writer() override {
    writer_mutex_.lock();
    return ConnectionLease(writer_.get(), [this] { writer_mutex_.unlock(); });
  }

  std::string AuditLockSql() const override { return ""; }  // the writer mutex already serialises writes

 private:
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex writer_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::vector<SqlConnection*> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace

std::unique_ptr<ConnectionPool> OpenSqlitePool(const std::string& path, int readers) {
  return std::make_unique<SqlitePool>(path, readers);
}

}  // namespace kneeregen
