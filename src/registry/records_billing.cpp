#include "registry/record_fields.hpp"

namespace kneeregen {

std::vector<RecordSchema> BillingRecordSchemas() { return {}; }

}  // namespace kneeregen
