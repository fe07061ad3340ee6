// Sign-in, sessions, CSRF and origin checks, security headers, staff administration and the audit trail,
// through the real server over loopback (RELIABILITY.md A2-A4, A6, T2, T3, U1).
#include <gtest/gtest.h>

#include <string>

#include "api_fixture.hpp"

namespace kneeregen::testing {
namespace {

using ApiSessionTest = ApiTest;

std::string PathWithId(const std::string& path, int64_t id) {
  std::string out = path;
  if (auto pos = out.find("{id}"); pos != std::string::npos) out.replace(pos, 4, std::to_string(id));
  return out;
}

TEST_P(ApiSessionTest, HealthIsPublic) {
  HttpReply reply = world().Get("/api/v1/health", nullptr);
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  EXPECT_EQ(reply.json()["status"], "ok");
  EXPECT_EQ(reply.json()["database"], GetParam() == ApiBackend::kSqlite ? "sqlite" : "postgresql");
}

TEST_P(ApiSessionTest, EveryOtherApiRouteNeedsASession) {
  int checked = 0;
  for (const api::Route& route : world().routes()) {
    if (route.access.is_public) continue;
    ASSERT_EQ(route.path.rfind("/api/v1/", 0), 0u) << route.path << " is signed-in but outside /api/v1";
    std::string method = api::MethodName(route.method);
    std::string path = PathWithId(route.path, world().own().clinic_id);
    std::optional<std::string> body;
    if (method != "GET") body = "{}";
    HttpReply anonymous = world().Call(HttpCall{.method = method, .path = path, .body = body});
    SCOPED_TRACE(method + " " + route.path);
    ExpectProblem(anonymous, 401, "unauthenticated");
    EXPECT_EQ(anonymous.Header("WWW-Authenticate"), "Cookie");
    // A made-up cookie of the right length is no better than none.
    Session forged{.cookie = std::string(43, 'A'), .csrf_token = std::string(43, 'B')};
    ExpectProblem(world().Call(HttpCall{.method = method, .path = path, .session = &forged, .body = body}), 401,
                  "unauthenticated");
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST_P(ApiSessionTest, SignInSetsAHostOnlySecureCookieAndReturnsTheCsrfToken) {
  const Credentials& who = world().UserFor(Role::kClinician);
  HttpReply reply = world().Post("/api/v1/session", nullptr,
                                 Json{{"username", who.username}, {"password", who.password}});
  ASSERT_EQ(reply.status, 201) << reply.Describe();
  std::string cookie = reply.Header("Set-Cookie");
  EXPECT_EQ(cookie.rfind("__Host-kneeregen_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Domain="), std::string::npos) << "__Host- cookies must not name a domain: " << cookie;
  Json body = reply.json();
  ASSERT_TRUE(body["csrf_token"].is_string()) << reply.Describe();
  EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 43u);
  EXPECT_EQ(body["role"], "clinician");
  EXPECT_EQ(body["clinic_id"], world().own().clinic_id);

  Session first = world().SignIn(who);
  Session second = world().SignIn(who);
  EXPECT_NE(first.cookie, second.cookie) << "every sign-in must issue a new session id";
  EXPECT_EQ(first.cookie.size(), 43u);
  HttpReply current = world().Get("/api/v1/session", &first);
  ASSERT_EQ(current.status, 200) << current.Describe();
  EXPECT_EQ(current.json()["user"]["username"], who.username);
  EXPECT_EQ(current.json()["csrf_token"], first.csrf_token);
}

TEST_P(ApiSessionTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  const Credentials& who = world().UserFor(Role::kCoordinator);
  HttpReply wrong = world().Post("/api/v1/session", nullptr,
                                 Json{{"username", who.username}, {"password", "not the password at all"}});
  HttpReply unknown = world().Post("/api/v1/session", nullptr,
                                   Json{{"username", "nobody.here"}, {"password", "not the password at all"}});
  ExpectProblem(wrong, 401, "unauthenticated");
  ExpectProblem(unknown, 401, "unauthenticated");
  for (const char* key : {"code", "title", "status", "type", "detail"})
    EXPECT_EQ(wrong.json().value(key, Json()), unknown.json().value(key, Json())) << key;
  EXPECT_EQ(wrong.without_request_id(), unknown.without_request_id());
  EXPECT_FALSE(wrong.HasHeader("Set-Cookie"));
  EXPECT_FALSE(unknown.HasHeader("Set-Cookie"));
}

TEST_P(ApiSessionTest, LogoutEndsTheSessionOnTheServer) {
  Session session = world().SignIn(world().UserFor(Role::kClinician));
  ASSERT_EQ(world().Get("/api/v1/session", &session).status, 200);
  HttpReply out = world().Post("/api/v1/session/logout", &session, Json::object());
  ASSERT_EQ(out.status, 200) << out.Describe();
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos) << out.Header("Set-Cookie");
  // The browser would drop the cookie; an attacker who kept it replays it.
  ExpectProblem(world().Get("/api/v1/session", &session), 401, "unauthenticated");
  ExpectProblem(world().Get("/api/v1/patients", &session), 401, "unauthenticated");
  ExpectProblem(world().Post("/api/v1/patients", &session, SampleBody("patients", {}, world().Next())), 401,
                "unauthenticated");
}

TEST_P(ApiSessionTest, WritesWithoutTheCsrfTokenAreRefusedAndWriteNothing) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  const int64_t patients_before = world().CountRecords(clinic, "patients");
  std::string body = SampleBody("patients", {}, world().Next()).dump();

  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &session,
                                      .body = body, .send_csrf = false}),
                403, "csrf_failed");
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &session,
                                      .body = body, .send_csrf = false,
                                      .headers = {{"X-CSRF-Token", std::string(43, 'x')}}}),
                403, "csrf_failed");
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &session,
                                      .body = body, .send_csrf = false, .headers = {{"X-CSRF-Token", ""}}}),
                403, "csrf_failed");
  EXPECT_EQ(world().CountRecords(clinic, "patients"), patients_before);

  const int64_t id = world().own().id("patients");
  const Json before = *world().ReadRecord(clinic, "patients", id);
  std::string change = Json{{"family_name", "Changed"}}.dump();
  ExpectProblem(world().Call(HttpCall{.method = "PATCH", .path = "/api/v1/patients/" + std::to_string(id),
                                      .session = &session, .body = change, .send_csrf = false}),
                403, "csrf_failed");
  ExpectProblem(world().Call(HttpCall{.method = "PATCH", .path = "/api/v1/patients/" + std::to_string(id),
                                      .session = &session, .body = change, .send_csrf = false,
                                      .headers = {{"X-CSRF-Token", session.csrf_token + "x"}}}),
                403, "csrf_failed");
  EXPECT_EQ(*world().ReadRecord(clinic, "patients", id), before);

  // Sign-out is a write too: without the token the session survives.
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/session/logout", .session = &session,
                                      .send_csrf = false}),
                403, "csrf_failed");
  EXPECT_EQ(world().Get("/api/v1/session", &session).status, 200);
}

