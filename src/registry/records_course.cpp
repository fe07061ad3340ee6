#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> CourseRecordSchemas() { return {}; }

}  // namespace kneeregen
