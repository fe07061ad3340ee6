// Numbered schema migrations per dialect, embedded in the binary from storage/migrations/<dialect>/*.sql.
// The applied versions live in the schema_migrations table; Migrate() applies the missing ones in order,
// each in its own transaction.
#pragma once

#include <string>
#include <vector>

#include "registry/store.hpp"
#include "storage/sql_connection.hpp"

namespace kneeregen {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<Migration>& MigrationsFor(Backend backend);
// Returns the schema version after migrating. Refuses a database newer than this binary.
int Migrate(SqlConnection& db, Backend backend);

}  // namespace kneeregen
