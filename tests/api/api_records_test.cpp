// Clinic records through the real server: create, read, update and list for every kind, versions and
// If-Match, derived fields and cross-record rules, paging, search, and foreign-clinic ids that read exactly
// like ids that do not exist (RELIABILITY.md A5).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api_fixture.hpp"

namespace kneeregen::testing {
namespace {

using ApiRecordsTest = ApiTest;

// Every item of a list route, following next_cursor from page to page.
std::vector<Json> WholeList(ApiWorld& world, const Session& session, const std::string& path_and_query,
                            int limit = 200) {
  std::vector<Json> items;
  std::string cursor;
  const char joiner = path_and_query.find('?') == std::string::npos ? '?' : '&';
  for (int page = 0; page < 10000; ++page) {
    std::string path = path_and_query + joiner + "limit=" + std::to_string(limit) +
                       (cursor.empty() ? "" : "&cursor=" + cursor);
    HttpReply reply = world.Get(path, &session);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.Describe();
    if (reply.status != 200) break;
    Json body = reply.json();
    EXPECT_LE(body["items"].size(), static_cast<size_t>(limit));
    for (auto& item : body["items"]) items.push_back(item);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].get<std::string>();
  }
  return items;
}

std::set<int64_t> Ids(const std::vector<Json>& items) {
  std::set<int64_t> ids;
  for (const auto& item : items) ids.insert(item["id"].get<int64_t>());
  return ids;
}

// The role that exercises a kind: a clinician wherever the policy lets one create and update.
Role WriterOf(const RecordSchema& schema) {
  auto allows = [&](Role r) {
    return schema.policy.Allows(r, Action::kCreate) &&
           (schema.append_only() || schema.policy.Allows(r, Action::kUpdate));
  };
  if (allows(Role::kClinician)) return Role::kClinician;
  for (Role r : kAllRoles)
    if (allows(r)) return r;
  return Role::kAdmin;
}

// A valid change for each kind, and how the changed record must read. Knees have no changeable field.
const std::map<std::string, Json>& Changes() {
  static const std::map<std::string, Json> changes = {
      {"practitioners", {{"credentials", "DO"}, {"active", false}}},
      {"patients", {{"phone", "+1 555 010 0100"}, {"family_name", "Okafor-Reyes"}}},
      {"knees", Json::object()},
      {"assessments", {{"bmi", 30.5}, {"kind", "follow_up"}}},
      {"cartilage-lesions", {{"area_cm2", 2.25}, {"icrs_grade", "3B"}}},
      {"outcome-events", {{"source", "patient_reported"}}},
      // Imaging kinds.
      {"imaging-studies", {{"reader", "Dr. M. Ortiz"}, {"mocart_score", 82}}},
      {"cartilage-measurements", {{"thickness_mm", 2.25}, {"volume_mm3", 1900.5}}},
      {"worms-grades", {{"cartilage_grade", "3"}, {"bone_marrow_lesion", 2}}},

      // Treatment-course kinds; catalogues, price lists, quotes, payments, consents and withdrawals are
      // append-only.
      {"protocol-templates", {{"active", false}}},
      {"treatment-courses", {{"status", "in_progress"}, {"notes", "Moved to mornings"}}},
      {"invoices", Json::object()},
      {"consent-templates", {{"risks", "Pain or swelling for a few days; infection; no improvement."}}},
      {"treatment-sessions", {{"notes", "Mild discomfort at the harvest site"}}},
      {"injections", {{"guidance", "landmark"}}},
      {"adverse-events", {{"ctcae_grade", 2}, {"description", "Swelling for three days"}}},

  };
  return changes;
}

TEST_P(ApiRecordsTest, EveryRecordKindCanBeCreatedReadUpdatedAndListed) {
  std::map<std::string, int64_t> refs;
  std::set<std::string> covered;
  for (const RecordSchema& schema : AllRecordSchemas()) {
    SCOPED_TRACE(schema.resource);
    ASSERT_TRUE(Changes().count(schema.resource) || schema.append_only())
        << "add a change for the new kind " << schema.resource;
    const Session& session = world().SessionFor(WriterOf(schema));
    Json body = SampleBody(schema.resource, refs, world().Next());

    HttpReply created = world().Post(RecordPath(schema.resource), &session, body);
    ASSERT_EQ(created.status, 201) << created.Describe();
    Json record = created.json();
    const int64_t id = record["id"];
    refs[schema.resource] = id;
    EXPECT_EQ(created.Header("Location"), RecordPath(schema.resource, id));
    EXPECT_EQ(created.Header("ETag"), "\"1\"");
    EXPECT_EQ(record["version"], 1);
    EXPECT_EQ(record["synthetic"], false);
    for (const auto& [key, value] : body.items()) EXPECT_EQ(record[key], value) << key;

    HttpReply read = world().Get(created.Header("Location"), &session);
    ASSERT_EQ(read.status, 200) << read.Describe();
    EXPECT_EQ(read.json(), record);
    EXPECT_EQ(read.Header("ETag"), "\"1\"");
    EXPECT_EQ(world().ReadRecord(world().own().clinic_id, schema.resource, id), record);

    EXPECT_TRUE(Ids(WholeList(world(), session, RecordPath(schema.resource))).count(id)) << "not in the list";
    covered.insert(schema.resource);
    if (schema.append_only()) {
      // No PATCH route: a correction is a new record.
      ExpectProblem(world().Patch(RecordPath(schema.resource, id), &session, Json::object(), "\"1\""), 405,
                    "method_not_allowed");
      continue;
    }
    const Json& change = Changes().at(schema.resource);
    HttpReply updated = world().Patch(RecordPath(schema.resource, id), &session, change, "\"1\"");
    ASSERT_EQ(updated.status, 200) << updated.Describe();
    const int expected_version = change.empty() ? 1 : 2;
    EXPECT_EQ(updated.json()["version"], expected_version);
    EXPECT_EQ(updated.Header("ETag"), "\"" + std::to_string(expected_version) + "\"");
    for (const auto& [key, value] : change.items()) EXPECT_EQ(updated.json()[key], value) << key;
    EXPECT_EQ(world().ReadRecord(world().own().clinic_id, schema.resource, id), updated.json());
    // Fields fixed at creation stay fixed.
    for (const auto& f : schema.fields) {
      if (!f.immutable || !f.client_writable()) continue;
      Json other = f.kind == FieldKind::kEnum
                       ? Json(f.values.back() == record[f.name] ? f.values.front() : f.values.back())
                   : f.kind == FieldKind::kDate
                       ? Json(record[f.name] == "2020-01-01" ? "2020-01-02" : "2020-01-01")
                   : f.kind == FieldKind::kJson
                       ? Json{{"changed", true}}
                       : Json(record[f.name].is_null() ? 1 : record[f.name].get<int64_t>() + 1);
      HttpReply refused = world().Patch(RecordPath(schema.resource, id), &session, Json{{f.name, other}});
      ExpectProblem(refused, 400, "validation_failed");
      EXPECT_EQ(refused.error_fields(), std::set<std::string>{f.name});
    }
  }
  EXPECT_EQ(covered.size(), AllRecordSchemas().size());
}

TEST_P(ApiRecordsTest, AStaleIfMatchIsRefusedWithoutWriting) {
  const Session& session = world().SessionFor(Role::kClinician);
  Json patient =
      world().CreateRecord(world().own().clinic_id, "patients", SampleBody("patients", {}, world().Next()));
  const int64_t id = patient["id"];
  ASSERT_EQ(world().Patch(RecordPath("patients", id), &session, Json{{"zip", "97210"}}, "\"1\"").status, 200);
  HttpReply stale = world().Patch(RecordPath("patients", id), &session, Json{{"zip", "97211"}}, "\"1\"");
  ExpectProblem(stale, 412, "precondition_failed");
  Json stored = *world().ReadRecord(world().own().clinic_id, "patients", id);
  EXPECT_EQ(stored["version"], 2);
  EXPECT_EQ(stored["zip"], "97210");
  HttpReply weak = world().Patch(RecordPath("patients", id), &session, Json{{"zip", "97212"}}, "W/\"2\"");
  EXPECT_EQ(weak.status, 200) << weak.Describe();
  HttpReply garbage =
      world().Patch(RecordPath("patients", id), &session, Json{{"zip", "97213"}}, "yesterday");
  ExpectProblem(garbage, 400, "validation_failed");
  EXPECT_EQ(garbage.error_fields(), std::set<std::string>{"If-Match"});
}

TEST_P(ApiRecordsTest, DerivedFieldsAreFilledFromTheReferencedRecord) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  int64_t patient =
      world().CreateRecord(clinic, "patients", SampleBody("patients", {}, world().Next()))["id"];
  int64_t knee = world().CreateRecord(clinic, "knees", SampleBody("knees", {{"patients", patient}}, 0))["id"];

