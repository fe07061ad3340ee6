#include "registry/roles.hpp"

#include <algorithm>

namespace kneeregen {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kClinician: return "clinician";
    case Role::kCoordinator: return "coordinator";
    case Role::kResearcher: return "researcher";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kAllRoles)
    if (RoleName(role) == name) return role;
  return std::nullopt;
}

const std::vector<Role>& AccessPolicy::For(Action action) const {
  switch (action) {
    case Action::kRead: return read;
    case Action::kCreate: return create;
    case Action::kUpdate: return update;
  }
  return read;
}

bool AccessPolicy::Allows(Role role, Action action) const {
  const auto& roles = For(action);
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Status AccessPolicy::Check(Role role, Action action) const {
  if (Allows(role, action)) return Ok{};
  return Error{ErrorCode::kForbidden, "", {}};
}

}  // namespace kneeregen