TEST_P(ApiSessionTest, CrossOriginWritesAreRefused) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  const int64_t patients_before = world().CountRecords(clinic, "patients");
  auto post = [&](httplib::Headers headers) {
    return world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &session,
                                 .body = SampleBody("patients", {}, world().Next()).dump(),
                                 .headers = std::move(headers)});
  };
  HttpReply evil = post({{"Origin", "https://evil.example"}});
  ExpectProblem(evil, 403, "csrf_failed");
  EXPECT_FALSE(evil.HasHeader("Access-Control-Allow-Origin")) << "no CORS grant for a foreign origin";
  ExpectProblem(post({{"Origin", "null"}}), 403, "csrf_failed");
  ExpectProblem(post({{"Sec-Fetch-Site", "cross-site"}}), 403, "csrf_failed");
  EXPECT_EQ(world().CountRecords(clinic, "patients"), patients_before);

  const int64_t id = world().own().id("patients");
  ExpectProblem(world().Call(HttpCall{.method = "PATCH", .path = "/api/v1/patients/" + std::to_string(id),
                                      .session = &session, .body = Json{{"family_name", "Evil"}}.dump(),
                                      .headers = {{"Origin", "https://evil.example"}}}),
                403, "csrf_failed");
  EXPECT_EQ((*world().ReadRecord(clinic, "patients", id))["family_name"], "Okafor");

  // Sign-in from a foreign page is refused as well (login CSRF).
  const Credentials& who = world().UserFor(Role::kClinician);
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/session",
                                      .body = Json{{"username", who.username}, {"password", who.password}}.dump(),
                                      .headers = {{"Origin", "https://evil.example"}}}),
                403, "csrf_failed");

  // The server's own origin is fine.
  HttpReply same = post({{"Origin", "http://127.0.0.1:" + std::to_string(world().port())}});
  EXPECT_EQ(same.status, 201) << same.Describe();
  // A read from a foreign page gets no CORS grant either.
  HttpReply read = world().Call(HttpCall{.method = "GET", .path = "/api/v1/patients", .session = &session,
                                         .headers = {{"Origin", "https://evil.example"}}});
  EXPECT_FALSE(read.HasHeader("Access-Control-Allow-Origin"));
}

