// The synthetic demo clinic: deterministic for a seed, flagged synthetic everywhere, valid by the record
// schemas, and shaped like the model it claims (KL mix, replacement hazard rising with grade, deaths
// without a knee, nothing dated after the reference date).
#include "registry/demo.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "core/time.hpp"
#include "storage/open_store.hpp"

namespace kneeregen {
namespace {

constexpr const char* kReferenceDate = "2026-11-01";
const char* const kKinds[] = {"practitioners", "patients",          "knees",
                              "assessments",   "cartilage-lesions", "outcome-events"};

std::unique_ptr<Store> MemoryStore() {
  auto store = OpenStore("sqlite::memory:");
  if (!store.ok()) ADD_FAILURE() << store.error().detail;
  return std::move(store).value();
}

std::vector<Json> ListAll(Store& store, const std::string& resource, int64_t clinic_id) {
  std::vector<Json> out;
  const RecordSchema& schema = *FindRecordSchema(resource);
  Status status = store.Read([&](ReadTransaction& tx) -> Status {
    ListQuery query{.limit = 1000};
    while (true) {
      RecordPage page = tx.ListRecords(schema, clinic_id, query);
      for (auto& item : page.items) out.push_back(std::move(item));
      if (!page.next_after_id) return Ok{};
      query.after_id = *page.next_after_id;
    }
  });
  EXPECT_TRUE(status.ok());
  return out;
}

// Every record of the clinic by kind, without the timestamps that differ from run to run.
std::map<std::string, std::vector<Json>> Snapshot(Store& store, int64_t clinic_id) {
  std::map<std::string, std::vector<Json>> out;
  for (const char* kind : kKinds) {
    out[kind] = ListAll(store, kind, clinic_id);
    for (auto& r : out[kind]) {
      r.erase("created_at");
      r.erase("updated_at");
    }
  }
  return out;
}

Result<DemoSummary> Seed(Store& store, int64_t patients, uint64_t seed) {
  return SeedDemoClinic(store, DemoOptions{.patients = patients, .seed = seed});
}

TEST(DemoClinic, SameSeedGivesIdenticalRecords) {
  auto a = MemoryStore();
  auto b = MemoryStore();
  auto sa = Seed(*a, 300, 42);
  auto sb = Seed(*b, 300, 42);
  ASSERT_TRUE(sa.ok() && sb.ok());
  auto snapshot = Snapshot(*a, sa->clinic_id);
  EXPECT_EQ(snapshot, Snapshot(*b, sb->clinic_id));
  EXPECT_EQ(snapshot["patients"].size(), 300u);

  auto c = MemoryStore();
  auto sc = Seed(*c, 300, 43);
  ASSERT_TRUE(sc.ok());
  EXPECT_NE(Snapshot(*c, sc->clinic_id)["patients"], snapshot["patients"]);
}

TEST(DemoClinic, APatientDoesNotDependOnHowManyAreGenerated) {
  auto small = MemoryStore();
  auto large = MemoryStore();
  auto ss = Seed(*small, 20, 7);
  auto sl = Seed(*large, 120, 7);
  ASSERT_TRUE(ss.ok() && sl.ok());
  auto few = ListAll(*small, "patients", ss->clinic_id);
  auto many = ListAll(*large, "patients", sl->clinic_id);
  ASSERT_EQ(few.size(), 20u);
  for (size_t i = 0; i < few.size(); ++i) {
    for (const char* field :
         {"mrn", "given_name", "family_name", "birth_date", "sex", "email", "phone", "zip"})
      EXPECT_EQ(few[i][field], many[i][field]) << field;
  }
}

TEST(DemoClinic, RejectsANegativeCount) {
  auto store = MemoryStore();
  auto result = SeedDemoClinic(*store, DemoOptions{.patients = -1});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
  auto no_batch = SeedDemoClinic(*store, DemoOptions{.patients = 10, .patients_per_batch = 0});
  ASSERT_FALSE(no_batch.ok());
  EXPECT_EQ(no_batch.error().code, ErrorCode::kValidationFailed);
}

TEST(DemoClinic, ReportsProgressPerBatch) {
  EXPECT_EQ(DemoOptions{}.patients_per_batch, 2500);
  auto store = MemoryStore();
  std::vector<std::pair<int64_t, int64_t>> calls;
  auto result = SeedDemoClinic(
      *store, DemoOptions{.patients = 241,
                          .patients_per_batch = 100,
                          .progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); }});
  ASSERT_TRUE(result.ok());
  std::vector<std::pair<int64_t, int64_t>> expected = {{100, 241}, {200, 241}, {241, 241}};
  EXPECT_EQ(calls, expected);
  EXPECT_EQ(result->patients, 241);
}

