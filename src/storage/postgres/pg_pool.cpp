#include "storage/postgres/pg_pool.hpp"

#include <algorithm>
#include <vector>

#include "storage/postgres/pg_connection.hpp"

namespace kneeregen {

namespace {

// An arbitrary constant naming the one advisory lock that orders audit appends across every connection and
// every server process sharing the database.
constexpr const char* kAuditLockSql = "SELECT pg_advisory_xact_lock(7262001)";

// A setting and the values under which an acknowledged COMMIT survives a crash of the server or the machine.
struct DurabilityRule {
  const char* setting;
  std::vector<std::string> safe_values;
};

const std::vector<DurabilityRule>& DurabilityRules() {
  static const std::vector<DurabilityRule> rules = {
      {"fsync", {"on"}},
      {"synchronous_commit", {"on", "remote_write", "remote_apply"}},
      {"full_page_writes", {"on"}},
  };
  return rules;
}

// Checked on every connection: synchronous_commit can differ per role or database, and a server could be
// reconfigured between two connections.
void RequireDurableSettings(PgConnection& connection) {
  for (const auto& rule : DurabilityRules()) {
    std::string value =
        CellText(connection.Query("SELECT current_setting(?)", {std::string(rule.setting)}).rows.at(0).at(0));
    if (std::find(rule.safe_values.begin(), rule.safe_values.end(), value) != rule.safe_values.end())
      continue;
    throw SqlError(SqlFailure::kUnavailable,
                   std::string("refusing to use this PostgreSQL server: ") + rule.setting + " is '" + value +
                       "', which can lose acknowledged writes in a crash; kneeregen needs fsync=on, "
                       "synchronous_commit in (on, remote_write, remote_apply) and full_page_writes=on");
  }
}

// Reads and writes share the connections: PostgreSQL runs concurrent writers itself, and audit appends are
// ordered by the advisory lock rather than by the pool.
class PgPool : public ConnectionPool {
 public:
  PgPool(const std::string& url, int size) {
    // Two at least, so a read can proceed while a long write holds a connection.
    int count = std::max(size, 2);
    for (int i = 0; i < count; ++i) {
      connections_.push_back(std::make_unique<PgConnection>(url));
      RequireDurableSettings(*connections_.back());
      idle_.Put(connections_.back().get());
    }
  }

  Backend backend() const override { return Backend::kPostgres; }
  ConnectionLease Reader() override { return Lease(); }
  ConnectionLease Writer() override { return Lease(); }
  std::string AuditLockSql() const override { return kAuditLockSql; }
  std::string AnalyzeSql() const override { return "ANALYZE"; }

 private:
  ConnectionLease Lease() {
    PgConnection* connection = idle_.Take();
    ConnectionLease lease = idle_.Lend(connection);
    connection->ReconnectIfBroken();  // outside the pool's lock: a reconnect may wait for the server
    return lease;
  }

  std::vector<std::unique_ptr<PgConnection>> connections_;
  IdleConnections<PgConnection> idle_;
};

}  // namespace

std::unique_ptr<ConnectionPool> OpenPostgresPool(const std::string& url, int size) {
  return std::make_unique<PgPool>(url, size);
}

}  // namespace kneeregen
