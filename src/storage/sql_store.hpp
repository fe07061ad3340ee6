// The Store implemented once in portable SQL over a ConnectionPool. Backends supply connections and
// migrations; everything the registry asks for is built here from schema field names (never from request
// text) with every value bound.
#pragma once

#include <memory>

#include "registry/store.hpp"
#include "storage/connection_pool.hpp"

namespace kneeregen {

class SqlStore : public Store {
 public:
  explicit SqlStore(std::unique_ptr<ConnectionPool> pool);
  Backend backend() const override { return pool_->backend(); }
  int schema_version() override;
  Status Read(const std::function<Status(ReadTransaction&)>& fn) override;
  Status Write(const std::function<Status(WriteTransaction&)>& fn) override;
  Status RefreshStatistics() override;

 private:
  std::unique_ptr<ConnectionPool> pool_;
};

// Maps a database failure to the error a client sees: no SQL text, no file path.
Error ToError(const SqlError& error);

}  // namespace kneeregen
