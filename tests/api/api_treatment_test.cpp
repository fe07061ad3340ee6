// Consent, sessions and safety through the real server: a signed snapshot that no later template edit can
// change, no session without a consent covering its date, injections checked against the site catalogue,
// recall by lot that finds exactly the patients who received it, and adverse events dated after the course
// with serious ones flagged.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/crypto.hpp"
#include "course_fixture.hpp"

namespace kneeregen::testing {
namespace {

using ApiTreatmentTest = ApiTest;

Json SessionBody(const CourseChain& chain, ApiWorld& w, const std::string& lot) {
  return Json{{"course_id", chain.course}, {"performed_on", Today()},
              {"practitioner_id", w.own().id("practitioners")}, {"product_lot", lot}};
}

TEST_P(ApiTreatmentTest, EditingATemplateAfterSigningLeavesTheSignedSnapshotAndItsHashUnchanged) {
  const Session& admin = world().SessionFor(Role::kAdmin);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  Json template_body = SampleBody("consent-templates", {}, world().Next());
  HttpReply created = world().Post(RecordPath("consent-templates"), &admin, template_body);
  ASSERT_EQ(created.status, 201) << created.Describe();
  const int64_t consent_template = created.json()["id"];

  CourseChain chain = NewChain(world(), ChainDepth::kQuoted);
  HttpReply signed_reply = world().Post(RecordPath("consents"), &coordinator,
                                        Json{{"course_id", chain.course}, {"template_id", consent_template},
                                             {"signer_name", "Maria Okafor"}, {"meaning", "patient_consents_to_treatment"}});
  ASSERT_EQ(signed_reply.status, 201) << signed_reply.Describe();
  const Json consent = signed_reply.json();
  const std::string snapshot = consent["snapshot"];
  EXPECT_EQ(consent["snapshot_sha256"], Sha256Hex(snapshot));
  EXPECT_EQ(consent["template_version"], 1);
  EXPECT_EQ(consent["quote_id"], chain.quote);
  EXPECT_EQ(consent["signed_on"], Today());
  EXPECT_FALSE(consent["signed_at"].get<std::string>().empty());
  for (const char* expected : {"Not FDA-approved for cartilage regeneration", "Temporary pain or swelling",
                               "Results vary and cannot be guaranteed", "Session 6 on", "Total: $7,500.00 USD",
                               "not covered by insurance", "Signed by: Maria Okafor", "I am the patient"})
    EXPECT_NE(snapshot.find(expected), std::string::npos) << expected << "\n" << snapshot;

  HttpReply edited = world().Patch(RecordPath("consent-templates", consent_template), &admin,
                                   Json{{"risks", "Rewritten risks paragraph."}}, "\"1\"");
  ASSERT_EQ(edited.status, 200) << edited.Describe();
  EXPECT_EQ(edited.json()["version"], 2);

  Json reread = world().Get(RecordPath("consents", consent["id"]), &coordinator).json();
  EXPECT_EQ(reread["snapshot"], snapshot);
  EXPECT_EQ(reread["snapshot_sha256"], consent["snapshot_sha256"]);
  EXPECT_EQ(reread["template_version"], 1);
  ExpectProblem(world().Patch(RecordPath("consents", consent["id"]), &coordinator, Json{{"signer_name", "X"}}), 405,
                "method_not_allowed");

  // A new signature uses the new wording and names the new version.
  Json resigned = world().Post(RecordPath("consents"), &coordinator,
                               Json{{"course_id", chain.course}, {"template_id", consent_template},
                                    {"signer_name", "Maria Okafor"}, {"meaning", "patient_consents_to_treatment"}})
                      .json();
  EXPECT_EQ(resigned["template_version"], 2);
  EXPECT_NE(resigned["snapshot"].get<std::string>().find("Rewritten risks paragraph."), std::string::npos);
  EXPECT_NE(resigned["snapshot_sha256"], consent["snapshot_sha256"]);
}

TEST_P(ApiTreatmentTest, ConsentNeedsAQuoteAnActiveTemplateAndARepresentativesRelationship) {
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  CourseChain unquoted = NewChain(world(), ChainDepth::kCourse);
  Json body = {{"course_id", unquoted.course}, {"template_id", world().own().id("consent-templates")},
               {"signer_name", "Ann Lee"}, {"meaning", "patient_consents_to_treatment"}};
  HttpReply no_quote = world().Post(RecordPath("consents"), &coordinator, body);
  ExpectProblem(no_quote, 400, "validation_failed");
  EXPECT_EQ(no_quote.error_fields(), std::set<std::string>{"course_id"});

  CourseChain quoted = NewChain(world(), ChainDepth::kQuoted);
  body["course_id"] = quoted.course;
  body["meaning"] = "representative_consents_for_patient";
  HttpReply no_relationship = world().Post(RecordPath("consents"), &coordinator, body);
  ExpectProblem(no_relationship, 400, "validation_failed");
  EXPECT_EQ(no_relationship.error_fields(), std::set<std::string>{"signer_relationship"});
  body["signer_relationship"] = "Son, healthcare power of attorney";
  HttpReply representative = world().Post(RecordPath("consents"), &coordinator, body);
  ASSERT_EQ(representative.status, 201) << representative.Describe();
  EXPECT_NE(representative.json()["snapshot"].get<std::string>().find("authorised representative"), std::string::npos);
}

TEST_P(ApiTreatmentTest, NoSessionWithoutAConsentCoveringItsDate) {
  const Session& clinician = world().SessionFor(Role::kClinician);
  CourseChain quoted = NewChain(world(), ChainDepth::kQuoted);
  const int64_t before = world().CountRecords(world().own().clinic_id, "treatment-sessions");
  HttpReply unconsented = world().Post(RecordPath("treatment-sessions"), &clinician, SessionBody(quoted, world(), "LOT-U1"));
  ExpectProblem(unconsented, 400, "validation_failed");
  EXPECT_EQ(unconsented.error_fields(), std::set<std::string>{"course_id"});
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "treatment-sessions"), before);

  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  Json body = SessionBody(chain, world(), "LOT-C1");
  body["session_number"] = 1;
  HttpReply first = world().Post(RecordPath("treatment-sessions"), &clinician, body);
  ASSERT_EQ(first.status, 201) << first.Describe();
  EXPECT_EQ(first.json()["knee_id"], chain.knee);
  EXPECT_EQ(first.json()["product"], "bone_marrow_concentrate");
  ExpectProblem(world().Post(RecordPath("treatment-sessions"), &clinician, body), 409, "conflict");
  body["session_number"] = 7;
  ExpectProblem(world().Post(RecordPath("treatment-sessions"), &clinician, body), 400, "validation_failed");
  body.erase("session_number");
  body["passages"] = 2;  // passages without culture expansion
  ExpectProblem(world().Post(RecordPath("treatment-sessions"), &clinician, body), 400, "validation_failed");

