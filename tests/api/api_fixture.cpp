#include "api_fixture.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "api/cookies.hpp"
#include "clinic/pricing.hpp"
#include "clinic/prom_settings.hpp"
#include "core/time.hpp"
#include "storage/open_store.hpp"

namespace kneeregen::testing {

namespace {

const char* PgBaseUrl() {
  const char* url = std::getenv("KNEEREGEN_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

void PgCommand(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot reach PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string message = ok ? "" : PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(sql + ": " + message);
}

// ctest runs the cases of one binary as separate processes, possibly at once on one database, so each
// world gets a schema of its own (the pid plus a counter) instead of resetting `public` under a neighbour.
std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  return "kr_api_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

std::string Explain(const Error& e) {
  std::string out = std::string(kneeregen::Describe(e.code).code) + ": " + e.detail;
  for (const auto& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

const RecordSchema& SchemaOf(const std::string& resource) {
  const RecordSchema* schema = FindRecordSchema(resource);
  if (!schema) throw std::logic_error("no record schema " + resource);
  return *schema;
}

std::string CookieValue(const std::string& set_cookie) {
  const std::string prefix = std::string(api::kSessionCookie) + "=";
  if (set_cookie.rfind(prefix, 0) != 0) return "";
  return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
}

}  // namespace

std::string ApiBackendName(const ::testing::TestParamInfo<ApiBackend>& info) {
  return info.param == ApiBackend::kSqlite ? "SqliteMemory" : "Postgres";
}

void PrintTo(ApiBackend backend, std::ostream* out) {
  *out << (backend == ApiBackend::kSqlite ? "sqlite" : "postgresql");
}

// ---- HttpReply ----

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

bool HttpReply::HasHeader(const std::string& name) const { return headers.find(name) != headers.end(); }

Json HttpReply::json() const { return Json::parse(body, nullptr, false); }

std::string HttpReply::code() const {
  Json j = json();
  return j.is_object() && j.contains("code") && j["code"].is_string() ? j["code"].get<std::string>() : "";
}

std::set<std::string> HttpReply::error_fields() const {
  std::set<std::string> fields;
  Json j = json();
  if (j.is_object() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.contains("field") && e["field"].is_string()) fields.insert(e["field"].get<std::string>());
  return fields;
}

Json HttpReply::without_request_id() const {
  Json j = json();
  if (j.is_object()) j.erase("request_id");
  return j;
}

std::string HttpReply::Describe() const {
  if (status == 0) return "no response (" + transport_error + ")";
  std::string shown = body.size() > 600 ? body.substr(0, 600) + "..." : body;
  return std::to_string(status) + " " + shown;
}

void ExpectProblem(const HttpReply& reply, int status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.Describe();
  EXPECT_EQ(reply.code(), code) << reply.Describe();
  EXPECT_EQ(reply.Header("Content-Type").rfind("application/problem+json", 0), 0u)
      << reply.Header("Content-Type");
}

std::string RecordPath(const std::string& resource, std::optional<int64_t> id) {
  return "/api/v1/" + resource + (id ? "/" + std::to_string(*id) : "");
}

std::string SessionCookieValue(const HttpReply& reply) { return CookieValue(reply.Header("Set-Cookie")); }

std::vector<std::string> SecurityHeaderProblems(const HttpReply& reply) {
  std::vector<std::string> problems;
  if (reply.status == 0) return {"no response: " + reply.transport_error};
  std::string hsts = reply.Header("Strict-Transport-Security");
  if (hsts.find("max-age=31536000") == std::string::npos ||
      hsts.find("includeSubDomains") == std::string::npos)
    problems.push_back("Strict-Transport-Security is '" + hsts + "'");
  std::string csp = reply.Header("Content-Security-Policy");
  if (csp.find("default-src 'self'") == std::string::npos || csp.find("unsafe-inline") != std::string::npos ||
      csp.find("unsafe-eval") != std::string::npos)
    problems.push_back("Content-Security-Policy is '" + csp + "'");
  if (reply.Header("X-Content-Type-Options") != "nosniff")
    problems.push_back("X-Content-Type-Options is '" + reply.Header("X-Content-Type-Options") + "'");
  if (reply.Header("Referrer-Policy") != "no-referrer")
    problems.push_back("Referrer-Policy is '" + reply.Header("Referrer-Policy") + "'");
  if (reply.Header("Cache-Control").find("no-store") == std::string::npos)
    problems.push_back("Cache-Control is '" + reply.Header("Cache-Control") + "'");
  if (reply.Header("Content-Type").find("charset=") == std::string::npos)
    problems.push_back("Content-Type has no charset: '" + reply.Header("Content-Type") + "'");
  if (reply.HasHeader("Server") && reply.Header("Server").find_first_of("0123456789") != std::string::npos)
    problems.push_back("Server header carries a version: '" + reply.Header("Server") + "'");
  return problems;
}

// ---- ApiWorld ----

ApiWorld::ApiWorld(ApiBackend backend) : backend_(backend) {
  spdlog::set_level(spdlog::level::warn);  // the access log would print a line per request
  std::string url = "sqlite::memory:";
  if (backend == ApiBackend::kPostgres) {
    const char* base = PgBaseUrl();
    if (!base) throw std::runtime_error("KNEEREGEN_TEST_PG_URL is not set");
    pg_admin_url_ = base;
    pg_schema_ = UniqueSchemaName();
    PgCommand(pg_admin_url_, "DROP SCHEMA IF EXISTS " + pg_schema_ + " CASCADE; CREATE SCHEMA " + pg_schema_);
    url = pg_admin_url_ + (pg_admin_url_.find('?') == std::string::npos ? "?" : "&") +
          "options=-c%20search_path%3D" + pg_schema_ + "&application_name=" + pg_schema_;
  }
  auto opened = OpenStore(url);
  if (!opened) throw std::runtime_error("OpenStore failed: " + Explain(opened.error()));
  store_ = std::move(*opened);
  services_ = std::make_unique<api::Services>(*store_);
  server_ = std::make_unique<api::HttpServer>(*services_);
  port_ = server_->BindToAnyPort("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("could not bind a loopback port");
  server_thread_ = std::thread([this] { server_->ListenAfterBind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->IsRunning() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  try {
    if (!server_->IsRunning()) throw std::runtime_error("the server did not start listening");
    own_ = SeedClinic(NewClinic("Own Knee Clinic"), "own");
    foreign_ = SeedClinic(NewClinic("Foreign Knee Clinic"), "foreign");
  } catch (...) {
    server_->Stop();
    server_thread_.join();
    throw;
  }
}

ApiWorld::~ApiWorld() {
  if (server_) server_->Stop();
  if (server_thread_.joinable()) server_thread_.join();
  server_.reset();
  services_.reset();
  store_.reset();
  if (!pg_schema_.empty()) {
    try {
      PgCommand(pg_admin_url_, "DROP SCHEMA IF EXISTS " + pg_schema_ + " CASCADE");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

Actor ApiWorld::Operator(int64_t clinic_id, Role role) {
  return Actor{.username = "test", .role = role, .clinic_id = clinic_id};
}

int64_t ApiWorld::NewClinic(const std::string& name) {
  auto clinic =
      services_->accounts.CreateClinic(Operator(0), Json{{"name", name}, {"time_zone", "America/Chicago"}});
  if (!clinic) throw std::runtime_error("CreateClinic failed: " + Explain(clinic.error()));
  return (*clinic)["id"].get<int64_t>();
}

Credentials ApiWorld::AddUser(int64_t clinic_id, Role role, const std::string& name_prefix) {
  Credentials c{.username = name_prefix + "." + std::to_string(Next()),
                .password = kTestPassword,
                .role = role,
                .clinic_id = clinic_id};
  auto added = services_->accounts.AddUser(Operator(clinic_id),
                                           Json{{"username", c.username},
                                                {"display_name", "Test " + std::string(RoleName(role))},
                                                {"role", RoleName(role)},
                                                {"password", c.password}});
  if (!added) throw std::runtime_error("AddUser failed: " + Explain(added.error()));
  c.user_id = added->user["id"].get<int64_t>();
  return c;
}

const Credentials& ApiWorld::UserFor(Role role) {
  auto it = users_.find(role);
  if (it == users_.end())
    it = users_.emplace(role, AddUser(own_.clinic_id, role, std::string(RoleName(role)))).first;
  return it->second;
}

const Session& ApiWorld::SessionFor(Role role) {
  auto it = sessions_.find(role);
  if (it == sessions_.end()) it = sessions_.emplace(role, SignIn(UserFor(role), own_.clinic_id)).first;
  return it->second;
}

Session ApiWorld::SignIn(const Credentials& who, std::optional<int64_t> clinic_id) {
  Json body{{"username", who.username}, {"password", who.password}};
  if (clinic_id) body["clinic_id"] = *clinic_id;
  HttpReply reply = Post("/api/v1/session", nullptr, body);
  Session session{.who = who, .cookie = SessionCookieValue(reply)};
  Json j = reply.json();
  if (reply.status != 201 || session.cookie.empty() || !j.is_object() || !j["csrf_token"].is_string()) {
    ADD_FAILURE() << "sign-in of " << who.username << " failed: " << reply.Describe();
    return session;
  }
  session.csrf_token = j["csrf_token"].get<std::string>();
  if (clinic_id) session.who.clinic_id = *clinic_id;
  return session;
}

Json ApiWorld::CreateRecord(int64_t clinic_id, const std::string& resource, const Json& body) {
  const RecordSchema& schema = SchemaOf(resource);
  auto created = services_->records.Create(Operator(clinic_id, schema.policy.create.front()), schema, body);
  if (!created) throw std::runtime_error("creating " + resource + " failed: " + Explain(created.error()));
  return *created;
}

int64_t ApiWorld::CountRecords(int64_t clinic_id, const std::string& resource) {
  int64_t count = -1;
  auto status = store_->Read([&](ReadTransaction& tx) -> Status {
    count = tx.CountRecords(SchemaOf(resource), clinic_id);
    return Ok{};
  });
  if (!status) ADD_FAILURE() << "CountRecords failed: " << Explain(status.error());
  return count;
}

std::optional<Json> ApiWorld::ReadRecord(int64_t clinic_id, const std::string& resource, int64_t id) {
  std::optional<Json> found;
  auto status = store_->Read([&](ReadTransaction& tx) -> Status {
    found = tx.GetRecord(SchemaOf(resource), clinic_id, id);
    return Ok{};
  });
  if (!status) ADD_FAILURE() << "GetRecord failed: " << Explain(status.error());
  return found;
}

ClinicRecords ApiWorld::SeedClinic(int64_t clinic_id, const std::string& tag) {
  ClinicRecords seeded{.clinic_id = clinic_id};
  std::map<std::string, int64_t> refs;
  for (const auto& schema : AllRecordSchemas()) {
    // The fixture consent stays valid so sessions can be recorded under it; a second one is withdrawn.
    if (schema.resource == "consent-withdrawals")
      refs["consents"] = CreateRecord(clinic_id, "consents", SampleBody("consents", refs, Next()))["id"];
    Json body = SampleBody(schema.resource, refs, Next());
    if (schema.resource == "patients") body["mrn"] = "FIX-" + tag + "-1";
    Json stored = CreateRecord(clinic_id, schema.resource, body);
    refs[schema.resource] = stored["id"].get<int64_t>();
    seeded.records[schema.resource] = stored;
  }
  return seeded;
}

HttpReply ApiWorld::Call(const HttpCall& call) {
  httplib::Client client("127.0.0.1", port_);
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(15, 0);
  client.set_write_timeout(15, 0);
  httplib::Request req;
  req.method = call.method;
  req.path = call.path;
  req.headers = call.headers;
  if (call.session) {
    req.headers.emplace("Cookie", std::string(api::kSessionCookie) + "=" + call.session->cookie);
    if (call.method != "GET" && call.send_csrf) req.headers.emplace("X-CSRF-Token", call.session->csrf_token);
  }
  if (call.body) {
    req.body = *call.body;
    if (!call.content_type.empty()) req.headers.emplace("Content-Type", call.content_type);
  }
  HttpReply reply;
  auto result = client.send(req);
  if (!result) {
    reply.transport_error = httplib::to_string(result.error());
  } else {
    reply.status = result->status;
    reply.body = result->body;
    reply.headers = result->headers;
  }
  if (reply.status == 0 && call.tolerate_no_response) return reply;
  for (const auto& problem : SecurityHeaderProblems(reply))
    ADD_FAILURE() << call.method << " " << call.path << " -> " << reply.status << ": " << problem;
  return reply;
}

HttpReply ApiWorld::Get(const std::string& path, const Session* session) {
  return Call(HttpCall{.method = "GET", .path = path, .session = session});
}

HttpReply ApiWorld::Post(const std::string& path, const Session* session, const Json& body) {
  return Call(HttpCall{.method = "POST", .path = path, .session = session, .body = body.dump()});
}

HttpReply ApiWorld::Patch(const std::string& path, const Session* session, const Json& body,
                          const std::string& if_match) {
  HttpCall call{.method = "PATCH", .path = path, .session = session, .body = body.dump()};
  if (!if_match.empty()) call.headers.emplace("If-Match", if_match);
  return Call(call);
}

// ---- bodies ----

Json SamplePlanRequest() {
  return Json{{"product", "bone_marrow_concentrate"},
              {"total_dose", 60000},
              {"sessions", 6},
              {"interval_days", 14},
              {"session_volume_ul", 14000},
              {"sites",
               {{{"site", "intra_articular"}, {"share_percent", 60}},
                {{"site", "mcl_femoral_origin"}, {"share_percent", 10}},
                {{"site", "mcl_tibial_insertion"}, {"share_percent", 10}},
                {{"site", "lcl_femoral_origin"}, {"share_percent", 10}},
                {{"site", "lcl_fibular_insertion"}, {"share_percent", 10}}}}};
}

Json SampleBody(const std::string& resource, const std::map<std::string, int64_t>& refs, int n) {
  auto ref = [&](const std::string& target) -> Json {
    auto it = refs.find(target);
    return it == refs.end() ? Json(999999999) : Json(it->second);
  };
  if (resource == "practitioners")
    return Json{
        {"full_name", "Dana Whitfield, MD"}, {"credentials", "MD"}, {"npi", "1234567893"}, {"active", true}};
  if (resource == "patients")
    return Json{{"mrn", "MRN-" + std::to_string(n)},
                {"given_name", "Maria"},
                {"family_name", "Okafor"},
                {"birth_date", "1961-04-17"},
                {"sex", "female"},
                {"email", "maria@example.org"},
                {"zip", "97205"}};
  if (resource == "knees") return Json{{"patient_id", ref("patients")}, {"side", "left"}};
  if (resource == "assessments")
    return Json{{"knee_id", ref("knees")},
                {"kind", "baseline"},
                {"assessed_on", "2026-03-02"},
                {"kl_grade", 2},
                {"bmi", 27.4},
                {"tegner_level", 3},
                {"prior_knee_surgery", false}};
  if (resource == "cartilage-lesions")
    return Json{{"assessment_id", ref("assessments")},
                {"site", "medial_femoral_condyle"},
                {"icrs_grade", "3A"},
                {"area_cm2", 1.5}};
  if (resource == "outcome-events")
    return Json{{"patient_id", ref("patients")},
                {"knee_id", ref("knees")},
                {"event_type", "osteotomy"},
                {"event_date", "2026-05-14"},
                {"source", "records_confirmed"}};
  // Imaging kinds (records_imaging.cpp).
  if (resource == "imaging-studies")
    return Json{{"knee_id", ref("knees")},       {"modality", "mri"},
                {"study_date", "2026-02-20"},    {"field_strength_tesla", 3.0},
                {"sequences", "3D DESS, PD FS"}, {"reader", "Dr. L. Chen"},
                {"mocart_version", "2.0"},       {"mocart_score", 70}};
  if (resource == "cartilage-measurements")
    return Json{{"study_id", ref("imaging-studies")},
                {"region", "central_medial_femur"},
                {"thickness_mm", 2.1},
                {"volume_mm3", 1850.0},
                {"segmentation_method", "semi-automated (Chondrometrics)"}};
  if (resource == "worms-grades")
    return Json{{"study_id", ref("imaging-studies")},
                {"subregion", "medial_femur_central"},
                {"cartilage_grade", "2.5"},
                {"bone_marrow_lesion", 1}};

  // Treatment-course kinds (records_course.cpp, records_billing.cpp, records_consent.cpp,
  // records_sessions.cpp, records_safety.cpp). Sessions are dated today: the consent they need is signed
  // today.
  const std::string today = FormatDate(TodayUtc());
  if (resource == "prom-settings")
    return Json{{"label", "PROM settings " + std::to_string(n)}, {"settings", PromSettings::Default().ToJson()}};
  if (resource == "catalogues")
    return Json{{"label", "Clinic catalogue " + std::to_string(n)},
                {"catalogue", DefaultCatalogue().ToJson()}};
  if (resource == "price-lists") return Json{{"prices", DemoPriceList().ToJson()}};
  if (resource == "protocol-templates")
    return Json{{"name", "Six BMC sessions " + std::to_string(n)}, {"plan_request", SamplePlanRequest()}};
  if (resource == "treatment-courses")
    return Json{{"knee_id", ref("knees")},
                {"plan_request", SamplePlanRequest()},
                {"first_session", today},
                {"practitioner_id", ref("practitioners")}};
  if (resource == "quotes") return Json{{"course_id", ref("treatment-courses")}, {"valid_days", 30}};
  if (resource == "invoices") return Json{{"quote_id", ref("quotes")}};
  if (resource == "payments")
    return Json{{"invoice_id", ref("invoices")},
                {"kind", "payment"},
                {"amount_cents", 150000},
                {"method", "card"},
                {"paid_on", today},
                {"reference", "TX-" + std::to_string(n)}};
  if (resource == "consent-templates")
    return Json{
        {"name", "Knee injection consent " + std::to_string(n)},
        {"regulatory_status", "Not FDA-approved for cartilage regeneration; off-label use."},
        {"risks", "Temporary pain or swelling, infection, no improvement, rare immune or tissue reactions."},
        {"results_statement", "Results vary and cannot be guaranteed."}};
  if (resource == "consents")
    return Json{{"course_id", ref("treatment-courses")},
                {"template_id", ref("consent-templates")},
                {"signer_name", "Maria Okafor"},
                {"meaning", "patient_consents_to_treatment"}};
  if (resource == "consent-withdrawals")
    return Json{{"consent_id", ref("consents")}, {"reason", "Moving away"}};
  if (resource == "treatment-sessions")
    return Json{{"course_id", ref("treatment-courses")},
                {"performed_on", today},
                {"practitioner_id", ref("practitioners")},
                {"donor_type", "autologous"},
                {"harvest_tissue", "iliac_crest_marrow"},
                {"harvest_site", "posterior_iliac_crest"},
                {"harvest_side", "bilateral"},
                {"harvest_volume_ml", 60},
                {"processing_method", "centrifugation"},
                {"processing_kit_lot", "KIT-" + std::to_string(n)},
                {"preservation", "fresh"},
                {"product_lot", "BMC-" + std::to_string(n)},
                {"total_nucleated_cells", 4.2e8},
                {"viability_percent", 96.5}};
  if (resource == "injections")
    return Json{{"session_id", ref("treatment-sessions")},
                {"site", "intra_articular"},
                {"volume_ml", 8.4},
                {"dose", 8.4},
                {"guidance", "ultrasound"}};
  if (resource == "adverse-events")
    return Json{{"course_id", ref("treatment-courses")},
                {"session_id", ref("treatment-sessions")},
                {"site", "intra_articular"},
                {"term", "post_injection_flare"},
                {"onset_date", today},
                {"ctcae_grade", 1},
                {"causality", "probable"},
                {"action_taken", "medication"},
                {"outcome", "recovering"}};

  throw std::logic_error("no sample body for " + resource + ": add one to SampleBody");
}

// ---- ApiTest ----

namespace {

std::map<ApiBackend, std::unique_ptr<ApiWorld>>& Worlds() {
  static std::map<ApiBackend, std::unique_ptr<ApiWorld>> worlds;
  return worlds;
}

// The worlds outlive each suite so that every suite of a binary shares one server and one set of signed-in
// users per backend; they are torn down once, after the last test.
class WorldsEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { Worlds().clear(); }
};

[[maybe_unused]] ::testing::Environment* const kWorldsEnvironment =
    ::testing::AddGlobalTestEnvironment(new WorldsEnvironment);

}  // namespace

void ApiTest::SetUp() {
  if (GetParam() == ApiBackend::kPostgres && !PgBaseUrl())
    GTEST_SKIP() << "KNEEREGEN_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";
  auto& slot = Worlds()[GetParam()];
  if (!slot) slot = std::make_unique<ApiWorld>(GetParam());
  world_ = slot.get();
}

}  // namespace kneeregen::testing