TEST_P(ApiSessionTest, ErrorResponsesCarryTheSecurityHeadersToo) {
  // ApiWorld::Call checks the headers of every response; this drives one response of each kind.
  const Session& researcher = world().SessionFor(Role::kResearcher);
  const Session& clinician = world().SessionFor(Role::kClinician);
  EXPECT_EQ(world().Get("/", nullptr).status, 200);
  EXPECT_EQ(world().Get("/api/v1/openapi.json", nullptr).status, 200);
  ExpectProblem(world().Get("/api/v1/patients", nullptr), 401, "unauthenticated");
  ExpectProblem(world().Get("/api/v1/patients", &researcher), 403, "forbidden");
  ExpectProblem(world().Get("/api/v1/no-such-route", &clinician), 404, "not_found");
  ExpectProblem(world().Get("/debug", nullptr), 404, "not_found");
  ExpectProblem(world().Get("/api/v1/patients/999999999", &clinician), 404, "not_found");
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &clinician,
                                      .body = std::string(1024 * 1024 + 64, ' ')}),
                413, "payload_too_large");
  ExpectProblem(world().Call(HttpCall{.method = "POST", .path = "/api/v1/patients", .session = &clinician,
                                      .body = "{}", .content_type = "text/plain"}),
                415, "unsupported_media_type");
  HttpReply deleted = world().Call(HttpCall{.method = "DELETE", .path = "/api/v1/patients/1", .session = &clinician});
  EXPECT_GE(deleted.status, 400) << deleted.Describe();
  EXPECT_LT(deleted.status, 500) << deleted.Describe();
  EXPECT_EQ(deleted.Header("Content-Type").rfind("application/problem+json", 0), 0u);
  HttpReply preflight = world().Call(HttpCall{.method = "OPTIONS", .path = "/api/v1/patients",
                                              .headers = {{"Origin", "https://evil.example"},
                                                          {"Access-Control-Request-Method", "POST"}}});
  EXPECT_FALSE(preflight.HasHeader("Access-Control-Allow-Origin")) << preflight.Describe();
  EXPECT_LT(preflight.status, 500) << preflight.Describe();
}

// ---- staff administration ----

TEST_P(ApiSessionTest, AdminAddsAUserWhoseGeneratedPasswordIsShownOnceAndSignsIn) {
  const Session& admin = world().SessionFor(Role::kAdmin);
  std::string username = "added." + std::to_string(world().Next());
  HttpReply added = world().Post("/api/v1/users", &admin,
                                 Json{{"username", username}, {"display_name", "Added User"}, {"role", "clinician"}});
  ASSERT_EQ(added.status, 201) << added.Describe();
  Json user = added.json();
  ASSERT_TRUE(user["initial_password"].is_string()) << added.Describe();
  std::string password = user["initial_password"];
  EXPECT_GE(password.size(), 12u);
  EXPECT_EQ(user["role"], "clinician");
  EXPECT_FALSE(user.contains("password_hash"));

  HttpReply listed = world().Get("/api/v1/users", &admin);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  bool found = false;
  const Json users = listed.json();
  for (const auto& item : users["items"]) {
    EXPECT_FALSE(item.contains("initial_password") || item.contains("password") || item.contains("password_hash"))
        << item.dump();
    found = found || item["username"] == username;
  }
  EXPECT_TRUE(found) << listed.Describe();
  EXPECT_EQ(listed.body.find(password), std::string::npos) << "the generated password is shown only once";

  Session session = world().SignIn(Credentials{.username = username, .password = password, .role = Role::kClinician});
  HttpReply me = world().Get("/api/v1/session", &session);
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_EQ(me.json()["role"], "clinician");

  HttpReply again = world().Post("/api/v1/users", &admin,
                                 Json{{"username", username}, {"display_name", "Twin"}, {"role", "clinician"}});
  ExpectProblem(again, 409, "conflict");
  EXPECT_EQ(again.error_fields(), std::set<std::string>{"username"});
}