  // After a withdrawal, no further session is recorded under that consent.
  HttpReply withdrawn = world().Post(RecordPath("consent-withdrawals"), &clinician,
                                     Json{{"consent_id", chain.consent}, {"reason", "Changed my mind"}});
  ASSERT_EQ(withdrawn.status, 201) << withdrawn.Describe();
  EXPECT_EQ(withdrawn.json()["withdrawn_on"], Today());
  ExpectProblem(world().Post(RecordPath("consent-withdrawals"), &clinician, Json{{"consent_id", chain.consent}}), 409,
                "conflict");
  HttpReply after = world().Post(RecordPath("treatment-sessions"), &clinician, SessionBody(chain, world(), "LOT-C2"));
  ExpectProblem(after, 400, "validation_failed");
  EXPECT_EQ(after.error_fields(), std::set<std::string>{"course_id"});
}

TEST_P(ApiTreatmentTest, InjectionsAreCheckedAgainstTheSiteCatalogueAndTakeTheSessionsLot) {
  const Session& clinician = world().SessionFor(Role::kClinician);
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  const int64_t session = RecordSession(world(), chain, "LOT-INJ-1", {});
  Json body = {{"session_id", session}, {"site", "intra_articular"}, {"volume_ml", 8.4}, {"guidance", "ultrasound"}};
  HttpReply injected = world().Post(RecordPath("injections"), &clinician, body);
  ASSERT_EQ(injected.status, 201) << injected.Describe();
  EXPECT_EQ(injected.json()["product_lot"], "LOT-INJ-1");
  EXPECT_EQ(injected.json()["dose_unit"], "mL");
  EXPECT_EQ(injected.json()["patient_id"], chain.patient);

  body["site"] = "patellar_tendon";
  HttpReply unknown = world().Post(RecordPath("injections"), &clinician, body);
  ExpectProblem(unknown, 400, "validation_failed");
  EXPECT_EQ(unknown.error_fields(), std::set<std::string>{"site"});
  body["site"] = "mcl_femoral_origin";
  body["volume_ml"] = 2.5;  // the MCL limit is 2 mL
  HttpReply oversized = world().Post(RecordPath("injections"), &clinician, body);
  ExpectProblem(oversized, 400, "validation_failed");
  EXPECT_EQ(oversized.error_fields(), std::set<std::string>{"volume_ml"});
  body["volume_ml"] = -1;
  ExpectProblem(world().Post(RecordPath("injections"), &clinician, body), 400, "validation_failed");
  body["volume_ml"] = 1.0;
  body["product_lot"] = "bad lot!";
  ExpectProblem(world().Post(RecordPath("injections"), &clinician, body), 400, "validation_failed");
}

