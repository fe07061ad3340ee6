// Who is acting: the signed-in staff member in one clinic, or the operator at the command line.
// Every service call takes one, and every audit row is written from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/audit.hpp"
#include "registry/roles.hpp"

namespace kneeregen {

struct Actor {
  std::optional<int64_t> user_id;  // empty for the command-line operator
  std::string username;
  Role role = Role::kResearcher;
  int64_t clinic_id = 0;
  std::string request_id;
  std::string ip;

  // An audit entry for this actor with the common fields filled in.
  AuditEntry Audit(std::string action, std::string object_type, std::optional<int64_t> object_id) const {
    AuditEntry e;
    e.user_id = user_id;
    e.username = username;
    e.role = std::string(RoleName(role));
    e.clinic_id = clinic_id;
    e.action = std::move(action);
    e.object_type = std::move(object_type);
    e.object_id = object_id;
    e.request_id = request_id;
    e.ip = ip;
    return e;
  }
};

}  // namespace kneeregen