  HttpReply assessment =
      world().Post(RecordPath("assessments"), &session, SampleBody("assessments", {{"knees", knee}}, 0));
  ASSERT_EQ(assessment.status, 201) << assessment.Describe();
  EXPECT_EQ(assessment.json()["patient_id"], patient);

  HttpReply lesion =
      world().Post(RecordPath("cartilage-lesions"), &session,
                   SampleBody("cartilage-lesions", {{"assessments", assessment.json()["id"]}}, 0));
  ASSERT_EQ(lesion.status, 201) << lesion.Describe();
  EXPECT_EQ(lesion.json()["knee_id"], knee);
  EXPECT_EQ(lesion.json()["patient_id"], patient);

  // A derived field can't be sent, not even with the right value.
  const int64_t before = world().CountRecords(clinic, "assessments");
  Json with_patient = SampleBody("assessments", {{"knees", knee}}, 0);
  with_patient["patient_id"] = patient;
  HttpReply refused = world().Post(RecordPath("assessments"), &session, with_patient);
  ExpectProblem(refused, 400, "validation_failed");
  EXPECT_EQ(refused.error_fields(), std::set<std::string>{"patient_id"});
  EXPECT_EQ(world().CountRecords(clinic, "assessments"), before);
}

TEST_P(ApiRecordsTest, OutcomeEventsFollowTheKneeAndDeathRules) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  int64_t first = world().CreateRecord(clinic, "patients", SampleBody("patients", {}, world().Next()))["id"];
  int64_t second = world().CreateRecord(clinic, "patients", SampleBody("patients", {}, world().Next()))["id"];
  int64_t first_knee =
      world().CreateRecord(clinic, "knees", SampleBody("knees", {{"patients", first}}, 0))["id"];
  int64_t second_knee =
      world().CreateRecord(clinic, "knees", SampleBody("knees", {{"patients", second}}, 0))["id"];
  const int64_t before = world().CountRecords(clinic, "outcome-events");

  HttpReply other_patients_knee =
      world().Post(RecordPath("outcome-events"), &session,
                   SampleBody("outcome-events", {{"patients", first}, {"knees", second_knee}}, 0));
  ExpectProblem(other_patients_knee, 400, "validation_failed");
  EXPECT_EQ(other_patients_knee.error_fields(), std::set<std::string>{"knee_id"});

  Json death = SampleBody("outcome-events", {{"patients", first}, {"knees", first_knee}}, 0);
  death["event_type"] = "death";
  HttpReply death_with_knee = world().Post(RecordPath("outcome-events"), &session, death);
  ExpectProblem(death_with_knee, 400, "validation_failed");
  EXPECT_EQ(death_with_knee.error_fields(), std::set<std::string>{"knee_id"});

  Json knee_event = SampleBody("outcome-events", {{"patients", first}}, 0);
  knee_event.erase("knee_id");
  HttpReply no_knee = world().Post(RecordPath("outcome-events"), &session, knee_event);
  ExpectProblem(no_knee, 400, "validation_failed");
  EXPECT_EQ(no_knee.error_fields(), std::set<std::string>{"knee_id"});
  EXPECT_EQ(world().CountRecords(clinic, "outcome-events"), before);

  death.erase("knee_id");
  HttpReply recorded = world().Post(RecordPath("outcome-events"), &session, death);
  EXPECT_EQ(recorded.status, 201) << recorded.Describe();
}