TEST_P(ApiTreatmentTest, RecallByLotFindsExactlyThePatientsSessionsAndSitesThatReceivedIt) {
  const int n = world().Next();
  const std::string lot_a = "UC-A-" + std::to_string(n), lot_b = "UC-B-" + std::to_string(n);
  const std::string kit = "KIT-R-" + std::to_string(n);
  CourseChain first = NewChain(world(), ChainDepth::kConsented);
  CourseChain second = NewChain(world(), ChainDepth::kConsented);
  CourseChain third = NewChain(world(), ChainDepth::kConsented);
  CourseChain bystander = NewChain(world(), ChainDepth::kConsented);
  const int64_t s1 = RecordSession(world(), first, lot_a, {"intra_articular", "mcl_femoral_origin"});
  RecordSession(world(), first, lot_b, {"intra_articular"});
  const int64_t s2 = RecordSession(world(), second, lot_a, {"intra_articular"});
  // The third patient's session used lot B, but one site was topped up from lot A.
  const int64_t s3 = RecordSession(world(), third, lot_b, {"intra_articular"});
  world().CreateRecord(third.clinic_id, "injections",
                       Json{{"session_id", s3}, {"site", "lcl_femoral_origin"}, {"volume_ml", 1.0},
                            {"guidance", "landmark"}, {"product_lot", lot_a}});
  // The bystander's product lot differs, but the processing kit is the recalled one.
  const int64_t s4 = RecordSession(world(), bystander, "BMC-X-" + std::to_string(n), {"intra_articular", "mcl_tibial_insertion"}, kit);
  // The other clinic used lot A too: never part of this clinic's recall.
  CourseChain foreign = NewChain(world(), ChainDepth::kConsented, world().foreign().clinic_id);
  RecordSession(world(), foreign, lot_a, {"intra_articular"});

  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  HttpReply recall = world().Get("/api/v1/recall?lot=" + lot_a, &coordinator);
  ASSERT_EQ(recall.status, 200) << recall.Describe();
  Json body = recall.json();
  std::set<int64_t> patients, sessions;
  for (const auto& p : body["patients"]) patients.insert(p["patient_id"].get<int64_t>());
  for (const auto& s : body["sessions"]) sessions.insert(s["session_id"].get<int64_t>());
  EXPECT_EQ(patients, (std::set<int64_t>{first.patient, second.patient, third.patient}));
  EXPECT_EQ(sessions, (std::set<int64_t>{s1, s2, s3}));
  std::set<std::pair<int64_t, std::string>> sites;
  for (const auto& i : body["injections"]) sites.insert({i["session_id"].get<int64_t>(), i["site"].get<std::string>()});
  EXPECT_EQ(sites, (std::set<std::pair<int64_t, std::string>>{
                       {s1, "intra_articular"}, {s1, "mcl_femoral_origin"}, {s2, "intra_articular"},
                       {s3, "lcl_femoral_origin"}}));
  EXPECT_FALSE(body["patients"][0]["mrn"].get<std::string>().empty());

  Json by_kit = world().Get("/api/v1/recall?lot=" + kit, &coordinator).json();
  ASSERT_EQ(by_kit["sessions"].size(), 1u);
  EXPECT_EQ(by_kit["sessions"][0]["session_id"], s4);
  EXPECT_EQ(by_kit["sessions"][0]["matched_on"], Json::array({"processing_kit_lot"}));
  EXPECT_EQ(by_kit["injections"].size(), 2u);

  EXPECT_TRUE(world().Get("/api/v1/recall?lot=NO-SUCH-LOT", &coordinator).json()["patients"].empty());
  ExpectProblem(world().Get("/api/v1/recall", &coordinator), 400, "validation_failed");
  ExpectProblem(world().Get("/api/v1/recall?lot=A&lot=B", &coordinator), 400, "validation_failed");
  ExpectProblem(world().Get("/api/v1/recall?lot=" + lot_a, &world().SessionFor(Role::kResearcher)), 403, "forbidden");
}

