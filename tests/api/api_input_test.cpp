// Hostile input through the real server (RELIABILITY.md B2, B3, B5): every malformed, mistyped,
// out-of-range, oversized or wrongly encoded request gets a 4xx problem document naming the field where
// there is one, never a 5xx or a database message, and writes nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api_fixture.hpp"
#include "core/time.hpp"

namespace kneeregen::testing {
namespace {

using ApiInputTest = ApiTest;

struct BadInput {
  std::string name;
  std::string resource;
  std::string body;
  std::string content_type;
  int status;
  std::string code;
  std::string field;  // "" when the problem is not one field's
};

std::string FutureDate() {
  return FormatDate(std::chrono::year_month_day{std::chrono::sys_days{TodayUtc()} + std::chrono::days{2}});
}

TEST_P(ApiInputTest, HostileInputGetsAProblemAndWritesNothing) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  const int n = world().Next();
  auto patient = [&](const Json& overrides) {
    Json body = SampleBody("patients", {}, n);
    for (const auto& [k, v] : overrides.items()) body[k] = v;
    return body.dump();
  };
  auto assessment = [&](const Json& overrides) {
    Json body = SampleBody("assessments", {{"knees", world().own().id("knees")}}, n);
    for (const auto& [k, v] : overrides.items()) body[k] = v;
    return body.dump();
  };
  const std::string json = "application/json";
  std::string valid = patient(Json::object());
  std::string huge = patient({{"given_name", std::string(1024 * 1024 + 16, 'a')}});
  std::string duplicated = valid;
  duplicated.insert(1, "\"mrn\":\"DUP-" + std::to_string(n) + "\",");
  std::string nul = valid;
  nul.replace(nul.find("\"Maria\""), 7, "\"Ma\\u0000ria\"");
  std::string raw_control = valid;
  raw_control.replace(raw_control.find("\"Maria\""), 7, std::string("\"Ma\x01ria\""));
  std::string bad_utf8 = valid;
  bad_utf8.replace(bad_utf8.find("\"Maria\""), 7, "\"Ma\xC3\x28ria\"");
  std::string overlong_utf8 = valid;
  overlong_utf8.replace(overlong_utf8.find("\"Maria\""), 7, "\"Ma\xC0\xAFria\"");
  std::string lone_surrogate = valid;
  lone_surrogate.replace(lone_surrogate.find("\"Maria\""), 7, "\"Ma\\ud800ria\"");

