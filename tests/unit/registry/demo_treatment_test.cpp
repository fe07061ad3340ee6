// The demo clinic's treatment side is deterministic for a seed, the same on every backend, and shaped like
// the model it claims: the protocol mix, adverse-event rates, withdrawals and early stops, plausible
// biologics, allogeneic lots shared across patients so a recall finds them, and imaging of the treated knees.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/time.hpp"
#include "registry/course_service.hpp"
#include "registry/demo.hpp"
#include "registry/imaging_service.hpp"
#include "registry/record_queries.hpp"
#include "storage/open_store.hpp"
#include "support/pg_schema.hpp"
#include "unit/registry/demo_fixture.hpp"

namespace kneeregen {
namespace {

using testing_demo::MemoryStore;
using testing_demo::Seed;
using testing_demo::WithoutWriteTimes;
using testing_support::PgSchema;

Actor Clinician(int64_t clinic_id) { return testing_demo::Actors::Clinician(clinic_id); }

const char* const kTreatmentKinds[] = {
    "price-lists", "protocol-templates", "consent-templates", "treatment-courses",      "quotes",
    "invoices",    "payments",           "consents",          "consent-withdrawals",    "treatment-sessions",
    "injections",  "adverse-events",     "imaging-studies",   "cartilage-measurements", "worms-grades"};

// Every record of every kind, without the write timestamps that differ from run to run.
std::map<std::string, std::vector<Json>> Snapshot(Store& store, int64_t clinic_id) {
  std::map<std::string, std::vector<Json>> out;
  Status status = store.Read([&](ReadTransaction& tx) -> Status {
    for (const auto& schema : AllRecordSchemas()) {
      out[schema.resource] = WithoutWriteTimes(AllRecords(tx, schema, clinic_id, {}));
    }
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
  return out;
}

TEST(DemoTreatment, SameSeedGivesIdenticalRecords) {
  auto a = MemoryStore(), b = MemoryStore(), c = MemoryStore();
  auto sa = Seed(*a, 300, 42), sb = Seed(*b, 300, 42), sc = Seed(*c, 300, 43);
  auto first = Snapshot(*a, sa.clinic_id);
  auto second = Snapshot(*b, sb.clinic_id);
  auto other = Snapshot(*c, sc.clinic_id);
  for (const char* kind : kTreatmentKinds) {
    EXPECT_FALSE(first[kind].empty()) << kind;
    EXPECT_EQ(first[kind], second[kind]) << kind;
  }
  EXPECT_NE(first["treatment-courses"], other["treatment-courses"]);
  EXPECT_NE(first["treatment-sessions"], other["treatment-sessions"]);
}

TEST(DemoTreatment, ATreatmentDoesNotDependOnHowManyPatientsAreGenerated) {
  auto small = MemoryStore(), large = MemoryStore();
  auto few = Snapshot(*small, Seed(*small, 20, 7).clinic_id);
  auto many = Snapshot(*large, Seed(*large, 120, 7).clinic_id);
  for (const char* kind :
       {"treatment-courses", "quotes", "consents", "payments", "treatment-sessions", "injections"}) {
    ASSERT_FALSE(few[kind].empty()) << kind;
    // Patients are stored in order, so the first patients' records come first and carry the same ids.
    for (size_t i = 0; i < few[kind].size(); ++i) EXPECT_EQ(few[kind][i], many[kind][i]) << kind << " " << i;
  }
}

// The same seed stores the same records on PostgreSQL as on SQLite (when scripts/with-postgres.sh runs the
// tests), and a recall by lot works there too.
TEST(DemoTreatment, PostgresStoresTheSameRecords) {
  PgSchema schema("kr_demo_test");
  if (!schema.available()) GTEST_SKIP() << "KNEEREGEN_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";
  const std::string url = schema.url();
  {
    auto pg = OpenStore(url);
    ASSERT_TRUE(pg.ok()) << pg.error().detail;
    auto sqlite = MemoryStore();
    auto on_pg = Seed(**pg, 300, 11);
    auto on_sqlite = Seed(*sqlite, 300, 11);
    auto expected = Snapshot(*sqlite, on_sqlite.clinic_id);
    auto stored = Snapshot(**pg, on_pg.clinic_id);
    // Both databases are new, so even the ids agree.
    for (const auto& [kind, records] : expected) {
      ASSERT_EQ(stored[kind].size(), records.size()) << kind;
      for (size_t i = 0; i < records.size(); ++i) ASSERT_EQ(stored[kind][i], records[i]) << kind << " " << i;
    }
    std::string lot;
    for (const auto& s : stored["treatment-sessions"])
      if (s["donor_type"] == "allogeneic") lot = s["product_lot"].get<std::string>();
    ASSERT_FALSE(lot.empty());
    auto recall = CourseService(**pg).RecallLot(Clinician(on_pg.clinic_id), lot);
    ASSERT_TRUE(recall.ok());
    EXPECT_FALSE((*recall)["patients"].empty());
  }
}

// One larger clinic shared by the statistical checks.
class DemoTreatmentModel : public testing::Test {
 protected:
  static constexpr int64_t kPatients = 2000;

  static void SetUpTestSuite() {
    store_ = MemoryStore().release();
    summary_ = Seed(*store_, kPatients, 1);
    records_ = new std::map<std::string, std::vector<Json>>(Snapshot(*store_, summary_.clinic_id));
  }
  static void TearDownTestSuite() {
    delete records_;
    delete store_;
  }

  static const std::vector<Json>& Records(const std::string& kind) { return records_->at(kind); }
  static std::map<int64_t, Json> ById(const std::string& kind) {
    std::map<int64_t, Json> out;
    for (const auto& r : Records(kind)) out[r["id"].get<int64_t>()] = r;
    return out;
  }
  // Patients with at least one performed session.
  static std::set<int64_t> TreatedPatients() {
    std::set<int64_t> out;
    for (const auto& s : Records("treatment-sessions")) out.insert(s["patient_id"].get<int64_t>());
    return out;
  }
  static double Share(size_t part, size_t whole) {
    return static_cast<double>(part) / static_cast<double>(whole);
  }

  static Store* store_;
  static DemoSummary summary_;
  static std::map<std::string, std::vector<Json>>* records_;
};

Store* DemoTreatmentModel::store_ = nullptr;
DemoSummary DemoTreatmentModel::summary_;
std::map<std::string, std::vector<Json>>* DemoTreatmentModel::records_ = nullptr;

TEST_F(DemoTreatmentModel, CountsMatchTheSummaryAndTheStore) {
  const std::map<std::string, int64_t> expected = {
      {"price-lists", summary_.price_lists},
      {"protocol-templates", summary_.protocol_templates},
      {"consent-templates", summary_.consent_templates},
      {"treatment-courses", summary_.treatment_courses},
      {"quotes", summary_.quotes},
      {"invoices", summary_.invoices},
      {"payments", summary_.payments},
      {"consents", summary_.consents},
      {"consent-withdrawals", summary_.consent_withdrawals},
      {"treatment-sessions", summary_.treatment_sessions},
      {"injections", summary_.injections},
      {"adverse-events", summary_.adverse_events},
      {"imaging-studies", summary_.imaging_studies},
      {"cartilage-measurements", summary_.cartilage_measurements},
      {"worms-grades", summary_.worms_grades}};
  for (const auto& [kind, count] : expected)
    EXPECT_EQ(static_cast<int64_t>(Records(kind).size()), count) << kind;
  EXPECT_EQ(summary_.price_lists, 1);
  EXPECT_EQ(summary_.protocol_templates, 4);
  EXPECT_EQ(summary_.consent_templates, 1);
  // Only patients seen in the last few months, whose course would run past the reference date, go untreated.
  EXPECT_GT(summary_.treatment_courses, kPatients * 9 / 10);
  EXPECT_EQ(summary_.quotes, summary_.treatment_courses);
  EXPECT_EQ(summary_.invoices, summary_.treatment_courses);
  EXPECT_EQ(summary_.consents, summary_.treatment_courses);
}

TEST_F(DemoTreatmentModel, ProtocolMixMatchesTheModel) {
  std::map<int64_t, std::string> names;
  for (const auto& t : Records("protocol-templates"))
    names[t["id"].get<int64_t>()] = t["name"].get<std::string>();
  std::map<std::string, int> counts;
  for (const auto& c : Records("treatment-courses")) ++counts[names.at(c["template_id"].get<int64_t>())];
  const double courses = static_cast<double>(Records("treatment-courses").size());
  const std::map<std::string, double> expected = {{"6 x BMC, joint + collateral ligaments (synthetic)", 0.55},
                                                  {"6 x BMC, joint only (synthetic)", 0.20},
                                                  {"Single-injection BMC (synthetic)", 0.20},
                                                  {"3 x UC-MSC, monthly (synthetic)", 0.05}};
  for (const auto& [name, share] : expected) EXPECT_NEAR(counts[name] / courses, share, 0.03) << name;
  for (const auto& c : Records("treatment-courses"))
    EXPECT_EQ(c["ligament_sites"],
              names.at(c["template_id"].get<int64_t>()).find("ligaments") != std::string::npos);
}

TEST_F(DemoTreatmentModel, AdverseEventRatesMatchDomainSection7) {
  const auto treated = TreatedPatients();
  std::map<std::string, std::set<int64_t>> patients_with;
  int serious = 0;
  for (const auto& e : Records("adverse-events")) {
    patients_with[e["term"].get<std::string>()].insert(e["patient_id"].get<int64_t>());
    serious += e["serious"] == true;
  }
  int harvests = 0;
  for (const auto& s : Records("treatment-sessions")) harvests += s["harvest_tissue"] == "iliac_crest_marrow";
  EXPECT_NEAR(Share(patients_with["post_injection_flare"].size(), treated.size()), 0.039, 0.013);
  EXPECT_NEAR(Share(patients_with["effusion_swelling"].size(), treated.size()), 0.03, 0.012);
  EXPECT_NEAR(Share(patients_with["harvest_site_pain_haematoma"].size(), harvests), 0.03, 0.012);
  // 0.037 % per session: a handful at most in ~9,000 sessions; serious events stay rare.
  EXPECT_LE(patients_with["infection_septic_arthritis"].size(), 10u);
  EXPECT_LT(Share(serious, treated.size()), 0.02);
  EXPECT_GT(serious, 0);
}

TEST_F(DemoTreatmentModel, WithdrawalsAndEarlyStopsAreRareAndRefunded) {
  int cancelled = 0, stopped_early = 0, refunded = 0;
  std::set<int64_t> refunded_invoices;
  for (const auto& p : Records("payments"))
    if (p["kind"] == "refund") refunded_invoices.insert(p["invoice_id"].get<int64_t>());
  for (const auto& c : Records("treatment-courses")) {
    cancelled += c["status"] == "cancelled";
    bool cancels = false;
    for (const auto& change : c["plan_changes"]) cancels = cancels || change.contains("cancel");
    stopped_early += cancels;
  }
  refunded = static_cast<int>(refunded_invoices.size());
  const double courses = static_cast<double>(Records("treatment-courses").size());
  EXPECT_NEAR(cancelled / courses, 0.015, 0.01);
  EXPECT_GT(stopped_early, 0);
  EXPECT_LT(stopped_early / courses, 0.08);
  EXPECT_NEAR(refunded / courses, 0.03, 0.02);
  EXPECT_EQ(static_cast<int64_t>(Records("consent-withdrawals").size()), cancelled);
}

TEST_F(DemoTreatmentModel, CoursesStartShortlyAfterTheBaselineVisit) {
  std::map<int64_t, std::string> baseline;  // knee id -> baseline visit
  for (const auto& a : Records("assessments"))
    if (a["kind"] == "baseline") baseline[a["knee_id"].get<int64_t>()] = a["assessed_on"].get<std::string>();
  for (const auto& c : Records("treatment-courses")) {
    auto visit = *ParseDate(baseline.at(c["knee_id"].get<int64_t>()));
    auto first = *ParseDate(c["first_session"].get<std::string>());
    auto days = (std::chrono::sys_days{first} - std::chrono::sys_days{visit}).count();
    EXPECT_GE(days, 10);
    EXPECT_LE(days, 30) << "DOMAIN.md §8: baseline at most 30 days before session 1";
  }
}

TEST_F(DemoTreatmentModel, BiologicsArePlausibleForTheirProduct) {
  for (const auto& s : Records("treatment-sessions")) {
    double viability = s["viability_percent"];
    EXPECT_GE(viability, 85);
    EXPECT_LE(viability, 99);
    if (s["product"] == "bone_marrow_concentrate") {
      EXPECT_EQ(s["donor_type"], "autologous");
      EXPECT_EQ(s["processing_method"], "centrifugation");
      double cells = s["total_nucleated_cells"];
      EXPECT_GE(cells, 0.8e8);
      EXPECT_LE(cells, 1e9);
      const bool harvest = s["harvest_tissue"] == "iliac_crest_marrow";
      EXPECT_EQ(harvest, s["session_number"] == 1);
      if (harvest) EXPECT_GE(viability, 90);
    } else {
      EXPECT_EQ(s["donor_type"], "allogeneic");
      EXPECT_EQ(s["culture_expanded"], true);
      EXPECT_FALSE(s["donor_id"].is_null());
      EXPECT_EQ(s["harvest_tissue"], "none");
    }
  }
  std::map<std::string, int> guidance;
  for (const auto& i : Records("injections")) ++guidance[i["guidance"].get<std::string>()];
  EXPECT_GT(guidance["ultrasound"], 4 * guidance["landmark"]);
  EXPECT_GT(guidance["landmark"], 0);
}

TEST_F(DemoTreatmentModel, RecallByASharedUcMscLotFindsSeveralPatients) {
  std::map<std::string, std::set<int64_t>> patients_by_lot;
  for (const auto& s : Records("treatment-sessions"))
    if (s["product"] == "umbilical_cord_msc")
      patients_by_lot[s["product_lot"].get<std::string>()].insert(s["patient_id"].get<int64_t>());
  ASSERT_FALSE(patients_by_lot.empty());
  auto widest =
      std::max_element(patients_by_lot.begin(), patients_by_lot.end(),
                       [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  auto recall = CourseService(*store_).RecallLot(Clinician(summary_.clinic_id), widest->first);
  ASSERT_TRUE(recall.ok());
  EXPECT_GT((*recall)["patients"].size(), 1u);
  EXPECT_EQ((*recall)["patients"].size(), widest->second.size());
  // A bone-marrow concentrate is the patient's own: its lot reaches one patient only.
  const Json& bmc = *std::find_if(Records("treatment-sessions").begin(), Records("treatment-sessions").end(),
                                  [](const Json& s) { return s["product"] == "bone_marrow_concentrate"; });
  auto own =
      CourseService(*store_).RecallLot(Clinician(summary_.clinic_id), bmc["product_lot"].get<std::string>());
  ASSERT_TRUE(own.ok());
  EXPECT_EQ((*own)["patients"].size(), 1u);
}

TEST_F(DemoTreatmentModel, TreatedKneesAreImagedAsTheModelSays) {
  std::map<int64_t, int> baseline_kl;  // knee id -> KL of the baseline assessment
  for (const auto& a : Records("assessments"))
    if (a["kind"] == "baseline") baseline_kl[a["knee_id"].get<int64_t>()] = a["kl_grade"].get<int>();
  std::map<int64_t, int> mris;  // knee id -> MRI studies
  int radiographs = 0;
  for (const auto& s : Records("imaging-studies")) {
    if (s["modality"] == "mri") {
      ++mris[s["knee_id"].get<int64_t>()];
      continue;
    }
    ++radiographs;
    EXPECT_EQ(s["kl_grade"], baseline_kl.at(s["knee_id"].get<int64_t>()));
  }
  EXPECT_EQ(radiographs, kPatients);  // the treated knee of every patient
  std::set<int64_t> treated_knees;
  for (const auto& s : Records("treatment-sessions")) treated_knees.insert(s["knee_id"].get<int64_t>());
  EXPECT_NEAR(Share(mris.size(), treated_knees.size()), 0.30, 0.04);
  // Some follow-ups were segmented with another method or read on another magnet, and the cartilage-change
  // view flags those comparisons.
  ImagingService imaging(*store_);
  int compared = 0, flagged = 0;
  for (const auto& [knee, count] : mris) {
    if (count < 2) continue;
    auto change = imaging.CartilageChange(Clinician(summary_.clinic_id), knee);
    ASSERT_TRUE(change.ok());
    for (const auto& comparison : (*change)["comparisons"])
      for (const auto& region : comparison["regions"]) {
        ++compared;
        flagged += region["comparable"] == false;
      }
  }
  EXPECT_GT(compared, 400);
  EXPECT_GT(flagged, 0);
  EXPECT_LT(Share(flagged, compared), 0.25);
}

}  // namespace
}  // namespace kneeregen
