// The analytics snapshot: rows kept in memory between calls and refreshed from the audit trail answer
// exactly as a service reading the clinic afresh, after each kind of change a clinic makes through the
// services; only the changed patients are read again, and a change to what every row shares (a protocol's
// name) reads the clinic again.
#include <gtest/gtest.h>

#include "registry/analytics_service.hpp"
#include "registry/analytics_snapshot.hpp"
#include "registry/record_service.hpp"
#include "unit/registry/demo_fixture.hpp"

namespace kneeregen {
namespace {

using Kind = AnalyticsSnapshots::Refresh::Kind;

std::string Describe(const Error& error) {
  std::string out = error.detail;
  for (const auto& f : error.fields) out += " " + f.field + ": " + f.message + ";";
  return out;
}

// Nothing suppressed, so every count shows the change it should.
AnalyticsSettings Fixed() {
  AnalyticsSettings s;
  s.as_of = "2026-06-01";
  s.min_cell = 1;
  return s;
}

Actor Admin(int64_t clinic) { return Actor{.username = "admin", .role = Role::kAdmin, .clinic_id = clinic}; }

Actor Researcher(int64_t clinic) { return Actor{.username = "analyst", .role = Role::kResearcher, .clinic_id = clinic}; }

class AnalyticsSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clinic_ = testing_demo::Seed(*store_, 120, 5).clinic_id;
    other_clinic_ = testing_demo::Seed(*store_, 20, 6).clinic_id;
    ASSERT_TRUE(store_->Read([&](ReadTransaction& tx) -> Status {
      ListQuery query;
      query.limit = 1;
      session_ = tx.ListRecords(KnownSchema("treatment-sessions"), clinic_, query).items.at(0);
      return Ok{};
    }));
  }

  // Calls the kept service, checks how it refreshed, and compares its answers with a fresh service's.
  // Returns the full-cohort outcomes.
  Json ExpectSameAsFresh(Kind kind, size_t patients = 0) {
    AnalyticsService fresh(*store_, Fixed());
    auto kept_all = kept_.Outcomes(Researcher(clinic_), {});
    EXPECT_EQ(kept_.last_refresh().kind, kind);
    if (kind == Kind::kPatients) EXPECT_EQ(kept_.last_refresh().patients, patients);
    auto fresh_all = fresh.Outcomes(Researcher(clinic_), {});
    EXPECT_TRUE(kept_all && fresh_all);
    if (!kept_all || !fresh_all) return Json();
    EXPECT_EQ(*kept_all, *fresh_all);
    const QueryParameters kl3 = {{"kl_grade", "3"}};
    EXPECT_EQ(*kept_.Outcomes(Researcher(clinic_), kl3), *fresh.Outcomes(Researcher(clinic_), kl3));
    const QueryParameters like = {{"kl_grade", "2"}, {"age", "58"}, {"product", "bone_marrow_concentrate"}};
    EXPECT_EQ(*kept_.Expectation(Researcher(clinic_), like), *fresh.Expectation(Researcher(clinic_), like));
    EXPECT_EQ(kept_.last_refresh().kind, Kind::kUnchanged);
    return *kept_all;
  }

  Json Create(const std::string& kind, const Json& body, int64_t clinic = 0) {
    auto created = records_.Create(testing_demo::Actors::Clinician(clinic ? clinic : clinic_), KnownSchema(kind), body);
    EXPECT_TRUE(created) << kind << ": " << (created ? "" : Describe(created.error()));
    return created ? *created : Json();
  }

  std::unique_ptr<Store> store_ = testing_demo::MemoryStore();
  int64_t clinic_ = 0, other_clinic_ = 0;
  Json session_;  // a performed session of a treated course
  RecordService records_{*store_};
  AnalyticsService kept_{*store_, Fixed()};
};

int64_t SurvivalEvents(const Json& outcomes) { return outcomes["figures"]["knee_survival"]["curves"][0]["events"]; }

