// The administration half of AccountService: staff accounts and roles within a clinic, and clinics.
#include "core/crypto.hpp"
#include "registry/account_schemas.hpp"
#include "registry/account_service.hpp"
#include "registry/account_views.hpp"

namespace kneeregen {

namespace {

// The user, if they are a member of the actor's clinic; anyone else reads as not found.
Result<std::pair<User, Role>> MemberOfClinic(ReadTransaction& tx, const Actor& actor, int64_t user_id) {
  auto user = tx.GetUser(user_id);
  if (!user) return Error::NotFound();
  auto role = RoleIn(tx.MembershipsOfUser(user_id), actor.clinic_id);
  if (!role) return Error::NotFound();
  return std::pair{*user, *role};
}

bool IsLastAdmin(ReadTransaction& tx, int64_t clinic_id, int64_t user_id) {
  for (const auto& m : tx.MembershipsOfClinic(clinic_id)) {
    if (m.role != Role::kAdmin || m.user_id == user_id) continue;
    auto other = tx.GetUser(m.user_id);
    if (other && other->active) return false;
  }
  return true;
}

}  // namespace

Result<Json> AccountService::ListUsers(const Actor& actor) {
  if (auto admin = RequireAdmin(actor); !admin) return admin.error();
  Json users = Json::array();
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    for (const auto& m : tx.MembershipsOfClinic(actor.clinic_id))
      if (auto u = tx.GetUser(m.user_id)) users.push_back(UserView(*u, m.role));
    return Ok{};
  });
  if (!status) return status.error();
  return users;
}

Result<NewUser> AccountService::AddUser(const Actor& actor, const Json& body) {
  if (auto admin = RequireAdmin(actor); !admin) return admin.error();
  auto valid = ValidateNewRecord(NewUserBody(), body);
  if (!valid) return valid.error();
  NewUser created;
  std::string password;
  if ((*valid)["password"].is_null()) {
    password = created.initial_password = GeneratePassword();
  } else {
    password = (*valid)["password"];
    if (auto refused = CheckPasswordPolicy(password))
      return Error::Field(ErrorCode::kValidationFailed, "password", *refused);
  }
  auto hash = HashNewPassword(password);
  if (!hash) return hash.error();
  Role role = *ParseRole((*valid)["role"].get<std::string>());
  User user{.username = (*valid)["username"], .display_name = (*valid)["display_name"], .password_hash = *hash};
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    if (tx.FindUser(user.username))
      return Error::Field(ErrorCode::kConflict, "username", "is already taken");
    user.id = tx.InsertUser(user);
    tx.PutMembership(Membership{user.id, actor.clinic_id, role});
    user = *tx.GetUser(user.id);
    created.user = UserView(user, role);
    AuditEntry entry = actor.Audit("user.add", "users", user.id);
    entry.after_json = created.user.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return created;
}

Result<Json> AccountService::UpdateUser(const Actor& actor, int64_t user_id, const Json& body) {
  if (auto admin = RequireAdmin(actor); !admin) return admin.error();
  Json view;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto member = MemberOfClinic(tx, actor, user_id);
    if (!member) return member.error();
    auto [user, role] = *member;
    Json before = UserView(user, role);
    auto changes = ValidateRecordChanges(UserChangeBody(), body, before);
    if (!changes) return changes.error();
    if (changes->empty()) {
      view = before;
      return Ok{};
    }
    Role new_role = changes->contains("role") ? *ParseRole((*changes)["role"].get<std::string>()) : role;
    bool new_active = changes->value("active", user.active);
    if (role == Role::kAdmin && (new_role != Role::kAdmin || !new_active) && IsLastAdmin(tx, actor.clinic_id, user_id))
      return Error::Field(ErrorCode::kConflict, "role", "the clinic's last active admin must stay an admin");
    user.display_name = changes->value("display_name", user.display_name);
    user.active = new_active;
    tx.UpdateUser(user);
    if (new_role != role) tx.PutMembership(Membership{user_id, actor.clinic_id, new_role});
    if (!user.active) tx.DeleteSessionsOfUser(user_id);
    view = UserView(user, new_role);
    AuditEntry entry = actor.Audit(changes->contains("role") ? "user.role" : "user.update", "users", user_id);
    entry.before_json = before.dump();
    entry.after_json = view.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return view;
}