TEST_P(ApiTreatmentTest, AdverseEventsFollowTheCourseAndSeriousOnesAreFlagged) {
  const Session& clinician = world().SessionFor(Role::kClinician);
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  const int64_t session = RecordSession(world(), chain, "LOT-AE-" + std::to_string(world().Next()));
  Json body = {{"course_id", chain.course}, {"session_id", session}, {"site", "intra_articular"},
               {"term", "effusion_swelling"}, {"onset_date", Today()}, {"ctcae_grade", 2},
               {"causality", "probable"}, {"action_taken", "aspiration"}, {"outcome", "recovering"}};
  const int64_t before = world().CountRecords(world().own().clinic_id, "adverse-events");
  Json early = body;
  early["onset_date"] = DaysFromToday(-3);
  HttpReply before_course = world().Post(RecordPath("adverse-events"), &clinician, early);
  ExpectProblem(before_course, 400, "validation_failed");
  EXPECT_EQ(before_course.error_fields(), std::set<std::string>{"onset_date"});
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "adverse-events"), before);

  HttpReply mild = world().Post(RecordPath("adverse-events"), &clinician, body);
  ASSERT_EQ(mild.status, 201) << mild.Describe();
  EXPECT_EQ(mild.json()["serious"], false);

  Json infection = body;
  infection["term"] = "infection_septic_arthritis";
  infection["ctcae_grade"] = 3;
  infection["serious_hospitalisation"] = true;
  infection["action_taken"] = "antibiotics";
  HttpReply serious = world().Post(RecordPath("adverse-events"), &clinician, infection);
  ASSERT_EQ(serious.status, 201) << serious.Describe();
  EXPECT_EQ(serious.json()["serious"], true);
  Json flagged = world().Get(RecordPath("adverse-events") + "?serious=true&course_id=" + std::to_string(chain.course),
                             &clinician).json();
  ASSERT_EQ(flagged["items"].size(), 1u);
  EXPECT_EQ(flagged["items"][0]["id"], serious.json()["id"]);

  // Grade 4 is life-threatening: serious even without a box ticked.
  Json grade4 = body;
  grade4["ctcae_grade"] = 4;
  EXPECT_EQ(world().Post(RecordPath("adverse-events"), &clinician, grade4).json()["serious"], true);

  auto refused = [&](Json bad, const std::string& field) {
    HttpReply reply = world().Post(RecordPath("adverse-events"), &clinician, bad);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_TRUE(reply.error_fields().count(field)) << reply.Describe();
  };
  Json other = body;
  other["term"] = "other";
  refused(other, "term_other");
  Json fatal = body;
  fatal["ctcae_grade"] = 5;
  refused(fatal, "outcome");
  Json resolved = body;
  resolved["outcome"] = "recovered";
  refused(resolved, "resolution_date");
  Json grade6 = body;
  grade6["ctcae_grade"] = 6;
  refused(grade6, "ctcae_grade");
  CourseChain elsewhere = NewChain(world(), ChainDepth::kConsented);
  Json wrong_session = body;
  wrong_session["course_id"] = elsewhere.course;
  refused(wrong_session, "session_id");
  Json foreign_course = body;
  foreign_course["course_id"] = world().foreign().id("treatment-courses");
  foreign_course.erase("session_id");
  refused(foreign_course, "course_id");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTreatmentTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
