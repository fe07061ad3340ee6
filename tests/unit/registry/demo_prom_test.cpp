// The demo clinic's PROM follow-up as values and as records: deterministic for a seed, a patient's
// follow-up independent of how many patients are generated, nothing answered once the knee or the patient
// has left follow-up, and the same records on PostgreSQL as on SQLite. demo_prom_records_test checks the
// records against the server's own functions, demo_prom_model_test the shape of the data.
#include <gtest/gtest.h>

#include "registry/demo_proms.hpp"
#include "registry/survey_service.hpp"
#include "support/pg_schema.hpp"
#include "unit/registry/demo_fixture.hpp"

namespace kneeregen {
namespace {

using testing_demo::Actors;
using testing_demo::MemoryStore;
using testing_demo::PromSnapshot;
using testing_demo::Seed;
using testing_support::PgSchema;

TEST(DemoProms, SameSeedGivesIdenticalRecords) {
  auto a = MemoryStore(), b = MemoryStore(), c = MemoryStore();
  auto first = PromSnapshot(*a, Seed(*a, 200, 42).clinic_id);
  auto second = PromSnapshot(*b, Seed(*b, 200, 42).clinic_id);
  auto other = PromSnapshot(*c, Seed(*c, 200, 43).clinic_id);
  for (const auto& [kind, records] : first) {
    EXPECT_FALSE(records.empty()) << kind;
    EXPECT_EQ(records, second[kind]) << kind;
    EXPECT_NE(records, other[kind]) << kind;
  }
}

TEST(DemoProms, APatientsFollowUpDoesNotDependOnHowManyAreGenerated) {
  auto small = MemoryStore(), large = MemoryStore();
  auto few = PromSnapshot(*small, Seed(*small, 20, 7).clinic_id);
  auto many = PromSnapshot(*large, Seed(*large, 80, 7).clinic_id);
  for (const auto& [kind, records] : few) {
    ASSERT_FALSE(records.empty()) << kind;
    for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i], many[kind][i]) << kind << " " << i;
  }
}

// Generates the first `patients` patients of `seed` as values, with their treatment and PROMs.
template <class Visit>
void ForEachGenerated(uint64_t seed, int64_t patients, Visit visit) {
  const auto practitioners = GenerateDemoPractitioners(seed);
  const DemoClinicModel model = BuildDemoClinicModel(practitioners);
  DemoPatient patient;
  DemoTreatment treatment;
  DemoProms proms;
  for (int64_t number = 1; number <= patients; ++number) {
    GenerateDemoPatient(seed, number, 7, practitioners, patient);
    GenerateDemoTreatment(seed, patient, model, treatment);
    GenerateDemoProms(seed, patient, treatment, proms);
    visit(patient, treatment, proms);
  }
}

// Loss to follow-up is not a record (the clinic does not know it happened), so the values are checked here.
TEST(DemoProms, NothingIsAnsweredOnceTheKneeOrThePatientHasLeftFollowUp) {
  int lost_with_follow_ups_left = 0;
  ForEachGenerated(
      3, 2000, [&](const DemoPatient& patient, const DemoTreatment& treatment, const DemoProms& proms) {
        const Days end = DemoTreatmentEnd(patient);  // loss, death, or the knee replaced or osteotomised
        bool unanswered_after_end = false;
        for (const auto& f : proms.followups) {
          if (f.answers) {
            ASSERT_LT(f.answers->submitted_on, end) << patient.mrn << " " << f.plan.timepoint;
            ASSERT_GE(f.answers->submitted_on, Days{f.plan.window_opens});
            ASSERT_LE(f.answers->submitted_on, Days{f.plan.window_closes});
          } else if (Days{f.plan.window_opens} >= end && Days{f.plan.window_opens} < kDemoReferenceDate) {
            unanswered_after_end = true;
          }
        }
        EXPECT_EQ(proms.followups.empty(), !treatment.treated);
        bool died = false;
        for (const auto& e : patient.events) died = died || e.event_type == "death";
        lost_with_follow_ups_left += unanswered_after_end && patient.horizon < kDemoReferenceDate && !died;
      });
  EXPECT_GT(lost_with_follow_ups_left, 100);
}

TEST(DemoProms, InjectionDatesLeaveOutCancelledSessions) {
  int stopped = 0;
  ForEachGenerated(5, 600, [&](const DemoPatient&, const DemoTreatment& t, const DemoProms&) {
    if (!t.treated || t.stop == DemoStop::kCancelledBeforeStart) return;
    auto dates = DemoInjectionDates(t);
    ASSERT_EQ(dates.size(), t.sessions.size());  // the demo's courses stop rather than skip a session
    for (size_t i = 0; i < dates.size(); ++i) EXPECT_EQ(Days{dates[i]}, t.sessions[i].date);
    stopped += t.sessions.size() < t.planned.sessions.size();
  });
  EXPECT_GT(stopped, 0);
}

// The same seed stores the same PROM records on PostgreSQL as on SQLite (when scripts/with-postgres.sh
// runs the tests), and SurveyService reads them there.
TEST(DemoPromPostgres, StoresTheSamePromRecords) {
  PgSchema schema("kr_demo_prom_test");
  if (!schema.available()) GTEST_SKIP() << "KNEEREGEN_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";
  const std::string url = schema.url();
  {
    auto pg = OpenStore(url);
    ASSERT_TRUE(pg.ok()) << pg.error().detail;
    auto sqlite = MemoryStore();
    auto on_pg = Seed(**pg, 150, 11);
    auto expected = PromSnapshot(*sqlite, Seed(*sqlite, 150, 11).clinic_id);
    auto stored = PromSnapshot(**pg, on_pg.clinic_id);
    for (const auto& [kind, records] : expected) {
      ASSERT_EQ(stored[kind].size(), records.size()) << kind;
      for (size_t i = 0; i < records.size(); ++i) ASSERT_EQ(stored[kind][i], records[i]) << kind << " " << i;
    }
    const Json* completed = nullptr;
    for (const auto& f : stored["followups"])
      if (f["status"] == "completed" && f["timepoint"] != "baseline") completed = &f;
    ASSERT_NE(completed, nullptr);
    auto detail = SurveyService(**pg).FollowUpDetail(Actors::Clinician(on_pg.clinic_id), (*completed)["id"]);
    ASSERT_TRUE(detail.ok()) << detail.error().detail;
    EXPECT_EQ((*detail)["responses"].size(), 4u);
    EXPECT_EQ((*detail)["scores"].size(), 17u);
  }
}

}  // namespace
}  // namespace kneeregen