TEST_P(ApiRecordsTest, ListsArePagedByCursorAndCappedAt200) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  for (int64_t n = world().CountRecords(clinic, "practitioners"); n < 230; ++n)
    world().CreateRecord(clinic, "practitioners", SampleBody("practitioners", {}, 0));
  const int64_t total = world().CountRecords(clinic, "practitioners");

  HttpReply huge = world().Get("/api/v1/practitioners?limit=10000", &session);
  ASSERT_EQ(huge.status, 200) << huge.Describe();
  EXPECT_EQ(huge.json()["items"].size(), 200u);
  EXPECT_TRUE(huge.json()["next_cursor"].is_string());
  HttpReply plain = world().Get("/api/v1/practitioners", &session);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.json()["items"].size(), 50u) << "the default page";

  std::vector<Json> walked = WholeList(world(), session, "/api/v1/practitioners", 37);
  std::set<int64_t> ids = Ids(walked);
  EXPECT_EQ(ids.size(), walked.size()) << "a record appeared on two pages";
  EXPECT_EQ(static_cast<int64_t>(walked.size()), total);
  for (size_t i = 1; i < walked.size(); ++i) EXPECT_LT(walked[i - 1]["id"], walked[i]["id"]);

  for (const char* bad : {"limit=0", "limit=-5", "limit=ten", "limit="}) {
    HttpReply reply = world().Get(std::string("/api/v1/practitioners?") + bad, &session);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{"limit"}) << bad;
  }
  for (const char* bad : {"cursor=abc", "cursor=-1", "cursor=1e3"}) {
    HttpReply reply = world().Get(std::string("/api/v1/practitioners?") + bad, &session);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{"cursor"}) << bad;
  }
}

