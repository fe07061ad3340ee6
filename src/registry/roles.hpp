// Staff roles and the actions a policy grants. A user holds exactly one role per clinic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kneeregen {

enum class Role { kAdmin, kClinician, kCoordinator, kResearcher };

inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kClinician, Role::kCoordinator, Role::kResearcher};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

enum class Action { kRead, kCreate, kUpdate };

// Who may do what to one kind of record. Deny by default: an empty list grants nothing.
struct AccessPolicy {
  std::vector<Role> read;
  std::vector<Role> create;
  std::vector<Role> update;

  const std::vector<Role>& For(Action action) const;
  bool Allows(Role role, Action action) const;
  // Ok, or the forbidden error every service returns for a role the policy does not name.
  Status Check(Role role, Action action) const;
};

}  // namespace kneeregen
