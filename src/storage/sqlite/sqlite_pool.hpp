// SQLite connections for one database: a single writer that owns checkpoints, plus readers that run in
// parallel on the WAL snapshot. An in-memory database has only the writer, which then serves reads too.
#pragma once

#include <memory>
#include <string>

#include "storage/connection_pool.hpp"

namespace kneeregen {

std::unique_ptr<ConnectionPool> OpenSqlitePool(const std::string& path, int readers);

}  // namespace kneeregen
