// Opens (and migrates) the store a database URL names: `sqlite:PATH`, `sqlite::memory:`, or a PostgreSQL
// URL (`postgresql://user@host:port/db`).
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "registry/store.hpp"

namespace kneeregen {

struct StoreOptions {
  int readers = 4;  // SQLite reader connections, or the PostgreSQL pool size
};

// Errors name the problem (unreachable server, unsafe durability settings, newer schema) without secrets.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, StoreOptions options = {});

}  // namespace kneeregen
