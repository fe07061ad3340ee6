// Candidacy screening through the real server: tiers and reasons from the clinic's current rules, the age
// and knee findings filled server-side, another clinic's patients and knees reading like missing ones, bad
// bodies refused without writing, rules versions that change later screenings but never earlier ones, and
// an audit row per screening.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api_fixture.hpp"
#include "clinic/candidacy.hpp"

namespace kneeregen::testing {
namespace {

using ApiScreeningsTest = ApiTest;

struct Fixture {
  int64_t patient = 0;
  int64_t knee = 0;
};

// A patient born 1961-04-17 with a left knee whose baseline assessment has `kl_grade` and one ICRS 3A lesion.
Fixture NewPatient(ApiWorld& w, int kl_grade, int64_t clinic_id = 0) {
  if (clinic_id == 0) clinic_id = w.own().clinic_id;
  const int n = w.Next();
  Json patient = SampleBody("patients", {}, n);
  patient["mrn"] = "SCR-" + std::to_string(n);
  Fixture f;
  f.patient = w.CreateRecord(clinic_id, "patients", patient)["id"].get<int64_t>();
  f.knee = w.CreateRecord(clinic_id, "knees", Json{{"patient_id", f.patient}, {"side", "left"}})["id"].get<int64_t>();
  Json assessment = SampleBody("assessments", {{"knees", f.knee}}, n);
  assessment["kl_grade"] = kl_grade;
  int64_t assessment_id = w.CreateRecord(clinic_id, "assessments", assessment)["id"].get<int64_t>();
  w.CreateRecord(clinic_id, "cartilage-lesions", SampleBody("cartilage-lesions", {{"assessments", assessment_id}}, n));
  return f;
}

std::string ScreenPath(int64_t patient) { return "/api/v1/patients/" + std::to_string(patient) + "/screenings"; }

Json KneeOnly(int64_t knee) { return Json{{"knees", {{{"knee_id", knee}}}}}; }

std::vector<AuditEntry> Audit(ApiWorld& w, int64_t clinic_id) {
  std::vector<AuditEntry> rows;
  auto status = w.store().Read([&](ReadTransaction& tx) -> Status {
    rows = tx.ListAudit(clinic_id, 0, 100000);
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
  return rows;
}

size_t ScreeningAuditRows(ApiWorld& w) {
  size_t n = 0;
  for (const auto& row : Audit(w, w.own().clinic_id)) n += row.object_type == "screenings" ? 1 : 0;
  return n;
}

std::string CurrentRulesVersion(ApiWorld& w) {
  HttpReply reply = w.Get("/api/v1/candidacy-rules", &w.SessionFor(Role::kClinician));
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  return reply.json()["version"].get<std::string>();
}

TEST_P(ApiScreeningsTest, AnEarlyOaKneeIsFavourableWithReasonsTheRulesVersionAndAnAuditRow) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  const Session& clinician = w.SessionFor(Role::kClinician);
  HttpReply reply = w.Post(ScreenPath(f.patient), &clinician, KneeOnly(f.knee));
  ASSERT_EQ(reply.status, 201) << reply.Describe();
  Json s = reply.json();
  EXPECT_EQ(s["tier"], "favourable") << s.dump();
  ASSERT_TRUE(s["reasons"].is_array());
  ASSERT_FALSE(s["reasons"].empty());
  for (const auto& r : s["reasons"]) {
    EXPECT_TRUE(r["rule_id"].is_string() && !r["rule_id"].get<std::string>().empty()) << r.dump();
    EXPECT_TRUE(r["text"].is_string() && !r["text"].get<std::string>().empty()) << r.dump();
  }
  EXPECT_EQ(s["rules_version"], CurrentRulesVersion(w));
  EXPECT_EQ(s["patient_id"], f.patient);
  EXPECT_EQ(s["created_by"], w.UserFor(Role::kClinician).user_id);
  // Filled server-side: the age from the birth date, the knee's side, grade and lesion from its assessment.
  const Json& knee = s["input"]["knees"][0];
  EXPECT_EQ(knee["side"], "left");
  EXPECT_EQ(knee["kl_grade"], 2);
  ASSERT_EQ(knee["lesions"].size(), 1u);
  EXPECT_EQ(knee["lesions"][0]["icrs_grade"], "3A");
  EXPECT_TRUE(knee["from_assessment_id"].is_number_integer());
  EXPECT_GE(s["input"]["age_years"].get<int>(), 64);
  EXPECT_EQ(reply.Header("Location"), "/api/v1/screenings/" + s["id"].dump());

  HttpReply read = w.Get("/api/v1/screenings/" + s["id"].dump(), &w.SessionFor(Role::kAdmin));
  ASSERT_EQ(read.status, 200) << read.Describe();
  EXPECT_EQ(read.json(), s);
  HttpReply list = w.Get("/api/v1/screenings?patient_id=" + std::to_string(f.patient), &clinician);
  ASSERT_EQ(list.status, 200) << list.Describe();
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_EQ(list.json()["items"][0], s);

  size_t rows = 0;
  for (const auto& row : Audit(w, w.own().clinic_id)) {
    if (row.object_type != "screenings" || row.object_id != s["id"].get<int64_t>()) continue;
    ++rows;
    EXPECT_EQ(row.action, "create");
    EXPECT_EQ(row.patient_id, f.patient);
  }
  EXPECT_EQ(rows, 1u);
}

TEST_P(ApiScreeningsTest, TheScreeningDateSetsTheAge) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  Json body = KneeOnly(f.knee);
  body["screened_on"] = "2020-01-01";
  HttpReply reply = w.Post(ScreenPath(f.patient), &w.SessionFor(Role::kCoordinator), body);
  ASSERT_EQ(reply.status, 201) << reply.Describe();
  EXPECT_EQ(reply.json()["screened_on"], "2020-01-01");
  EXPECT_EQ(reply.json()["input"]["age_years"], 58);
}

TEST_P(ApiScreeningsTest, AnAdvancedKneeIsSymptomReliefOnlyAndAContraindicationExcludes) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  const Session& clinician = w.SessionFor(Role::kClinician);
  // Findings given in the body win over the stored assessment.
  HttpReply advanced = w.Post(ScreenPath(f.patient), &clinician,
                              Json{{"knees", {{{"knee_id", f.knee}, {"kl_grade", 4}, {"lesions", Json::array()}}}}});
  ASSERT_EQ(advanced.status, 201) << advanced.Describe();
  EXPECT_EQ(advanced.json()["tier"], "symptom_relief_only") << advanced.body;
  EXPECT_TRUE(advanced.json()["input"]["knees"][0]["lesions"].empty());