TEST_P(ApiSessionTest, AdminChangesARoleAndItTakesEffectForOpenSessions) {
  const Session& admin = world().SessionFor(Role::kAdmin);
  Credentials who = world().AddUser(world().own().clinic_id, Role::kClinician, "rolechange");
  Session session = world().SignIn(who);
  ASSERT_EQ(world().Get("/api/v1/patients", &session).status, 200);

  std::string path = "/api/v1/users/" + std::to_string(who.user_id);
  HttpReply changed = world().Patch(path, &admin, Json{{"role", "researcher"}});
  ASSERT_EQ(changed.status, 200) << changed.Describe();
  EXPECT_EQ(changed.json()["role"], "researcher");
  EXPECT_EQ(world().Get("/api/v1/session", &session).json()["role"], "researcher");
  ExpectProblem(world().Get("/api/v1/patients", &session), 403, "forbidden");

  ASSERT_EQ(world().Patch(path, &admin, Json{{"role", "coordinator"}}).status, 200);
  EXPECT_EQ(world().Get("/api/v1/patients", &session).status, 200);
  ExpectProblem(world().Patch(path, &admin, Json{{"role", "surgeon"}}), 400, "validation_failed");
}

TEST_P(ApiSessionTest, PasswordResetEndsTheUsersSessions) {
  const Session& admin = world().SessionFor(Role::kAdmin);
  Credentials who = world().AddUser(world().own().clinic_id, Role::kClinician, "reset");
  Session old_session = world().SignIn(who);
  ASSERT_EQ(world().Get("/api/v1/session", &old_session).status, 200);

  HttpReply reset = world().Call(HttpCall{
      .method = "POST", .path = "/api/v1/users/" + std::to_string(who.user_id) + "/password-reset", .session = &admin});
  ASSERT_EQ(reset.status, 200) << reset.Describe();
  ASSERT_TRUE(reset.json()["initial_password"].is_string());
  std::string new_password = reset.json()["initial_password"];

  ExpectProblem(world().Get("/api/v1/session", &old_session), 401, "unauthenticated");
  ExpectProblem(world().Post("/api/v1/session", nullptr, Json{{"username", who.username}, {"password", who.password}}),
                401, "unauthenticated");
  Credentials renewed = who;
  renewed.password = new_password;
  Session fresh = world().SignIn(renewed);
  EXPECT_EQ(world().Get("/api/v1/session", &fresh).status, 200);
}

TEST_P(ApiSessionTest, StaffAdministrationIsForAdminsOnly) {
  const int64_t admin_id = world().UserFor(Role::kAdmin).user_id;
  for (Role role : {Role::kClinician, Role::kCoordinator, Role::kResearcher}) {
    SCOPED_TRACE(std::string(RoleName(role)));
    const Session& session = world().SessionFor(role);
    ExpectProblem(world().Get("/api/v1/users", &session), 403, "forbidden");
    ExpectProblem(world().Post("/api/v1/users", &session,
                               Json{{"username", "sneaky." + std::to_string(world().Next())},
                                    {"display_name", "Sneaky"},
                                    {"role", "admin"}}),
                  403, "forbidden");
    ExpectProblem(world().Patch("/api/v1/users/" + std::to_string(session.who.user_id), &session,
                                Json{{"role", "admin"}}),
                  403, "forbidden");
    ExpectProblem(world().Call(HttpCall{.method = "POST",
                                        .path = "/api/v1/users/" + std::to_string(admin_id) + "/password-reset",
                                        .session = &session}),
                  403, "forbidden");
    ExpectProblem(world().Get("/api/v1/audit", &session), 403, "forbidden");
    EXPECT_EQ(world().Get("/api/v1/session", &session).json()["role"], RoleName(role));
  }
}

