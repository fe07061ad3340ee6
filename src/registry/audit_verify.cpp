#include "core/result.hpp"
#include "registry/audit.hpp"
#include "registry/store.hpp"

namespace kneeregen {

Result<AuditVerification> VerifyAuditChain(Store& store) {
  constexpr int kPage = 5000;
  AuditVerification result;
  std::string prev_hash;
  int64_t expected_id = 1;
  int64_t after_id = 0;
  while (!result.first_broken_id) {
    std::vector<AuditEntry> rows;
    auto status = store.Read([&](ReadTransaction& tx) -> Status {
      rows = tx.ListAudit(std::nullopt, after_id, kPage);
      return Ok{};
    });
    if (!status) return status.error();
    for (const auto& row : rows) {
      ++result.rows_checked;
      if (row.id != expected_id) result.problem = "rows are missing before this one";
      else if (row.prev_hash != prev_hash) result.problem = "it does not link to the row before it";
      else if (ComputeAuditHash(row, prev_hash) != row.hash) result.problem = "its contents were changed";
      if (!result.problem.empty()) {
        result.first_broken_id = row.id;
        break;
      }
      prev_hash = row.hash;
      expected_id = row.id + 1;
      after_id = row.id;
    }
    if (rows.size() < static_cast<size_t>(kPage)) break;
  }
  return result;
}

}  // namespace kneeregen