  Json body = KneeOnly(f.knee);
  body["contraindications"] = {{"active_infection", true}};
  HttpReply excluded = w.Post(ScreenPath(f.patient), &clinician, body);
  ASSERT_EQ(excluded.status, 201) << excluded.Describe();
  EXPECT_EQ(excluded.json()["tier"], "not_a_candidate") << excluded.body;
  bool named = false;
  const Json reasons = excluded.json()["reasons"];
  for (const auto& r : reasons) named = named || r["implies"] == "not_a_candidate";
  EXPECT_TRUE(named) << excluded.body;
}

TEST_P(ApiScreeningsTest, AnotherClinicsPatientOrKneeReadsLikeAMissingOne) {
  ApiWorld& w = world();
  Fixture own = NewPatient(w, 2);
  Fixture other_own = NewPatient(w, 2);
  Fixture foreign = NewPatient(w, 2, w.foreign().clinic_id);
  const Session& clinician = w.SessionFor(Role::kClinician);
  const size_t audit_before = ScreeningAuditRows(w);

  HttpReply foreign_patient = w.Post(ScreenPath(foreign.patient), &clinician, KneeOnly(foreign.knee));
  HttpReply missing_patient = w.Post(ScreenPath(999999999), &clinician, KneeOnly(foreign.knee));
  ExpectProblem(foreign_patient, 404, "not_found");
  EXPECT_EQ(foreign_patient.without_request_id(), missing_patient.without_request_id());

  for (int64_t knee : {foreign.knee, other_own.knee, int64_t{999999999}}) {
    HttpReply reply = w.Post(ScreenPath(own.patient), &clinician, KneeOnly(knee));
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{"knees/0/knee_id"}) << reply.body;
  }

