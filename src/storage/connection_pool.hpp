// Where the shared SQL store gets its connections. Each backend decides how many readers and writers it
// keeps: SQLite has exactly one writer (which also owns WAL checkpoints), PostgreSQL a small pool.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "registry/store.hpp"
#include "storage/sql_connection.hpp"

namespace kneeregen {

// A connection on loan; returns itself to the pool when it goes out of scope.
class ConnectionLease {
 public:
  ConnectionLease(SqlConnection* connection, std::function<void()> release)
      : connection_(connection), release_(std::move(release)) {}
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

class ConnectionPool {
 public:
  virtual ~ConnectionPool() = default;
  virtual Backend backend() const = 0;
  virtual ConnectionLease Reader() = 0;
  virtual ConnectionLease Writer() = 0;
  // SQL that serialises audit appends inside a write transaction; empty when writes are already serialised.
  virtual std::string AuditLockSql() const = 0;
};

}  // namespace kneeregen
