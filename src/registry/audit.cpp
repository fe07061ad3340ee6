#include "registry/audit.hpp"

#include "core/crypto.hpp"

namespace kneeregen {

namespace {

void Put(std::string& out, const std::string& value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

void Put(std::string& out, const std::optional<int64_t>& value) { Put(out, value ? std::to_string(*value) : "-"); }

}  // namespace

std::string ComputeAuditHash(const AuditEntry& e, const std::string& prev_hash) {
  std::string canonical;
  Put(canonical, prev_hash);
  Put(canonical, std::to_string(e.id));
  Put(canonical, e.at);
  Put(canonical, e.user_id);
  Put(canonical, e.username);
  Put(canonical, e.role);
  Put(canonical, e.clinic_id);
  Put(canonical, e.action);
  Put(canonical, e.object_type);
  Put(canonical, e.object_id);
  Put(canonical, e.patient_id);
  Put(canonical, e.before_json);
  Put(canonical, e.after_json);
  Put(canonical, e.reason);
  Put(canonical, e.request_id);
  Put(canonical, e.ip);
  return Sha256Hex(canonical);
}

}  // namespace kneeregen
