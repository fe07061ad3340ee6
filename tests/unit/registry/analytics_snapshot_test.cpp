// The analytics snapshot: rows kept in memory between calls and refreshed from the audit trail answer
// exactly as a service reading the clinic afresh, after each kind of change a clinic makes through the
// services; only the changed patients are read again, and a change to what every row shares (a protocol's
// name) reads the clinic again.
#include <gtest/gtest.h>

#include <cstring>
#include <tuple>

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

// Rows of courses (course id, patient id) with a two-timepoint KOOS block each whose Pain scores name the
// course, so a block that lands beside another course shows.
ClinicRows Rows(std::initializer_list<std::pair<int64_t, int64_t>> courses, bool synthetic = false) {
  ClinicRows rows;
  rows.timepoints = {"baseline", "12m"};
  for (auto [course, patient] : courses) {
    CourseRow row;
    row.course_id = course;
    row.patient_id = patient;
    row.synthetic = synthetic;
    rows.courses.push_back(row);
    for (double at : {0.0, 0.5}) {
      KoosAt koos;
      koos.answered = true;
      koos.scores[0] = static_cast<double>(course) + at;
      rows.koos.push_back(koos);
    }
  }
  IndexCourses(rows.courses, rows.columns);
  return rows;
}

// Course ids in order, each checked against its KOOS block and its CourseFacts.
std::vector<int64_t> CourseIds(const ClinicRows& rows) {
  std::vector<int64_t> ids;
  EXPECT_EQ(rows.koos.size(), rows.courses.size() * rows.timepoints.size());
  EXPECT_EQ(rows.columns.facts.size(), rows.courses.size());
  int64_t first_patient = INT64_MAX;
  for (const CourseRow& row : rows.courses) first_patient = std::min(first_patient, row.patient_id);
  for (size_t i = 0; i < rows.courses.size(); ++i) {
    const CourseRow& row = rows.courses[i];
    ids.push_back(row.course_id);
    EXPECT_EQ(rows.KoosOf(i)[0].scores[0], static_cast<double>(row.course_id)) << row.course_id;
    EXPECT_EQ(rows.KoosOf(i)[1].scores[0], row.course_id + 0.5) << row.course_id;
    EXPECT_EQ(rows.columns.facts[i].patient, static_cast<uint32_t>(row.patient_id - first_patient))
        << "patients numbered from the smallest id";
  }
  return ids;
}

