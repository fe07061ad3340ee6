#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> ImagingRecordSchemas() { return {}; }

}  // namespace kneeregen