TEST_P(ApiRecordsTest, UnknownQueryParametersAreRefused) {
  const Session& clinician = world().SessionFor(Role::kClinician);
  struct Case {
    std::string path;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{"/api/v1/patients?colour=blue", "colour"},
                                         {"/api/v1/patients?sort=id%3BDROP%20TABLE%20patients", "sort"},
                                         {"/api/v1/patients?given_name=Maria", "given_name"},
                                         {"/api/v1/knees?q=left", "q"},
                                         {"/api/v1/knees?side=middle", "side"},
                                         {"/api/v1/knees?patient_id=abc", "patient_id"}}) {
    HttpReply reply = world().Get(c.path, &clinician);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{c.field}) << c.path;
  }
  HttpReply audit = world().Get("/api/v1/audit?action=login", &world().SessionFor(Role::kAdmin));
  ExpectProblem(audit, 400, "validation_failed");
  EXPECT_EQ(audit.error_fields(), std::set<std::string>{"action"});
  // The declared filters work.
  int64_t patient = world().own().id("patients");
  HttpReply filtered = world().Get("/api/v1/knees?patient_id=" + std::to_string(patient), &clinician);
  ASSERT_EQ(filtered.status, 200) << filtered.Describe();
  ASSERT_EQ(filtered.json()["items"].size(), 1u);
  EXPECT_EQ(filtered.json()["items"][0]["id"], world().own().id("knees"));
}

TEST_P(ApiRecordsTest, SearchIsACaseInsensitivePrefixMatchWithWildcardsTakenLiterally) {
  const Session& session = world().SessionFor(Role::kClinician);
  const int64_t clinic = world().own().clinic_id;
  const std::string tag = "qz" + std::to_string(world().Next());
  auto patient = [&](const std::string& family, const std::string& given) {
    Json body = SampleBody("patients", {}, world().Next());
    body["family_name"] = family;
    body["given_name"] = given;
    return world().CreateRecord(clinic, "patients", body)["id"].get<int64_t>();
  };
  int64_t bright = patient(tag + "bright", "Ann");
  int64_t brook = patient("QZ" + tag.substr(2) + "BROOK", "Bea");
  int64_t by_given = patient("Lowe", tag + "cara");
  patient("Inner" + tag, "Dee");  // contains the tag, but not at the start
  int64_t percent = patient("%" + tag, "Eve");
  int64_t underscore = patient("_" + tag, "Fay");

  auto search = [&](const std::string& encoded) {
    return Ids(WholeList(world(), session, "/api/v1/patients?q=" + encoded));
  };
  EXPECT_EQ(search(tag), (std::set<int64_t>{bright, brook, by_given}));
  EXPECT_EQ(search("QZ" + tag.substr(2) + "B"), (std::set<int64_t>{bright, brook}));
  EXPECT_EQ(search("%25"), std::set<int64_t>{percent}) << "% must match only a literal %";
  EXPECT_EQ(search("_"), std::set<int64_t>{underscore}) << "_ must match only a literal _";
  EXPECT_EQ(search("%25" + tag), std::set<int64_t>{percent});
  EXPECT_TRUE(search("%25%25").empty());
  EXPECT_GT(world().CountRecords(clinic, "patients"), 6);
  HttpReply too_long = world().Get("/api/v1/patients?q=" + std::string(101, 'a'), &session);
  ExpectProblem(too_long, 400, "validation_failed");
}