TEST(ReplacePatients, KeepsCoursesInIdOrderWhetherNewCoursesComeLastOrBetween) {
  ClinicRows rows = Rows({{1, 10}, {3, 30}, {4, 40}, {6, 60}});
  // Patient 20's courses: one new between the others.
  ReplacePatients(rows, {20}, Rows({{2, 20}, {5, 20}}, true));
  EXPECT_EQ(CourseIds(rows), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(rows.synthetic);
  EXPECT_EQ(rows.columns.patient_span, 51u) << "patients 10 to 60";

  // Patient 30's one course changed (a session more): overwritten in place, with its facts.
  ClinicRows changed = Rows({{3, 30}});
  changed.courses[0].sessions = 7;
  ReplacePatients(rows, {30}, std::move(changed));
  EXPECT_EQ(CourseIds(rows), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(rows.courses[2].sessions, 7);
  EXPECT_EQ(rows.columns.facts[2].sessions, 7);
  EXPECT_EQ(rows.columns.facts[1].sessions, 0) << "the other courses are as they were";

  // Patient 40's course 4 is gone (no session left) and course 7 is new; patient 20 has none left.
  ReplacePatients(rows, {20, 40}, Rows({{7, 40}}));
  EXPECT_EQ(CourseIds(rows), (std::vector<int64_t>{1, 3, 6, 7}));
  EXPECT_FALSE(rows.synthetic);
}

// Columns compared field by field (AdverseEvent has padding, so not as bytes).
void ExpectSameColumns(const CourseColumns& actual, const CourseColumns& expected, const std::string& when) {
  EXPECT_EQ(actual.products, expected.products) << when;
  EXPECT_EQ(actual.protocol_names, expected.protocol_names) << when;
  EXPECT_EQ(actual.regions, expected.regions) << when;
  EXPECT_EQ(actual.patient_span, expected.patient_span) << when;
  ASSERT_EQ(actual.facts.size(), expected.facts.size()) << when;
  for (size_t i = 0; i < expected.facts.size(); ++i)  // 64 bytes without padding; NaN where unknown
    EXPECT_EQ(std::memcmp(&actual.facts[i], &expected.facts[i], sizeof(CourseFacts)), 0) << when << ", course " << i;
  ASSERT_EQ(actual.adverse_events.size(), expected.adverse_events.size()) << when;
  for (size_t i = 0; i < expected.adverse_events.size(); ++i) {
    EXPECT_EQ(actual.adverse_events[i].course, expected.adverse_events[i].course) << when << ", event " << i;
    EXPECT_EQ(actual.adverse_events[i].grade, expected.adverse_events[i].grade) << when << ", event " << i;
    EXPECT_EQ(actual.adverse_events[i].serious, expected.adverse_events[i].serious) << when << ", event " << i;
  }
  ASSERT_EQ(actual.cartilage.size(), expected.cartilage.size()) << when;
  for (size_t i = 0; i < expected.cartilage.size(); ++i) {
    const auto &a = actual.cartilage[i], &e = expected.cartilage[i];
    EXPECT_EQ(std::tie(a.course, a.region, a.knee_id, a.baseline_mm, a.follow_up_mm),
              std::tie(e.course, e.region, e.knee_id, e.baseline_mm, e.follow_up_mm))
        << when << ", pair " << i;
  }
}

// A changed patient whose courses stay where they are has only those courses' columns rewritten; the
// result must be what indexing every course afresh gives, whether the change adds, drops or edits events
// and cartilage pairs, and also when it brings a product the clinic had not used (then all is indexed).
TEST(ReplacePatients, ColumnsRewrittenInPlaceEqualColumnsIndexedAfresh) {
  ClinicRows rows = Rows({{1, 10}, {2, 20}, {3, 20}, {4, 30}, {5, 40}});
  const std::vector<std::string> products = {"adipose", "bone_marrow_concentrate", "umbilical_cord"};
  for (size_t i = 0; i < rows.courses.size(); ++i) {
    CourseRow& row = rows.courses[i];
    row.product = products[i % 2];
    row.protocol_name = i % 2 ? "Six sessions" : "Single session";
    row.kl_grade = static_cast<int>(i % 4) + 1;
    row.age = 50.5 + static_cast<double>(i);
    row.adverse_events = {{.grade = 1, .serious = false}};
    row.cartilage = {{.region = "MFC", .method = "T2", .baseline_mm = 2.0, .follow_up_mm = 2.1},
                     {.region = "LFC", .method = "T2", .baseline_mm = 1.8, .follow_up_mm = 1.7}};
  }
  IndexCourses(rows.courses, rows.columns);
  auto patient = [&](int64_t id) {
    ClinicRows fresh;
    fresh.timepoints = rows.timepoints;
    for (size_t i = 0; i < rows.courses.size(); ++i)
      if (rows.courses[i].patient_id == id) {
        fresh.courses.push_back(rows.courses[i]);
        fresh.koos.insert(fresh.koos.end(), rows.KoosOf(i).begin(), rows.KoosOf(i).end());
      }
    return fresh;
  };
  auto expect_fresh = [&](const std::string& when) {
    CourseColumns afresh;
    IndexCourses(rows.courses, afresh);
    ExpectSameColumns(rows.columns, afresh, when);
  };

  ClinicRows more = patient(20);  // events added and dropped, a region dropped, facts edited
  more.courses[0].adverse_events.push_back({.grade = 3, .serious = true});
  more.courses[0].sessions = 6;
  more.courses[1].adverse_events.clear();
  more.courses[1].cartilage.pop_back();
  more.courses[1].bmi = 31.2;
  ReplacePatients(rows, {20}, std::move(more));
  EXPECT_EQ(rows.columns.facts[1].sessions, 6);
  expect_fresh("events added and dropped");

  ClinicRows first = patient(10);  // the first course: entries before every other
  first.courses[0].adverse_events = {{.grade = 2, .serious = false}, {.grade = 2, .serious = true}};
  first.courses[0].cartilage.push_back({.region = "MFC", .method = "MRI", .baseline_mm = 9, .follow_up_mm = 9});
  ReplacePatients(rows, {10, 40}, std::move(first));  // 40's course is gone: not in place
  expect_fresh("first course edited, another patient's course gone");

  ClinicRows unseen = patient(30);  // a product no course had
  unseen.courses[0].product = products[2];
  ReplacePatients(rows, {30}, std::move(unseen));
  EXPECT_EQ(rows.columns.products.size(), 3u);
  expect_fresh("a new product");
}

}  // namespace
}  // namespace kneeregen