// One larger clinic shared by the statistical checks.
class DemoCohort : public testing::Test {
 protected:
  static constexpr int64_t kPatients = 2000;

  static void SetUpTestSuite() {
    records_ = new std::map<std::string, std::vector<Json>>();
    store_ = MemoryStore().release();
    auto result = Seed(*store_, kPatients, 1);
    ASSERT_TRUE(result.ok());
    summary_ = *result;
    *records_ = Snapshot(*store_, summary_.clinic_id);
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

  static Store* store_;
  static DemoSummary summary_;
  static std::map<std::string, std::vector<Json>>* records_;
};

Store* DemoCohort::store_ = nullptr;
DemoSummary DemoCohort::summary_;
std::map<std::string, std::vector<Json>>* DemoCohort::records_ = nullptr;

TEST_F(DemoCohort, CountsMatchTheSummaryAndTheStore) {
  EXPECT_EQ(summary_.patients, kPatients);
  EXPECT_EQ(summary_.knees, 2 * kPatients);
  EXPECT_GE(summary_.practitioners, 4);
  EXPECT_LE(summary_.practitioners, 6);
  EXPECT_GT(summary_.assessments, kPatients);
  EXPECT_GT(summary_.cartilage_lesions, 0);
  EXPECT_GT(summary_.outcome_events, 0);
  const std::map<std::string, int64_t> expected = {{"practitioners", summary_.practitioners},
                                                   {"patients", summary_.patients},
                                                   {"knees", summary_.knees},
                                                   {"assessments", summary_.assessments},
                                                   {"cartilage-lesions", summary_.cartilage_lesions},
                                                   {"outcome-events", summary_.outcome_events}};
  std::optional<Clinic> clinic;
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    for (const auto& [kind, count] : expected) {
      EXPECT_EQ(tx.CountRecords(*FindRecordSchema(kind), summary_.clinic_id), count) << kind;
      EXPECT_EQ(static_cast<int64_t>(Records(kind).size()), count) << kind;
    }
    clinic = tx.GetClinic(summary_.clinic_id);
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
  ASSERT_TRUE(clinic.has_value());
  EXPECT_TRUE(clinic->synthetic);
  EXPECT_EQ(clinic->time_zone, "America/Los_Angeles");
  EXPECT_NE(clinic->name.find("synthetic"), std::string::npos);
}

TEST_F(DemoCohort, WritesOneAuditRowForTheRun) {
  std::vector<AuditEntry> rows;
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    rows = tx.ListAudit(summary_.clinic_id, 0, 100);
    return Ok{};
  });
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, "demo.seed");
  EXPECT_EQ(rows[0].object_type, "clinics");
  EXPECT_EQ(rows[0].object_id, summary_.clinic_id);
  EXPECT_EQ(rows[0].username, "kneeregen demo");
  EXPECT_EQ(rows[0].role, "system");
  Json after = Json::parse(rows[0].after_json);
  EXPECT_EQ(after["patients"], kPatients);
  EXPECT_EQ(after["seed"], 1);
}

TEST_F(DemoCohort, EveryRecordIsFlaggedSynthetic) {
  for (const char* kind : kKinds)
    for (const auto& r : Records(kind)) ASSERT_EQ(r["synthetic"], true) << kind << " " << r["id"];
}

TEST_F(DemoCohort, SampledRecordsPassValidation) {
  for (const char* kind : kKinds) {
    const RecordSchema& schema = *FindRecordSchema(kind);
    const auto& records = Records(kind);
    for (size_t i = 0; i < records.size(); i += 7) {
      Json body = Json::object();
      for (const auto& f : schema.fields)
        if (f.client_writable()) body[f.name] = records[i][f.name];
      auto valid = ValidateNewRecord(schema, body);
      ASSERT_TRUE(valid.ok()) << kind << ": " << body.dump() << " "
                              << (valid.error().fields.empty() ? valid.error().detail
                                                               : valid.error().fields[0].field + " " +
                                                                     valid.error().fields[0].message);
    }
  }
}

