// The real kneeregen server in-process for API tests: a fresh store (SQLite in memory, or PostgreSQL when
// KNEEREGEN_TEST_PG_URL is set), api::HttpServer on an ephemeral loopback port, two clinics with one
// record of every kind each, staff users signed in on demand, and an HTTP client that checks the
// security headers (RELIABILITY.md T2/T3) of every response it receives.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.hpp"
#include "api/services.hpp"
#include "core/json_body.hpp"
#include "registry/actor.hpp"
#include "registry/roles.hpp"
#include "registry/store.hpp"

namespace kneeregen::testing {

enum class ApiBackend { kSqlite, kPostgres };

inline constexpr ApiBackend kAllApiBackends[] = {ApiBackend::kSqlite, ApiBackend::kPostgres};

std::string ApiBackendName(const ::testing::TestParamInfo<ApiBackend>& info);
// How gtest (and so ctest's test names) show a backend.
void PrintTo(ApiBackend backend, std::ostream* out);

// The password every seeded user gets: long enough for the policy, not on the breached list.
inline constexpr const char* kTestPassword = "quiet meadow lantern 42";

struct Credentials {
  std::string username;
  std::string password;
  Role role = Role::kResearcher;
  int64_t user_id = 0;
  int64_t clinic_id = 0;
};

// A signed-in browser: the session cookie's value and the CSRF token the sign-in returned.
struct Session {
  Credentials who;
  std::string cookie;
  std::string csrf_token;
};

struct HttpReply {
  int status = 0;  // 0 when no response arrived
  std::string body;
  httplib::Headers headers;
  std::string transport_error;

  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
  Json json() const;                           // the parsed body, or a discarded value when it is not JSON
  std::string code() const;                    // the problem document's code, or ""
  std::set<std::string> error_fields() const;  // errors[].field of a problem document
  // The body without request_id, for comparing two problem documents.
  Json without_request_id() const;
  std::string Describe() const;  // "404 not_found {...}" for failure messages
};

struct HttpCall {
  std::string method = "GET";
  std::string path;
  const Session* session = nullptr;
  std::optional<std::string> body;  // raw bytes; sent with `content_type`
  std::string content_type = "application/json";
  bool send_csrf = true;     // X-CSRF-Token from the session on POST and PATCH
  httplib::Headers headers;  // extra request headers
  bool tolerate_no_response = false;  // a burst test that retries connections the server reset
};

// One record of every kind in one clinic, keyed by resource ("patients" -> the stored record).
struct ClinicRecords {
  int64_t clinic_id = 0;
  std::map<std::string, Json> records;
  int64_t id(const std::string& resource) const { return records.at(resource).at("id").get<int64_t>(); }
};

// Expects a problem document with this status and code, served as application/problem+json.
void ExpectProblem(const HttpReply& reply, int status, const std::string& code);

// "/api/v1/patients" or "/api/v1/patients/7".
std::string RecordPath(const std::string& resource, std::optional<int64_t> id = std::nullopt);

// The session cookie's value from a sign-in reply's Set-Cookie header, or "".
std::string SessionCookieValue(const HttpReply& reply);

// Problems with the security headers of one response; empty when it complies.
std::vector<std::string> SecurityHeaderProblems(const HttpReply& reply);

class ApiWorld {
 public:
  // Opens the store, starts the server and seeds both clinics; throws std::runtime_error on failure.
  explicit ApiWorld(ApiBackend backend);
  ~ApiWorld();
  ApiWorld(const ApiWorld&) = delete;
  ApiWorld& operator=(const ApiWorld&) = delete;

  ApiBackend backend() const { return backend_; }
  int port() const { return port_; }
  Store& store() { return *store_; }
  api::Services& services() { return *services_; }
  const std::vector<api::Route>& routes() const { return server_->routes(); }

  // The clinic the test users work in, and a second clinic whose objects they must never reach.
  const ClinicRecords& own() const { return own_; }
  const ClinicRecords& foreign() const { return foreign_; }

  // The command-line operator (no user id) acting in `clinic_id` with `role`.
  static Actor Operator(int64_t clinic_id, Role role = Role::kAdmin);
  int64_t NewClinic(const std::string& name);
  // A user added through AccountService with kTestPassword; usernames get a counter suffix.
  Credentials AddUser(int64_t clinic_id, Role role, const std::string& name_prefix);
  // The seeded user of `role` in the own clinic (created on first use) and a cached session for them.
  const Credentials& UserFor(Role role);
  const Session& SessionFor(Role role);
  // Signs in through POST /api/v1/session; a fresh session every call. Fails the test when refused.
  Session SignIn(const Credentials& who, std::optional<int64_t> clinic_id = std::nullopt);

  // A record created through RecordService by an actor whose role may create it; throws when refused.
  Json CreateRecord(int64_t clinic_id, const std::string& resource, const Json& body);
  int64_t CountRecords(int64_t clinic_id, const std::string& resource);
  std::optional<Json> ReadRecord(int64_t clinic_id, const std::string& resource, int64_t id);
  // A counter for unique names within this world.
  int Next() { return ++counter_; }

  // Sends one request; every response's security headers are checked (a failure names the request).
  HttpReply Call(const HttpCall& call);
  HttpReply Get(const std::string& path, const Session* session);
  HttpReply Post(const std::string& path, const Session* session, const Json& body);
  HttpReply Patch(const std::string& path, const Session* session, const Json& body,
                  const std::string& if_match = "");

 private:
  ClinicRecords SeedClinic(int64_t clinic_id, const std::string& tag);

  ApiBackend backend_;
  std::string pg_schema_;
  std::string pg_admin_url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<api::Services> services_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread server_thread_;
  int port_ = -1;
  int counter_ = 0;
  ClinicRecords own_;
  ClinicRecords foreign_;
  std::map<Role, Credentials> users_;
  std::map<Role, Session> sessions_;
};

// A valid create body for `resource`, hand-written rather than taken from the schema examples. `refs`
// gives the ids to reference (resource -> id); `n` makes unique fields (mrn) unique.
// A six-session bone-marrow plan request: joint plus the four collateral-ligament sites.
Json SamplePlanRequest();
Json SampleBody(const std::string& resource, const std::map<std::string, int64_t>& refs, int n);

// Value-parameterised over backends; one world per backend per test process, shared by every suite of the
// binary and torn down after the last test. The PostgreSQL instance is skipped unless KNEEREGEN_TEST_PG_URL
// is set.
class ApiTest : public ::testing::TestWithParam<ApiBackend> {
 protected:
  void SetUp() override;
  ApiWorld& world() { return *world_; }

 private:
  ApiWorld* world_ = nullptr;
};

}  // namespace kneeregen::testing
