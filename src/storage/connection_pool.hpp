// Where the shared SQL store gets its connections. Each backend decides how many readers and writers it
// keeps: SQLite has exactly one writer (which also owns WAL checkpoints), PostgreSQL a small pool.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "registry/store.hpp"
#include "storage/sql_connection.hpp"

namespace kneeregen {

// A connection on loan; returns itself to the pool when it goes out of scope.
class ConnectionLease {
 public:
  ConnectionLease(SqlConnection* connection, std::function<void()> release)
      : connection_(connection), release_(std::move(release)) {}
  ConnectionLease(ConnectionLease&& other) noexcept
      : connection_(other.connection_), release_(std::exchange(other.release_, nullptr)) {}
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;
  ~ConnectionLease() {
    if (release_) release_();
  }
  SqlConnection& operator*() const { return *connection_; }
  SqlConnection* operator->() const { return connection_; }

 private:
  SqlConnection* connection_;
  std::function<void()> release_;
};

// Connections waiting to be lent out; Take() blocks until one is free.
template <class Connection>
class IdleConnections {
 public:
  void Put(Connection* connection) {
    std::lock_guard guard(mutex_);
    idle_.push_back(connection);
    available_.notify_one();
  }
  Connection* Take() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    Connection* connection = idle_.back();
    idle_.pop_back();
    return connection;
  }
  // A lease that puts the connection back here when it ends.
  ConnectionLease Lend(Connection* connection) {
    return ConnectionLease(connection, [this, connection] { Put(connection); });
  }

 private:
  std::vector<Connection*> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

class ConnectionPool {
 public:
  virtual ~ConnectionPool() = default;
  virtual Backend backend() const = 0;
  virtual ConnectionLease Reader() = 0;
  virtual ConnectionLease Writer() = 0;
  // SQL that serialises audit appends inside a write transaction; empty when writes are already serialised.
  virtual std::string AuditLockSql() const = 0;
  // Statement(s) that refresh the planner's statistics.
  virtual std::string AnalyzeSql() const = 0;
};

}  // namespace kneeregen