TEST_F(AnalyticsSnapshotTest, ChangesOfOnePatientReReadOnlyThatPatientAndAnswerAsAFreshRead) {
  const Json before = ExpectSameAsFresh(Kind::kClinic);

  // A knee replacement of a treated knee: the survival figure gains an event.
  Create("outcome-events", {{"patient_id", session_["patient_id"]},
                            {"knee_id", session_["knee_id"]},
                            {"event_type", "total_knee_replacement"},
                            {"event_date", "2026-05-20"},
                            {"source", "records_confirmed"}});
  const Json after = ExpectSameAsFresh(Kind::kPatients, 1);
  EXPECT_EQ(SurvivalEvents(after), SurvivalEvents(before) + 1);

  // An adverse event of the course.
  Create("adverse-events", {{"course_id", session_["course_id"]},
                            {"term", "post_injection_flare"},
                            {"onset_date", session_["performed_on"]},
                            {"ctcae_grade", 2},
                            {"causality", "possible"},
                            {"action_taken", "none"},
                            {"outcome", "recovering"}});
  ExpectSameAsFresh(Kind::kPatients, 1);

  // Another patient's birth date corrected: ages and age bands move.
  auto updated = records_.Update(testing_demo::Actors::Clinician(clinic_), KnownSchema("patients"),
                                 session_["patient_id"], Json{{"birth_date", "1950-01-01"}}, std::nullopt);
  ASSERT_TRUE(updated) << updated.error().detail;
  ExpectSameAsFresh(Kind::kPatients, 1);
}

TEST_F(AnalyticsSnapshotTest, ChangesElsewhereReadNothingAndSharedChangesReadTheClinic) {
  ExpectSameAsFresh(Kind::kClinic);
  // Another clinic's records are not this clinic's changes.
  ASSERT_TRUE(records_.Create(Admin(other_clinic_), KnownSchema("practitioners"),
                              Json{{"full_name", "Dr Elsewhere"}, {"active", true}}));
  ExpectSameAsFresh(Kind::kUnchanged);
  // A record analytics never reads (a practitioner) changes nothing either.
  ASSERT_TRUE(records_.Create(Admin(clinic_), KnownSchema("practitioners"), Json{{"full_name", "Dr New"}, {"active", true}}));
  ExpectSameAsFresh(Kind::kUnchanged);

  // Every row carries its protocol's name, so renaming one reads the clinic again.
  Json protocol;
  ASSERT_TRUE(store_->Read([&](ReadTransaction& tx) -> Status {
    ListQuery query;
    query.limit = 1;
    protocol = tx.ListRecords(KnownSchema("protocol-templates"), clinic_, query).items.at(0);
    return Ok{};
  }));
  auto renamed = records_.Update(Admin(clinic_), KnownSchema("protocol-templates"),
                                 protocol["id"], Json{{"name", "Renamed protocol"}}, std::nullopt);
  ASSERT_TRUE(renamed) << renamed.error().detail;
  const Json after = ExpectSameAsFresh(Kind::kClinic);
  EXPECT_NE(after.dump().find("Renamed protocol"), std::string::npos);
}

CourseRow Row(int64_t course, int64_t patient, bool synthetic = false) {
  CourseRow row;
  row.course_id = course;
  row.patient_id = patient;
  row.synthetic = synthetic;
  return row;
}

std::vector<int64_t> CourseIds(const ClinicRows& rows) {
  std::vector<int64_t> ids;
  for (const auto& row : rows.courses) ids.push_back(row.course_id);
  return ids;
}

TEST(ReplacePatients, KeepsCoursesInIdOrderWhetherNewCoursesComeLastOrBetween) {
  ClinicRows rows;
  for (auto [course, patient] : {std::pair{1, 10}, {3, 30}, {4, 40}, {6, 60}}) rows.courses.push_back(Row(course, patient));
  ClinicRows fresh;
  fresh.courses = {Row(2, 20), Row(5, 20, true)};  // patient 20's courses: one new between the others
  ReplacePatients(rows, {20}, std::move(fresh));
  EXPECT_EQ(CourseIds(rows), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(rows.synthetic);

  ClinicRows again;
  again.courses = {Row(7, 40)};  // patient 40's course 4 is gone (no session left) and course 7 is new
  ReplacePatients(rows, {20, 40}, std::move(again));
  EXPECT_EQ(CourseIds(rows), (std::vector<int64_t>{1, 3, 6, 7}));
  EXPECT_FALSE(rows.synthetic);
}

}  // namespace
}  // namespace kneeregen