TEST_F(DemoCohort, DerivedAndReferencedIdsAgree) {
  auto knees = ById("knees");
  auto assessments = ById("assessments");
  for (const auto& a : Records("assessments"))
    ASSERT_EQ(knees.at(a["knee_id"].get<int64_t>())["patient_id"], a["patient_id"]);
  for (const auto& l : Records("cartilage-lesions")) {
    const Json& a = assessments.at(l["assessment_id"].get<int64_t>());
    ASSERT_EQ(l["knee_id"], a["knee_id"]);
    ASSERT_EQ(l["patient_id"], a["patient_id"]);
    EXPECT_EQ(a["kind"], "baseline");
  }
}

TEST_F(DemoCohort, MrnsAreUniqueAndMarkedSynthetic) {
  std::set<std::string> mrns;
  for (const auto& p : Records("patients")) {
    std::string mrn = p["mrn"];
    EXPECT_EQ(mrn.rfind("SYN-", 0), 0u) << mrn;
    mrns.insert(mrn);
  }
  EXPECT_EQ(mrns.size(), static_cast<size_t>(kPatients));
  EXPECT_TRUE(mrns.count("SYN-0000001"));
  EXPECT_TRUE(mrns.count("SYN-0002000"));
}

TEST_F(DemoCohort, NoDateIsInTheFuture) {
  std::string today = FormatDate(TodayUtc());
  for (const char* kind : kKinds) {
    for (const auto& f : FindRecordSchema(kind)->fields) {
      if (f.kind != FieldKind::kDate) continue;
      for (const auto& r : Records(kind)) {
        if (r[f.name].is_null()) continue;
        std::string date = r[f.name];
        ASSERT_LT(date, kReferenceDate) << kind << "." << f.name;
        ASSERT_LE(date, today);
      }
    }
  }
}

TEST_F(DemoCohort, VisitsAndRadiographsFallOnWeekdays) {
  for (const auto& a : Records("assessments")) {
    for (const char* field : {"assessed_on", "kl_image_date"}) {
      if (a[field].is_null()) continue;
      std::chrono::weekday day{std::chrono::sys_days{*ParseDate(a[field].get<std::string>())}};
      ASSERT_TRUE(day != std::chrono::Saturday && day != std::chrono::Sunday) << a[field];
    }
  }
}

TEST_F(DemoCohort, PatientsLookLikeTheModel) {
  std::map<int64_t, std::string> baseline;  // patient id -> baseline date
  for (const auto& a : Records("assessments"))
    if (a["kind"] == "baseline") baseline[a["patient_id"].get<int64_t>()] = a["assessed_on"];
  int female = 0;
  double age_sum = 0;
  for (const auto& p : Records("patients")) {
    female += p["sex"] == "female";
    auto birth = *ParseDate(p["birth_date"].get<std::string>());
    auto base = *ParseDate(baseline.at(p["id"].get<int64_t>()));
    int age = YearsBetween(birth, base);
    EXPECT_GE(age, 29);
    EXPECT_LE(age, 88);
    age_sum += age;
    EXPECT_NE(p["email"].get<std::string>().find("@example.invalid"), std::string::npos);
    EXPECT_NE(p["phone"].get<std::string>().find("-555-01"), std::string::npos);
  }
  EXPECT_NEAR(female / static_cast<double>(kPatients), 0.55, 0.04);
  EXPECT_NEAR(age_sum / kPatients, 57.5, 1.5);
  for (const auto& a : Records("assessments")) {
    double bmi = a["bmi"];
    EXPECT_GE(bmi, 18);
    EXPECT_LE(bmi, 50);
  }
  for (const auto& l : Records("cartilage-lesions")) {
    double area = l["area_cm2"];
    EXPECT_GE(area, 0.5);
    EXPECT_LE(area, 6.0);
  }
}

// The treated knee is the patient's worst knee at baseline: the other knee is graded the same or lower.
std::map<int64_t, int> TreatedKneeGrades(const std::vector<Json>& assessments) {
  std::map<int64_t, int> out;
  for (const auto& a : assessments) {
    if (a["kind"] != "baseline") continue;
    int& kl = out[a["patient_id"].get<int64_t>()];
    kl = std::max(kl, a["kl_grade"].get<int>());
  }
  return out;
}

