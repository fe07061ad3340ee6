#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> ConsentRecordSchemas() { return {}; }

}  // namespace kneeregen
