#include "storage/open_store.hpp"

#include "storage/migrations.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_pool.hpp"

namespace kneeregen {

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, StoreOptions options) {
  try {
    std::unique_ptr<ConnectionPool> pool;
    if (StartsWith(url, "sqlite:")) {
      std::string path = url.substr(7);
      if (path.empty()) return Error{ErrorCode::kUnavailable, "sqlite: needs a file path, e.g. sqlite:var/kneeregen.db", {}};
      pool = OpenSqlitePool(path, options.readers);
    } else if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
      pool = OpenPostgresPool(url, options.readers);
    } else {
      return Error{ErrorCode::kUnavailable,
                   "unknown database URL; use sqlite:PATH or postgresql://user@host:port/dbname", {}};
    }
    {
      auto writer = pool->Writer();
      Migrate(*writer, pool->backend());
    }
    auto store = std::make_unique<SqlStore>(std::move(pool));
    // SQLite has nothing like PostgreSQL's autovacuum to keep planner statistics current, so a sampled
    // ANALYZE runs at every open (well under a second on a million-patient registry).
    if (store->backend() == Backend::kSqlite) {
      if (auto analyzed = store->RefreshStatistics(); !analyzed) return analyzed.error();
    }
    return std::unique_ptr<Store>(std::move(store));
  } catch (const SqlError& e) {
    return Error{ErrorCode::kUnavailable, e.what(), {}};
  }
}

}  // namespace kneeregen