TEST_F(DemoCohort, KellgrenLawrenceMixOfTreatedKnees) {
  auto grades = TreatedKneeGrades(Records("assessments"));
  ASSERT_EQ(grades.size(), static_cast<size_t>(kPatients));
  std::map<int, int> counts;
  for (const auto& [patient, kl] : grades) ++counts[kl];
  const std::map<int, double> expected = {{1, 0.10}, {2, 0.35}, {3, 0.35}, {4, 0.20}};
  for (const auto& [kl, share] : expected)
    EXPECT_NEAR(counts[kl] / static_cast<double>(kPatients), share, 0.04) << "KL" << kl;
  EXPECT_EQ(counts[0], 0);
}

TEST_F(DemoCohort, ReplacementRateRisesWithGrade) {
  std::map<int64_t, int> baseline_kl;  // knee id -> grade at baseline
  for (const auto& a : Records("assessments"))
    if (a["kind"] == "baseline") baseline_kl[a["knee_id"].get<int64_t>()] = a["kl_grade"];
  std::set<int64_t> replaced;
  for (const auto& e : Records("outcome-events")) {
    std::string type = e["event_type"];
    if (type == "total_knee_replacement" || type == "unicompartmental_knee_replacement")
      replaced.insert(e["knee_id"].get<int64_t>());
  }
  std::map<int, int> knees, replacements;
  for (const auto& [knee, kl] : baseline_kl) {
    ++knees[kl];
    replacements[kl] += replaced.count(knee) ? 1 : 0;
  }
  auto rate = [&](int kl) { return replacements[kl] / static_cast<double>(knees[kl]); };
  EXPECT_LT(rate(1) + rate(2), 2 * rate(3));
  EXPECT_LT(rate(2), rate(3));
  EXPECT_LT(rate(3), rate(4));
  EXPECT_GT(replacements[4], 20);
}

TEST_F(DemoCohort, DeathsHaveNoKneeAndEndTheRecord) {
  auto knees = ById("knees");
  std::map<int64_t, std::string> death;       // patient id -> date
  std::map<int64_t, std::string> knee_event;  // knee id -> date of replacement or osteotomy
  for (const auto& e : Records("outcome-events")) {
    if (e["event_type"] == "death") {
      EXPECT_TRUE(e["knee_id"].is_null());
      EXPECT_TRUE(death.emplace(e["patient_id"].get<int64_t>(), e["event_date"]).second) << "two deaths";
    } else {
      ASSERT_FALSE(e["knee_id"].is_null());
      EXPECT_EQ(knees.at(e["knee_id"].get<int64_t>())["patient_id"], e["patient_id"]);
      EXPECT_TRUE(knee_event.emplace(e["knee_id"].get<int64_t>(), e["event_date"]).second);
    }
  }
  EXPECT_GT(death.size(), 0u);
  for (const auto& [knee, date] : knee_event) {
    auto d = death.find(knees.at(knee)["patient_id"].get<int64_t>());
    if (d != death.end()) {
      EXPECT_LT(date, d->second);
    }
  }
  for (const auto& a : Records("assessments")) {
    std::string on = a["assessed_on"];
    auto d = death.find(a["patient_id"].get<int64_t>());
    if (d != death.end()) {
      EXPECT_LT(on, d->second);
    }
    auto k = knee_event.find(a["knee_id"].get<int64_t>());
    if (k != knee_event.end()) {
      EXPECT_LT(on, k->second) << "follow-up after the knee was operated on";
    }
  }
}

TEST_F(DemoCohort, FollowUpThinsOutWithDropout) {
  std::map<int64_t, std::string> baseline;  // knee id -> baseline date
  std::map<int64_t, int> follow_ups;
  for (const auto& a : Records("assessments")) {
    int64_t knee = a["knee_id"];
    if (a["kind"] == "baseline")
      baseline[knee] = a["assessed_on"];
    else
      ++follow_ups[knee];
  }
  // Knees with a baseline more than 25 months before the reference date could have had all three visits.
  int eligible = 0, complete = 0;
  for (const auto& [knee, date] : baseline) {
    if (date >= "2024-10-01") continue;
    ++eligible;
    complete += follow_ups[knee] == 3;
  }
  ASSERT_GT(eligible, 500);
  double share = complete / static_cast<double>(eligible);
  EXPECT_GT(share, 0.6);
  EXPECT_LT(share, 0.9);
}

}  // namespace
}  // namespace kneeregen
