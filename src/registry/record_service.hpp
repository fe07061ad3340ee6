// Create, read, update and list clinic records of any kind described by a RecordSchema. Each call checks
// the actor's role against the schema's policy, scopes every read and write to the actor's clinic,
// resolves references within that clinic only, and writes the audit row in the same transaction.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/record_schema.hpp"
#include "registry/store.hpp"

namespace kneeregen {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// Turns list-route query parameters (filters, q, cursor, limit) into a ListQuery; unknown parameters and
// values of the wrong type are validation errors, a limit above 200 is capped.
Result<ListQuery> ParseListQuery(const RecordSchema& schema, const std::multimap<std::string, std::string>& params);

class RecordService {
 public:
  explicit RecordService(Store& store) : store_(store) {}

  Result<Json> Create(const Actor& actor, const RecordSchema& schema, const Json& body);
  Result<Json> Get(const Actor& actor, const RecordSchema& schema, int64_t id);
  Result<RecordPage> List(const Actor& actor, const RecordSchema& schema, const ListQuery& query);
  // `expected_version` (from If-Match) makes the update fail with precondition_failed when stale.
  Result<Json> Update(const Actor& actor, const RecordSchema& schema, int64_t id, const Json& body,
                      std::optional<int64_t> expected_version);

 private:
  Store& store_;
};

}  // namespace kneeregen