Result<std::string> AccountService::ResetPassword(const Actor& actor, int64_t user_id) {
  if (auto admin = RequireAdmin(actor); !admin) return admin.error();
  std::string password = GeneratePassword();
  auto hash = HashNewPassword(password);
  if (!hash) return hash.error();
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto member = MemberOfClinic(tx, actor, user_id);
    if (!member) return member.error();
    User user = member->first;
    user.password_hash = *hash;
    tx.UpdateUser(user);
    tx.DeleteSessionsOfUser(user_id);  // a reset ends every session signed in with the old password
    AuditEntry entry = actor.Audit("user.password_reset", "users", user_id);
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return password;
}

Result<Json> AccountService::ListClinics(const Actor& actor) {
  Json clinics = Json::array();
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (!actor.user_id) {  // the operator at the command line sees every clinic
      for (const auto& c : tx.ListClinics()) clinics.push_back(ClinicView(c, std::nullopt));
      return Ok{};
    }
    for (const auto& m : tx.MembershipsOfUser(*actor.user_id))
      if (auto c = tx.GetClinic(m.clinic_id)) clinics.push_back(ClinicView(*c, m.role));
    return Ok{};
  });
  if (!status) return status.error();
  return clinics;
}

Result<Json> AccountService::GetClinic(const Actor& actor, int64_t clinic_id) {
  std::optional<Json> view;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    auto role = actor.user_id ? RoleIn(tx.MembershipsOfUser(*actor.user_id), clinic_id) : std::optional(Role::kAdmin);
    auto clinic = tx.GetClinic(clinic_id);
    if (role && clinic) view = ClinicView(*clinic, role);
    return Ok{};
  });
  if (!status) return status.error();
  if (!view) return Error::NotFound();
  return *view;
}

Result<Json> AccountService::CreateClinic(const Actor& actor, const Json& body) {
  if (auto admin = RequireAdmin(actor); !admin) return admin.error();
  auto valid = ValidateNewRecord(ClinicBody(), body);
  if (!valid) return valid.error();
  Json view;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    Clinic clinic{.name = (*valid)["name"], .time_zone = (*valid)["time_zone"]};
    clinic.id = tx.InsertClinic(clinic);
    // The admin who opens a clinic administers it; the command-line operator adds admins with `user add`.
    if (actor.user_id) tx.PutMembership(Membership{*actor.user_id, clinic.id, Role::kAdmin});
    view = ClinicView(*tx.GetClinic(clinic.id), actor.user_id ? std::optional(Role::kAdmin) : std::nullopt);
    AuditEntry entry = actor.Audit("create", "clinics", clinic.id);
    entry.clinic_id = clinic.id;
    entry.after_json = view.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return view;
}

Result<Json> AccountService::UpdateClinic(const Actor& actor, int64_t clinic_id, const Json& body) {
  Json view;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto role = actor.user_id ? RoleIn(tx.MembershipsOfUser(*actor.user_id), clinic_id) : std::optional(Role::kAdmin);
    auto clinic = tx.GetClinic(clinic_id);
    if (!role || !clinic) return Error::NotFound();
    if (*role != Role::kAdmin) return Error{ErrorCode::kForbidden, "", {}};
    Json before = ClinicView(*clinic, std::nullopt);
    auto changes = ValidateRecordChanges(ClinicBody(), body, before);
    if (!changes) return changes.error();
    clinic->name = changes->value("name", clinic->name);
    clinic->time_zone = changes->value("time_zone", clinic->time_zone);
    view = ClinicView(*clinic, role);
    if (changes->empty()) return Ok{};
    tx.UpdateClinic(*clinic);
    AuditEntry entry = actor.Audit("update", "clinics", clinic_id);
    entry.clinic_id = clinic_id;
    entry.before_json = before.dump();
    entry.after_json = changes->dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return view;
}

}  // namespace kneeregen
