// What staff accounts and clinics look like to API clients (never a password hash), shared by the
// sign-in and the administration halves of AccountService.
#pragma once

#include <optional>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"
#include "registry/accounts.hpp"
#include "registry/actor.hpp"

namespace kneeregen {

inline Json UserView(const User& u, Role role) {
  return Json{{"id", u.id},           {"username", u.username}, {"display_name", u.display_name},
              {"role", RoleName(role)}, {"active", u.active},     {"created_at", u.created_at}};
}

inline Json ClinicView(const Clinic& c, std::optional<Role> role) {
  Json j{{"id", c.id}, {"name", c.name}, {"time_zone", c.time_zone}, {"synthetic", c.synthetic},
         {"created_at", c.created_at}};
  if (role) j["your_role"] = RoleName(*role);
  return j;
}

inline std::optional<Role> RoleIn(const std::vector<Membership>& memberships, int64_t clinic_id) {
  for (const auto& m : memberships)
    if (m.clinic_id == clinic_id) return m.role;
  return std::nullopt;
}

inline Status RequireAdmin(const Actor& actor) {
  if (actor.role == Role::kAdmin) return Ok{};
  return Error{ErrorCode::kForbidden, "", {}};
}

}  // namespace kneeregen