TEST_P(ApiSessionTest, TheLastAdminCannotBeDemotedOrDeactivated) {
  const int64_t clinic = world().NewClinic("Solo Clinic " + std::to_string(world().Next()));
  Credentials only = world().AddUser(clinic, Role::kAdmin, "solo");
  Session session = world().SignIn(only, clinic);
  std::string path = "/api/v1/users/" + std::to_string(only.user_id);
  HttpReply demoted = world().Patch(path, &session, Json{{"role", "clinician"}});
  ExpectProblem(demoted, 409, "conflict");
  EXPECT_EQ(demoted.error_fields(), std::set<std::string>{"role"});
  ExpectProblem(world().Patch(path, &session, Json{{"active", false}}), 409, "conflict");
  HttpReply still = world().Get("/api/v1/session", &session);
  ASSERT_EQ(still.status, 200) << still.Describe();
  EXPECT_EQ(still.json()["role"], "admin");
}

// ---- audit ----

// Every row of the signed-in admin's clinic audit trail, walking next_cursor.
std::vector<Json> WholeAudit(ApiWorld& world, const Session& admin) {
  std::vector<Json> rows;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    HttpReply reply = world.Get("/api/v1/audit?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), &admin);
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    if (reply.status != 200) break;
    Json body = reply.json();
    for (auto& row : body["items"]) rows.push_back(row);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].get<std::string>();
  }
  return rows;
}

TEST_P(ApiSessionTest, CreatesUpdatesSignInsAndSignOutsAreAuditedWithTheActingUser) {
  const Credentials& who = world().UserFor(Role::kClinician);
  HttpReply login = world().Post("/api/v1/session", nullptr,
                                 Json{{"username", who.username}, {"password", who.password}});
  ASSERT_EQ(login.status, 201) << login.Describe();
  Session session{.who = who,
                  .cookie = SessionCookieValue(login),
                  .csrf_token = login.json()["csrf_token"]};
  HttpReply created = world().Post("/api/v1/patients", &session, SampleBody("patients", {}, world().Next()));
  ASSERT_EQ(created.status, 201) << created.Describe();
  int64_t id = created.json()["id"];
  HttpReply updated = world().Patch("/api/v1/patients/" + std::to_string(id), &session, Json{{"zip", "97210"}});
  ASSERT_EQ(updated.status, 200) << updated.Describe();
  HttpReply logout = world().Post("/api/v1/session/logout", &session, Json::object());
  ASSERT_EQ(logout.status, 200) << logout.Describe();

  struct Expected {
    const HttpReply* reply;
    std::string action;
    std::string object_type;
    Json object_id;
  };
  std::vector<Expected> expected = {{&login, "login", "session", nullptr},
                                    {&created, "create", "patients", id},
                                    {&updated, "update", "patients", id},
                                    {&logout, "logout", "session", nullptr}};
  std::vector<Json> audit = WholeAudit(world(), world().SessionFor(Role::kAdmin));
  for (const auto& e : expected) {
    std::string request_id = e.reply->Header("X-Request-Id");
    SCOPED_TRACE(e.action + " " + request_id);
    ASSERT_FALSE(request_id.empty());
    const Json* row = nullptr;
    for (const auto& r : audit)
      if (r["request_id"] == request_id) row = &r;
    ASSERT_NE(row, nullptr) << "no audit row for the request";
    EXPECT_EQ((*row)["action"], e.action);
    EXPECT_EQ((*row)["object_type"], e.object_type);
    EXPECT_EQ((*row)["object_id"], e.object_id);
    EXPECT_EQ((*row)["username"], who.username);
    EXPECT_EQ((*row)["user_id"], who.user_id);
    EXPECT_EQ((*row)["role"], "clinician");
    EXPECT_EQ((*row)["ip"], "127.0.0.1");
    EXPECT_FALSE((*row)["at"].get<std::string>().empty());
    if (e.action == "create" || e.action == "update") {
      EXPECT_EQ((*row)["patient_id"], id);
    }
  }
  const Json* update_row = nullptr;
  for (const auto& r : audit)
    if (r["request_id"] == updated.Header("X-Request-Id")) update_row = &r;
  ASSERT_NE(update_row, nullptr);
  EXPECT_EQ((*update_row)["before"], Json({{"zip", "97205"}}));
  EXPECT_EQ((*update_row)["after"], Json({{"zip", "97210"}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiSessionTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