  const std::vector<BadInput> cases = {
      {"malformed JSON", "patients", "{\"mrn\": \"X\",", json, 400, "malformed_json", ""},
      {"not an object", "patients", "[1, 2]", json, 400, "validation_failed", ""},
      {"empty body", "patients", "", json, 400, "malformed_json", ""},
      {"unknown field", "patients", patient({{"nickname", "Mo"}}), json, 400, "validation_failed", "nickname"},
      {"server field", "patients", patient({{"version", 7}}), json, 400, "validation_failed", "version"},
      {"missing required field", "patients", patient({{"family_name", nullptr}}), json, 400, "validation_failed",
       "family_name"},
      {"number for text", "patients", patient({{"given_name", 42}}), json, 400, "validation_failed", "given_name"},
      {"number for date", "patients", patient({{"birth_date", 19610417}}), json, 400, "validation_failed",
       "birth_date"},
      {"boolean for enum", "patients", patient({{"sex", true}}), json, 400, "validation_failed", "sex"},
      {"value outside enum", "patients", patient({{"sex", "F"}}), json, 400, "validation_failed", "sex"},
      {"string for integer", "assessments", assessment({{"kl_grade", "2"}}), json, 400, "validation_failed",
       "kl_grade"},
      {"fraction for integer", "assessments", assessment({{"kl_grade", 2.5}}), json, 400, "validation_failed",
       "kl_grade"},
      {"string for ref", "assessments", assessment({{"knee_id", "1"}}), json, 400, "validation_failed", "knee_id"},
      {"impossible date", "patients", patient({{"birth_date", "2023-02-30"}}), json, 400, "validation_failed",
       "birth_date"},
      {"date in another format", "patients", patient({{"birth_date", "17/04/1961"}}), json, 400,
       "validation_failed", "birth_date"},
      {"birth date in the future", "patients", patient({{"birth_date", FutureDate()}}), json, 400,
       "validation_failed", "birth_date"},
      {"kl_grade 5", "assessments", assessment({{"kl_grade", 5}}), json, 400, "validation_failed", "kl_grade"},
      {"negative BMI", "assessments", assessment({{"bmi", -27.4}}), json, 400, "validation_failed", "bmi"},
      {"Tegner 11", "assessments", assessment({{"tegner_level", 11}}), json, 400, "validation_failed",
       "tegner_level"},
      {"text over its length", "patients", patient({{"given_name", std::string(101, 'a')}}), json, 400,
       "validation_failed", "given_name"},
      {"characters outside the MRN pattern", "patients", patient({{"mrn", "MRN 1';DROP TABLE patients;--"}}), json,
       400, "validation_failed", "mrn"},
      {"duplicate MRN", "patients", patient({{"mrn", world().own().records.at("patients")["mrn"]}}), json, 409,
       "conflict", "mrn"},
      {"body over 1 MiB", "patients", huge, json, 413, "payload_too_large", ""},
      {"text/plain", "patients", valid, "text/plain", 415, "unsupported_media_type", ""},
      {"form encoding", "patients", "mrn=X", "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
      {"no Content-Type", "patients", valid, "", 415, "unsupported_media_type", ""},
      {"duplicate keys", "patients", duplicated, json, 400, "malformed_json", ""},
      {"NUL in a string", "patients", nul, json, 400, "malformed_json", ""},
      {"raw control character", "patients", raw_control, json, 400, "malformed_json", ""},
      {"invalid UTF-8", "patients", bad_utf8, json, 400, "malformed_json", ""},
      {"overlong UTF-8", "patients", overlong_utf8, json, 400, "malformed_json", ""},
      {"lone surrogate", "patients", lone_surrogate, json, 400, "malformed_json", ""},
      {"NaN", "assessments", "{\"knee_id\": 1, \"kind\": \"baseline\", \"assessed_on\": \"2026-03-02\", \"bmi\": NaN}",
       json, 400, "malformed_json", ""},
      {"deep nesting", "patients", std::string(64, '[') + std::string(64, ']'), json, 400, "malformed_json", ""},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    const int64_t before = world().CountRecords(clinic, c.resource);
    HttpReply reply = world().Call(HttpCall{.method = "POST", .path = RecordPath(c.resource), .session = &session,
                                            .body = c.body, .content_type = c.content_type});
    ExpectProblem(reply, c.status, c.code);
    if (!c.field.empty()) {
      EXPECT_EQ(reply.error_fields(), std::set<std::string>{c.field}) << reply.Describe();
    }
    EXPECT_EQ(world().CountRecords(clinic, c.resource), before) << "a rejected request wrote a record";
    EXPECT_EQ(reply.body.find("SQL"), std::string::npos) << reply.Describe();
  }

  // The same rules hold for a change; the stored record keeps its version.
  const int64_t id = world().own().id("patients");
  const Json stored = *world().ReadRecord(clinic, "patients", id);
  for (const auto& [change, field] : std::vector<std::pair<Json, std::string>>{
           {{{"birth_date", "2023-02-30"}}, "birth_date"},
           {{{"birth_date", FutureDate()}}, "birth_date"},
           {{{"nickname", "Mo"}}, "nickname"},
           {{{"family_name", nullptr}}, "family_name"},
           {{{"kl_grade", 2}}, "kl_grade"},
       }) {
    HttpReply reply = world().Patch(RecordPath("patients", id), &session, change);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{field}) << change.dump();
  }
  int64_t other = world().CreateRecord(clinic, "patients", SampleBody("patients", {}, world().Next()))["id"];
  HttpReply taken = world().Patch(RecordPath("patients", other), &session, Json{{"mrn", stored["mrn"]}});
  ExpectProblem(taken, 409, "conflict");
  EXPECT_EQ(taken.error_fields(), std::set<std::string>{"mrn"});
  EXPECT_EQ(*world().ReadRecord(clinic, "patients", id), stored);
}

// Query values get the checks request bodies get: invalid UTF-8 or a NUL must never reach the database
// (PostgreSQL rejects the bytes; libpq passes parameters as C strings).
TEST_P(ApiInputTest, HostileQueryStringsGetAProblemNeverAServerError) {
  const Session& session = world().SessionFor(Role::kClinician);
  for (const std::string query : {"q=%FF", "q=Ma%C3%28", "q=%00", "q=Ma%00ria", "mrn=%FF", "mrn=MRN%00",
                                  "q=%27%20OR%201%3D1--", "mrn=%27%3BDROP%20TABLE%20patients%3B--",
                                  "limit=99999999999999999999", "cursor=99999999999999999999"}) {
    HttpReply reply = world().Get("/api/v1/patients?" + query, &session);
    EXPECT_LT(reply.status, 500) << query << ": " << reply.Describe();
    EXPECT_EQ(reply.body.find("SQL"), std::string::npos) << query << ": " << reply.Describe();
    EXPECT_EQ(reply.body.find("byte sequence"), std::string::npos) << query << ": " << reply.Describe();
    if (reply.status == 200) {
      EXPECT_TRUE(reply.json()["items"].empty()) << query << " matched records: " << reply.Describe();
    } else {
      EXPECT_EQ(reply.status, 400) << query << ": " << reply.Describe();
    }
  }
  EXPECT_GT(world().CountRecords(world().own().clinic_id, "patients"), 0);
}

// httplib answers a request line over 8 KiB itself, with 414; it must stay a client error.
TEST_P(ApiInputTest, AnOverlongUriIsAClientError) {
  const Session& session = world().SessionFor(Role::kClinician);
  HttpReply long_uri = world().Get("/api/v1/patients?q=" + std::string(9000, 'a'), &session);
  EXPECT_GE(long_uri.status, 400) << long_uri.Describe();
  EXPECT_LT(long_uri.status, 500) << "an over-long URI is the client's error: " << long_uri.Describe();
  EXPECT_EQ(long_uri.Header("Content-Type").rfind("application/problem+json", 0), 0u);
}

// set_payload_max_length only limits bodies that declare a Content-Length; cpp-httplib 0.11 would read a
// chunked body whole, however large (memory exhaustion, and oversized records stored).
TEST_P(ApiInputTest, AChunkedBodyOverTheLimitIsRefused) {
  const Session& session = world().SessionFor(Role::kClinician);
  // The body is a valid patient followed by 3 MiB of JSON whitespace, so reading it all creates a record.
  const int64_t before = world().CountRecords(world().own().clinic_id, "patients");
  const std::string patient = SampleBody("patients", {}, world().Next()).dump();
  std::string filler = std::string(64 * 1024, ' ');
  httplib::Client client("127.0.0.1", world().port());
  httplib::Headers headers = {{"Cookie", "__Host-kneeregen_session=" + session.cookie},
                              {"X-CSRF-Token", session.csrf_token}};
  auto result = client.Post(
      "/api/v1/patients", headers,
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset == 0) {
          sink.write(patient.data(), patient.size());
        } else if (offset >= 3 * 1024 * 1024) {
          sink.done();
        } else {
          sink.write(filler.data(), filler.size());
        }
        return true;
      },
      "application/json");
  if (result) {
    HttpReply reply{.status = result->status, .body = result->body, .headers = result->headers};
    EXPECT_EQ(reply.status, 413) << reply.Describe();
    for (const auto& problem : SecurityHeaderProblems(reply)) ADD_FAILURE() << problem;
  }
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "patients"), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiInputTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
