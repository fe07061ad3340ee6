// Reads of related records for services and prepare steps: every record of a kind matching some fields
// (following the cursor through every page), or the newest one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/store.hpp"

namespace kneeregen {

// Field name = value filters; the names must be fields of the schema.
using FieldFilters = std::vector<std::pair<std::string, Json>>;

std::vector<Json> AllRecords(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id,
                             const FieldFilters& filters);
std::optional<Json> NewestRecord(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id,
                                 const FieldFilters& filters = {});
// The schema of a kind every build has; throws std::logic_error for a name that is not one.
const RecordSchema& KnownSchema(const std::string& resource);

}  // namespace kneeregen
