// Candidacy screenings and candidacy rules through the Store interface on every backend: rows round-trip,
// stay inside their clinic, page by id with a patient filter, and a rules version name is unique per clinic.
#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

class StoreScreenings : public StoreTest {};

ScreeningRow Row(int64_t clinic_id, int64_t patient_id, const std::string& tier) {
  return ScreeningRow{.clinic_id = clinic_id,
                      .patient_id = patient_id,
                      .screened_on = "2026-03-02",
                      .input_json = R"({"age_years":64})",
                      .tier = tier,
                      .reasons_json = R"([{"rule_id":"kl.early_oa"}])",
                      .rules_version = "kneeregen-default-1",
                      .created_by = 7};
}

TEST_P(StoreScreenings, ScreeningsRoundTripPageAndStayInTheirClinic) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  int64_t p1 = AddPatient(a, PatientRecord("MRN-1"));
  int64_t p2 = AddPatient(a, PatientRecord("MRN-2"));
  std::vector<int64_t> ids;
  MustWrite([&](WriteTransaction& tx) {
    for (int64_t patient : {p1, p2, p1}) {
      ScreeningRow row = Row(a, patient, "favourable");
      if (patient == p2) row.created_by.reset();
      tx.InsertScreening(row);
      EXPECT_GT(row.id, 0);
      EXPECT_FALSE(row.created_at.empty());
      ids.push_back(row.id);
    }
  });
  MustRead([&](ReadTransaction& tx) {
    auto got = tx.GetScreening(a, ids[0]);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->patient_id, p1);
    EXPECT_EQ(got->screened_on, "2026-03-02");
    EXPECT_EQ(got->input_json, R"({"age_years":64})");
    EXPECT_EQ(got->tier, "favourable");
    EXPECT_EQ(got->reasons_json, R"([{"rule_id":"kl.early_oa"}])");
    EXPECT_EQ(got->rules_version, "kneeregen-default-1");
    EXPECT_EQ(got->created_by, 7);
    EXPECT_EQ(tx.GetScreening(a, ids[1])->created_by, std::nullopt);
    EXPECT_FALSE(tx.GetScreening(b, ids[0]));
    EXPECT_TRUE(tx.ListScreenings(b, std::nullopt, 0, 10).empty());

    auto first = tx.ListScreenings(a, std::nullopt, 0, 2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].id, ids[0]);
    auto rest = tx.ListScreenings(a, std::nullopt, first[1].id, 2);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].id, ids[2]);
    auto of_p1 = tx.ListScreenings(a, p1, 0, 10);
    ASSERT_EQ(of_p1.size(), 2u);
    EXPECT_EQ(of_p1[1].id, ids[2]);
  });
  // A screening can't point at another clinic's patient.
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    ScreeningRow row = Row(b, p1, "possible");
    tx.InsertScreening(row);
    return Ok{};
  });
  EXPECT_FALSE(status.ok());
}

TEST_P(StoreScreenings, TheLatestRulesVersionIsCurrentAndANameIsUsedOncePerClinic) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  MustRead([&](ReadTransaction& tx) { EXPECT_FALSE(tx.CurrentCandidacyRules(a)); });
  MustWrite([&](WriteTransaction& tx) {
    for (const char* version : {"v1", "v2"}) {
      CandidacyRulesRow row{.clinic_id = a, .version = version,
                            .rules_json = R"({"version":")" + std::string(version) + "\"}"};
      tx.InsertCandidacyRules(row);
      EXPECT_GT(row.id, 0);
    }
    CandidacyRulesRow other{.clinic_id = b, .version = "v1", .rules_json = "{}", .created_by = 3};
    tx.InsertCandidacyRules(other);
  });
  MustRead([&](ReadTransaction& tx) {
    auto current = tx.CurrentCandidacyRules(a);
    ASSERT_TRUE(current);
    EXPECT_EQ(current->version, "v2");
    EXPECT_EQ(current->rules_json, R"({"version":"v2"})");
    EXPECT_EQ(current->created_by, std::nullopt);
    EXPECT_EQ(tx.CurrentCandidacyRules(b)->created_by, 3);
    EXPECT_TRUE(tx.CandidacyRulesVersionExists(a, "v1"));
    EXPECT_FALSE(tx.CandidacyRulesVersionExists(a, "v3"));
    EXPECT_FALSE(tx.CandidacyRulesVersionExists(b, "v2"));
  });
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    CandidacyRulesRow again{.clinic_id = a, .version = "v1", .rules_json = "{}"};
    tx.InsertCandidacyRules(again);
    return Ok{};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.CurrentCandidacyRules(a)->version, "v2"); });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreScreenings, ::testing::ValuesIn(kAllTestBackends), BackendName);

}  // namespace
}  // namespace kneeregen::testing