// ---- another clinic's objects ----

TEST_P(ApiRecordsTest, AnotherClinicsIdsReadExactlyLikeMissingIds) {
  const int64_t missing = 987654321;
  for (const RecordSchema& schema : AllRecordSchemas()) {
    SCOPED_TRACE(schema.resource);
    const Session& session = world().SessionFor(WriterOf(schema));
    const int64_t foreign = world().foreign().id(schema.resource);
    HttpReply foreign_get = world().Get(RecordPath(schema.resource, foreign), &session);
    HttpReply missing_get = world().Get(RecordPath(schema.resource, missing), &session);
    ExpectProblem(foreign_get, 404, "not_found");
    EXPECT_EQ(foreign_get.without_request_id(), missing_get.without_request_id());
    if (schema.append_only()) continue;

    Json change = Changes().at(schema.resource);
    HttpReply foreign_patch = world().Patch(RecordPath(schema.resource, foreign), &session, change);
    HttpReply missing_patch = world().Patch(RecordPath(schema.resource, missing), &session, change);
    ExpectProblem(foreign_patch, 404, "not_found");
    EXPECT_EQ(foreign_patch.without_request_id(), missing_patch.without_request_id());
    EXPECT_EQ(world().ReadRecord(world().foreign().clinic_id, schema.resource, foreign),
              world().foreign().records.at(schema.resource));
  }

  // Referencing another clinic's patient reads like referencing nobody.
  const Session& clinician = world().SessionFor(Role::kClinician);
  const int64_t before = world().CountRecords(world().own().clinic_id, "knees");
  HttpReply foreign_ref =
      world().Post(RecordPath("knees"), &clinician,
                   SampleBody("knees", {{"patients", world().foreign().id("patients")}}, 0));
  HttpReply missing_ref =
      world().Post(RecordPath("knees"), &clinician, SampleBody("knees", {{"patients", missing}}, 0));
  ExpectProblem(foreign_ref, 400, "validation_failed");
  EXPECT_EQ(foreign_ref.error_fields(), std::set<std::string>{"patient_id"});
  EXPECT_EQ(foreign_ref.without_request_id(), missing_ref.without_request_id());
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "knees"), before);

  // An MRN used by another clinic is free here, and the list never shows the other clinic's patient.
  Json body = SampleBody("patients", {}, world().Next());
  body["mrn"] = world().foreign().records.at("patients")["mrn"];
  EXPECT_EQ(world().Post(RecordPath("patients"), &clinician, body).status, 201);
  EXPECT_FALSE(
      Ids(WholeList(world(), clinician, RecordPath("patients"))).count(world().foreign().id("patients")));

  // Clinics and staff are scoped by membership the same way.
  const Session& admin = world().SessionFor(Role::kAdmin);
  HttpReply foreign_clinic =
      world().Get("/api/v1/clinics/" + std::to_string(world().foreign().clinic_id), &admin);
  HttpReply missing_clinic = world().Get("/api/v1/clinics/" + std::to_string(missing), &admin);
  ExpectProblem(foreign_clinic, 404, "not_found");
  EXPECT_EQ(foreign_clinic.without_request_id(), missing_clinic.without_request_id());
  HttpReply foreign_rename = world().Patch("/api/v1/clinics/" + std::to_string(world().foreign().clinic_id),
                                           &admin, Json{{"name", "Taken Over"}});
  ExpectProblem(foreign_rename, 404, "not_found");
  Credentials outsider = world().AddUser(world().foreign().clinic_id, Role::kClinician, "outsider");
  HttpReply foreign_user = world().Patch("/api/v1/users/" + std::to_string(outsider.user_id), &admin,
                                         Json{{"display_name", "Renamed"}});
  HttpReply missing_user =
      world().Patch("/api/v1/users/" + std::to_string(missing), &admin, Json{{"display_name", "Renamed"}});
  ExpectProblem(foreign_user, 404, "not_found");
  EXPECT_EQ(foreign_user.without_request_id(), missing_user.without_request_id());
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiRecordsTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
