// Clinic administration: staff accounts and roles, the clinics a user belongs to, and the audit trail.
#include "api/routes.hpp"
#include "registry/account_schemas.hpp"

namespace kneeregen::api {

namespace {

Json AuditView(const AuditEntry& e) {
  auto parse = [](const std::string& s) { return s.empty() ? Json() : Json::parse(s, nullptr, false); };
  return Json{{"id", e.id},
              {"at", e.at},
              {"user_id", e.user_id ? Json(*e.user_id) : Json()},
              {"username", e.username},
              {"role", e.role},
              {"action", e.action},
              {"object_type", e.object_type},
              {"object_id", e.object_id ? Json(*e.object_id) : Json()},
              {"patient_id", e.patient_id ? Json(*e.patient_id) : Json()},
              {"before", parse(e.before_json)},
              {"after", parse(e.after_json)},
              {"request_id", e.request_id},
              {"ip", e.ip},
              {"hash", e.hash}};
}

}  // namespace

void AddAdminRoutes(std::vector<Route>& routes, Services& services) {
  const Access admin = Access::Roles({Role::kAdmin});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/users", .summary = "Staff of this clinic and their roles",
      .tag = "Staff", .access = admin, .response_schema = &NewUserBody(), .response_is_list = true,
      .handler = [&services](Request& req) -> Result<Reply> {
        auto users = services.accounts.ListUsers(req.actor());
        if (!users) return users.error();
        return Reply{.body = Json{{"items", *users}, {"next_cursor", nullptr}}};
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/users",
      .summary = "Add a staff member to this clinic; without a password one is generated and returned once",
      .tag = "Staff", .access = admin, .request_schema = &NewUserBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        auto added = services.accounts.AddUser(req.actor(), req.body);
        if (!added) return added.error();
        Json body = added->user;
        if (!added->initial_password.empty()) body["initial_password"] = added->initial_password;
        return Reply{.status = 201, .body = body};
      }});
  routes.push_back(Route{
      .method = Method::kPatch, .path = "/api/v1/users/{id}", .summary = "Change a staff member's name, role or status",
      .tag = "Staff", .access = admin, .request_schema = &UserChangeBody(), .partial_body = true,
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.accounts.UpdateUser(req.actor(), req.path_ids.at("id"), req.body));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/users/{id}/password-reset",
      .summary = "Generate a new password for a staff member (returned once) and end their sessions",
      .tag = "Staff", .access = admin,
      .handler = [&services](Request& req) -> Result<Reply> {
        auto password = services.accounts.ResetPassword(req.actor(), req.path_ids.at("id"));
        if (!password) return password.error();
        return Reply{.body = Json{{"initial_password", *password}}};
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/clinics", .summary = "The clinics you belong to, with your role in each",
      .tag = "Clinics", .access = Access::AnyRole(), .response_schema = &ClinicBody(), .response_is_list = true,
      .handler = [&services](Request& req) -> Result<Reply> {
        auto clinics = services.accounts.ListClinics(req.actor());
        if (!clinics) return clinics.error();
        return Reply{.body = Json{{"items", *clinics}, {"next_cursor", nullptr}}};
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/clinics",
      .summary = "Open a new clinic; you become its admin (sign in with clinic_id to act in it)", .tag = "Clinics",
      .access = admin, .request_schema = &ClinicBody(), .response_schema = &ClinicBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.accounts.CreateClinic(req.actor(), req.body), 201);
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/clinics/{id}", .summary = "A clinic you belong to", .tag = "Clinics",
      .access = Access::AnyRole(), .response_schema = &ClinicBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.accounts.GetClinic(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kPatch, .path = "/api/v1/clinics/{id}", .summary = "Rename a clinic or change its time zone",
      .tag = "Clinics", .access = admin, .request_schema = &ClinicBody(), .partial_body = true,
      .response_schema = &ClinicBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.accounts.UpdateClinic(req.actor(), req.path_ids.at("id"), req.body));
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/audit", .summary = "This clinic's audit trail, oldest first",
      .tag = "Audit", .access = admin, .response_is_list = true, .query_parameters = {"limit", "cursor"},
      .handler = [&services](Request& req) -> Result<Reply> {
        auto query = ParseListQuery(ClinicBody(), req.query);  // accepts only limit and cursor
        if (!query) return query.error();
        std::vector<AuditEntry> rows;
        auto status = services.store.Read([&](ReadTransaction& tx) -> Status {
          rows = tx.ListAudit(req.actor().clinic_id, query->after_id, query->limit + 1);
          return Ok{};
        });
        if (!status) return status.error();
        Json items = Json::array();
        for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(query->limit); ++i)
          items.push_back(AuditView(rows[i]));
        Json next = rows.size() > static_cast<size_t>(query->limit) ? Json(std::to_string(rows[query->limit - 1].id))
                                                                    : Json();
        return Reply{.body = Json{{"items", items}, {"next_cursor", next}}};
      }});
}

}  // namespace kneeregen::api
