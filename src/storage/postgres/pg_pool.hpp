// PostgreSQL connections (libpq) for one database: a fixed pool shared by reads and writes. Opening
// refuses a server whose durability settings could lose acknowledged commits (fsync, synchronous_commit,
// full_page_writes).
#pragma once

#include <memory>
#include <string>

#include "storage/connection_pool.hpp"

namespace kneeregen {

// Throws SqlError (kUnavailable) when the server can't be reached or its settings are unsafe.
std::unique_ptr<ConnectionPool> OpenPostgresPool(const std::string& url, int size);

}  // namespace kneeregen
