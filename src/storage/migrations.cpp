#include "storage/migrations.hpp"

#include "core/time.hpp"

namespace kneeregen {

// Generated at build time from storage/migrations/*/*.sql (see src/storage/CMakeLists.txt).
extern const std::vector<Migration> kSqliteMigrations;
extern const std::vector<Migration> kPostgresMigrations;

const std::vector<Migration>& MigrationsFor(Backend backend) {
  return backend == Backend::kSqlite ? kSqliteMigrations : kPostgresMigrations;
}

namespace {

int MigrateLocked(SqlConnection& db, Backend backend);

// Two servers starting on one new PostgreSQL database must not both apply a migration; SQLite's single
// writer (BEGIN IMMEDIATE) already serialises them.
constexpr const char* kPostgresMigrationLock = "SELECT pg_advisory_lock(7262002)";
constexpr const char* kPostgresMigrationUnlock = "SELECT pg_advisory_unlock(7262002)";

}  // namespace

int Migrate(SqlConnection& db, Backend backend) {
  if (backend != Backend::kPostgres) return MigrateLocked(db, backend);
  db.Execute(kPostgresMigrationLock);
  try {
    int version = MigrateLocked(db, backend);
    db.Execute(kPostgresMigrationUnlock);
    return version;
  } catch (...) {
    db.Execute(kPostgresMigrationUnlock);
    throw;
  }
}

namespace {

int MigrateLocked(SqlConnection& db, Backend backend) {
  db.BeginWrite();
  try {
    db.Execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)");
    db.Commit();
  } catch (...) {
    db.Rollback();
    throw;
  }
  const auto& migrations = MigrationsFor(backend);
  int current = 0;
  {
    db.BeginRead();
    current = static_cast<int>(
        CellInt(db.Query("SELECT coalesce(max(version), 0) FROM schema_migrations").rows[0][0]));
    db.Commit();
  }
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest)
    throw SqlError(SqlFailure::kOther, "the database schema (version " + std::to_string(current) +
                                           ") is newer than this program understands (" + std::to_string(latest) +
                                           "); use a newer kneeregen");
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    db.BeginWrite();
    try {
      db.Execute(m.sql);
      db.Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
               {int64_t{m.version}, m.name, NowTimestamp()});
      db.Commit();
    } catch (...) {
      db.Rollback();
      throw;
    }
    current = m.version;
  }
  return current;
}

}  // namespace

}  // namespace kneeregen
