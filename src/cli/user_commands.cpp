// `kneeregen user add|list|reset-password|set-role`: staff accounts from the command line, for the first
// admin of a new clinic and for recovering a lost admin password.
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "registry/account_service.hpp"

namespace kneeregen::cli {

namespace {

struct UserOptions {
  std::string db = kDefaultDatabase;
  int64_t clinic_id = 0;
  std::string username;
  std::string display_name;
  std::string role = "clinician";
};

// Finds the user's id; prints an error and returns nothing when there is no such user.
std::optional<int64_t> FindUserId(Store& store, const std::string& username) {
  std::optional<int64_t> id;
  (void)store.Read([&](ReadTransaction& tx) -> Status {
    if (auto u = tx.FindUser(username)) id = u->id;
    return Ok{};
  });
  if (!id) std::cerr << "kneeregen: no user named " << username << "\n";
  return id;
}

int Add(const UserOptions& o) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  AccountService accounts(*store);
  Json body = {{"username", o.username}, {"display_name", o.display_name.empty() ? o.username : o.display_name},
               {"role", o.role}};
  Actor actor = Operator(o.clinic_id);
  auto clinic = accounts.GetClinic(actor, o.clinic_id);
  if (!clinic) return ReportError(Error::Field(ErrorCode::kNotFound, "--clinic", "no such clinic"));
  auto added = accounts.AddUser(actor, body);
  if (!added) return ReportError(added.error());
  std::cout << "Added " << o.username << " as " << o.role << " of clinic " << o.clinic_id << ".\n"
            << "Password (shown only now): " << added->initial_password << "\n";
  return 0;
}

int List(const UserOptions& o) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  AccountService accounts(*store);
  auto clinics = accounts.ListClinics(Operator(0));
  if (!clinics) return ReportError(clinics.error());
  struct Row {
    int64_t clinic, user;
    std::string username, role;
    bool active;
  };
  std::vector<Row> rows;
  size_t name_width = std::string("username").size();
  for (const auto& clinic : *clinics) {
    auto users = accounts.ListUsers(Operator(clinic["id"]));
    if (!users) return ReportError(users.error());
    for (const auto& u : *users) {
      rows.push_back({clinic["id"], u["id"], u["username"], u["role"], u["active"]});
      name_width = std::max(name_width, rows.back().username.size());
    }
  }
  // Columns are separated by at least two spaces, whatever the length of a username.
  auto line = [&](auto clinic, auto user, const std::string& name, const std::string& role, const char* active) {
    std::cout << std::left << std::setw(8) << clinic << std::setw(8) << user << std::setw(name_width + 2) << name
              << std::setw(13) << role << active << "\n";
  };
  line("clinic", "user", "username", "role", "active");
  for (const auto& r : rows) line(r.clinic, r.user, r.username, r.role, r.active ? "yes" : "no");
  return 0;
}

int ResetPassword(const UserOptions& o) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  auto id = FindUserId(*store, o.username);
  if (!id) return 1;
  AccountService accounts(*store);
  std::vector<Membership> memberships;
  (void)store->Read([&](ReadTransaction& tx) -> Status {
    memberships = tx.MembershipsOfUser(*id);
    return Ok{};
  });
  if (memberships.empty()) {
    std::cerr << "kneeregen: " << o.username << " belongs to no clinic\n";
    return 1;
  }
  auto password = accounts.ResetPassword(Operator(memberships.front().clinic_id), *id);
  if (!password) return ReportError(password.error());
  std::cout << "New password for " << o.username << " (shown only now): " << *password
            << "\nTheir open sessions have been ended.\n";
  return 0;
}

int SetRole(const UserOptions& o) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  auto id = FindUserId(*store, o.username);
  if (!id) return 1;
  AccountService accounts(*store);
  auto updated = accounts.UpdateUser(Operator(o.clinic_id), *id, Json{{"role", o.role}});
  if (!updated) return ReportError(updated.error());
  std::cout << o.username << " is now " << o.role << " of clinic " << o.clinic_id << ".\n";
  return 0;
}

}  // namespace

void AddUserCommands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UserOptions>();
  auto* user = app.add_subcommand("user", "Manage staff accounts");
  user->require_subcommand(1);
  const std::string roles = "admin, clinician, coordinator or researcher";

  auto* add = user->add_subcommand("add", "Add a staff account to a clinic; prints a generated password once");
  add->add_option("username", o->username, "Login name (lowercase)")->required();
  add->add_option("--clinic", o->clinic_id, "Clinic id")->required();
  add->add_option("--role", o->role, roles)->capture_default_str();
  add->add_option("--display-name", o->display_name, "Name shown in the app");
  add->callback([o, &exit_code] { exit_code = Add(*o); });

  auto* list = user->add_subcommand("list", "List staff accounts of every clinic");
  list->callback([o, &exit_code] { exit_code = List(*o); });

  auto* reset = user->add_subcommand("reset-password", "Generate a new password and end the user's sessions");
  reset->add_option("username", o->username, "Login name")->required();
  reset->callback([o, &exit_code] { exit_code = ResetPassword(*o); });

  auto* set_role = user->add_subcommand("set-role", "Change a user's role in a clinic");
  set_role->add_option("username", o->username, "Login name")->required();
  set_role->add_option("role", o->role, roles)->required();
  set_role->add_option("--clinic", o->clinic_id, "Clinic id")->required();
  set_role->callback([o, &exit_code] { exit_code = SetRole(*o); });

  for (auto* cmd : {add, list, reset, set_role})
    cmd->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
}

}  // namespace kneeregen::cli