  // A screening of the other clinic can't be read or listed.
  auto screened = w.services().screenings.Screen(ApiWorld::Operator(w.foreign().clinic_id, Role::kClinician),
                                                 foreign.patient, KneeOnly(foreign.knee));
  ASSERT_TRUE(screened.ok());
  ExpectProblem(w.Get("/api/v1/screenings/" + (*screened)["id"].dump(), &clinician), 404, "not_found");
  HttpReply list = w.Get("/api/v1/screenings?patient_id=" + std::to_string(foreign.patient), &clinician);
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_TRUE(list.json()["items"].empty());
  EXPECT_EQ(ScreeningAuditRows(w), audit_before);
}

TEST_P(ApiScreeningsTest, BadBodiesAreRefusedNamingTheFieldAndNothingIsWritten) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  const Session& clinician = w.SessionFor(Role::kClinician);
  const size_t audit_before = ScreeningAuditRows(w);
  auto with = [&](const std::string& key, Json value) {
    Json body = KneeOnly(f.knee);
    body[key] = std::move(value);
    return body;
  };
  const std::vector<std::pair<Json, std::string>> cases = {
      {with("age_years", 50), "age_years"},
      {Json{{"knees", "left"}}, "knees"},
      {Json::object(), "knees"},
      {Json{{"knees", {{{"knee_id", f.knee}, {"kl_grade", "2"}}}}}, "knees/0/kl_grade"},
      {Json{{"knees", {{{"knee_id", f.knee}, {"kl_grade", 7}}}}}, "knees/0/kl_grade"},
      {Json{{"knees", {{{"knee_id", f.knee}, {"colour", "red"}}}}}, "knees/0/colour"},
      {Json{{"knees", {{{"knee_id", f.knee}, {"lesions", {{{"icrs_grade", "3A"}, {"area_cm2", -1}}}}}}}},
       "knees/0/lesions/0/area_cm2"},
      {Json{{"knees", {{{"knee_id", f.knee}, {"lesions", {{{"icrs_grade", "9"}, {"area_cm2", 1}}}}}}}},
       "knees/0/lesions/0/icrs_grade"},
      {Json{{"knees", {{{"knee_id", "one"}}}}}, "knees/0/knee_id"},
      {with("screened_on", "2999-01-01"), "screened_on"},
      {with("screened_on", "01/02/2020"), "screened_on"},
      {with("bmi", "27"), "bmi"},
      {with("bmi", 200), "bmi"},
      {with("tegner_current", 11), "tegner_current"},
      {with("goal", "a new knee"), "goal"},
      {with("prior_knee_surgery", "no"), "prior_knee_surgery"},
      {with("contraindications", {{"pregnancy", "yes"}}), "contraindications/pregnancy"},
      {with("contraindications", {{"vampirism", true}}), "contraindications/vampirism"},
      {with("contraindications", {{"weeks_since_intra_articular_steroid", -2}}),
       "contraindications/weeks_since_intra_articular_steroid"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body.dump());
    HttpReply reply = w.Post(ScreenPath(f.patient), &clinician, body);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), std::set<std::string>{field}) << reply.body;
  }
  HttpReply list = w.Get("/api/v1/screenings?patient_id=" + std::to_string(f.patient), &clinician);
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_TRUE(list.json()["items"].empty());
  EXPECT_EQ(ScreeningAuditRows(w), audit_before);
  ExpectProblem(w.Get("/api/v1/screenings?colour=red", &clinician), 400, "validation_failed");
}

