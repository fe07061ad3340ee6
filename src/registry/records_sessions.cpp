#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> TreatmentSessionRecordSchemas() { return {}; }

}  // namespace kneeregen
