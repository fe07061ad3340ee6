#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> SafetyRecordSchemas() { return {}; }

}  // namespace kneeregen