TEST_P(ApiScreeningsTest, ANewRulesVersionChangesLaterScreeningsOnly) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  const Session& clinician = w.SessionFor(Role::kClinician);
  const Session& admin = w.SessionFor(Role::kAdmin);
  HttpReply before = w.Post(ScreenPath(f.patient), &clinician, KneeOnly(f.knee));
  ASSERT_EQ(before.status, 201) << before.Describe();
  ASSERT_EQ(before.json()["tier"], "favourable");
  const std::string old_version = before.json()["rules_version"];

  Json rules = ToJson(DefaultCandidacyRules());
  rules["version"] = "strict-" + std::to_string(w.Next());
  rules["favourable_max_kl"] = 1;
  HttpReply published = w.Post("/api/v1/candidacy-rules", &admin, rules);
  ASSERT_EQ(published.status, 201) << published.Describe();
  EXPECT_EQ(published.json(), rules);
  EXPECT_EQ(w.Get("/api/v1/candidacy-rules", &clinician).json(), rules);

  HttpReply after = w.Post(ScreenPath(f.patient), &clinician, KneeOnly(f.knee));
  ASSERT_EQ(after.status, 201) << after.Describe();
  EXPECT_EQ(after.json()["tier"], "possible") << after.body;
  EXPECT_EQ(after.json()["rules_version"], rules["version"]);

  HttpReply earlier = w.Get("/api/v1/screenings/" + before.json()["id"].dump(), &clinician);
  ASSERT_EQ(earlier.status, 200) << earlier.Describe();
  EXPECT_EQ(earlier.json()["tier"], "favourable");
  EXPECT_EQ(earlier.json()["rules_version"], old_version);

  // A version name is used once; every key is required; only an admin publishes.
  ExpectProblem(w.Post("/api/v1/candidacy-rules", &admin, rules), 409, "conflict");
  Json defaults = ToJson(DefaultCandidacyRules());
  ExpectProblem(w.Post("/api/v1/candidacy-rules", &admin, defaults), 409, "conflict");
  Json incomplete = defaults;
  incomplete["version"] = "incomplete-" + std::to_string(w.Next());
  incomplete.erase("bmi_caution_above");
  HttpReply refused = w.Post("/api/v1/candidacy-rules", &admin, incomplete);
  ExpectProblem(refused, 400, "validation_failed");
  EXPECT_EQ(refused.error_fields(), std::set<std::string>{"bmi_caution_above"});
  Json by_clinician = defaults;
  by_clinician["version"] = "clinician-" + std::to_string(w.Next());
  ExpectProblem(w.Post("/api/v1/candidacy-rules", &clinician, by_clinician), 403, "forbidden");
  EXPECT_EQ(w.Get("/api/v1/candidacy-rules", &clinician).json(), rules);

  // Back to the default thresholds under a new name, for any later test in this process.
  defaults["version"] = "restored-" + std::to_string(w.Next());
  ASSERT_EQ(w.Post("/api/v1/candidacy-rules", &admin, defaults).status, 201);
}

TEST_P(ApiScreeningsTest, ResearchersCanNeitherScreenNorReadScreenings) {
  ApiWorld& w = world();
  Fixture f = NewPatient(w, 2);
  const Session& researcher = w.SessionFor(Role::kResearcher);
  const size_t audit_before = ScreeningAuditRows(w);
  ExpectProblem(w.Post(ScreenPath(f.patient), &researcher, KneeOnly(f.knee)), 403, "forbidden");
  ExpectProblem(w.Post(ScreenPath(f.patient), &w.SessionFor(Role::kAdmin), KneeOnly(f.knee)), 403, "forbidden");
  EXPECT_EQ(ScreeningAuditRows(w), audit_before);
  HttpReply screened = w.Post(ScreenPath(f.patient), &w.SessionFor(Role::kClinician), KneeOnly(f.knee));
  ASSERT_EQ(screened.status, 201) << screened.Describe();
  ExpectProblem(w.Get("/api/v1/screenings", &researcher), 403, "forbidden");
  ExpectProblem(w.Get("/api/v1/screenings/" + screened.json()["id"].dump(), &researcher), 403, "forbidden");
  ExpectProblem(w.Get("/api/v1/candidacy-rules", &researcher), 403, "forbidden");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiScreeningsTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
