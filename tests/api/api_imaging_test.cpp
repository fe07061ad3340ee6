// Imaging through the real server: fields of one modality refused on the other, cartilage measurements and
// WORMS grades only on an MRI, WORMS grades from the published scale with one per subregion and study, and
// the cartilage change of a knee: exact changes between studies measured alike, and cross-method or
// cross-field-strength comparisons flagged instead of scored. Another clinic's knee reads like a missing one.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api_fixture.hpp"
#include "registry/imaging_service.hpp"

namespace kneeregen::testing {
namespace {

using ApiImagingTest = ApiTest;

// A new patient's left knee in `clinic_id` (the own clinic when 0).
int64_t NewKnee(ApiWorld& w, int64_t clinic_id = 0) {
  if (clinic_id == 0) clinic_id = w.own().clinic_id;
  const int n = w.Next();
  Json patient = SampleBody("patients", {}, n);
  patient["mrn"] = "IMG-" + std::to_string(n);
  int64_t patient_id = w.CreateRecord(clinic_id, "patients", patient)["id"];
  return w.CreateRecord(clinic_id, "knees", Json{{"patient_id", patient_id}, {"side", "left"}})["id"];
}

Json Radiograph(int64_t knee) {
  return Json{{"knee_id", knee}, {"modality", "radiograph"}, {"study_date", "2026-01-10"}, {"kl_grade", 2}};
}

Json Mri(int64_t knee, const std::string& date, double tesla) {
  return Json{{"knee_id", knee}, {"modality", "mri"}, {"study_date", date}, {"field_strength_tesla", tesla}};
}

Json Measurement(int64_t study, const std::string& region, double mm, const std::string& method) {
  return Json{{"study_id", study}, {"region", region}, {"thickness_mm", mm}, {"segmentation_method", method}};
}

Json Worms(int64_t study, const std::string& subregion, const std::string& grade) {
  return Json{{"study_id", study}, {"subregion", subregion}, {"cartilage_grade", grade}};
}

std::string ChangePath(int64_t knee) { return "/api/v1/knees/" + std::to_string(knee) + "/cartilage-change"; }

// Posts a record that must be created and returns its id.
int64_t Created(ApiWorld& w, const std::string& resource, const Json& body) {
  HttpReply reply = w.Post(RecordPath(resource), &w.SessionFor(Role::kClinician), body);
  EXPECT_EQ(reply.status, 201) << resource << ": " << reply.Describe();
  return reply.status == 201 ? reply.json()["id"].get<int64_t>() : 0;
}

// Expects a 400 validation_failed naming exactly `fields`, and nothing written.
void ExpectRefused(ApiWorld& w, const std::string& resource, const Json& body,
                   const std::set<std::string>& fields) {
  const int64_t before = w.CountRecords(w.own().clinic_id, resource);
  HttpReply reply = w.Post(RecordPath(resource), &w.SessionFor(Role::kClinician), body);
  ExpectProblem(reply, 400, "validation_failed");
  EXPECT_EQ(reply.error_fields(), fields) << reply.Describe();
  EXPECT_EQ(w.CountRecords(w.own().clinic_id, resource), before);
}

// The region row of `region` in a comparison, or null.
Json RegionRow(const Json& comparison, const std::string& region) {
  for (const auto& row : comparison["regions"])
    if (row["region"] == region) return row;
  return nullptr;
}

TEST_P(ApiImagingTest, FieldsOfOneModalityAreRefusedOnTheOther) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);

  Json radiograph = Radiograph(knee);
  radiograph["field_strength_tesla"] = 3.0;
  radiograph["sequences"] = "PD FS";
  radiograph["mocart_version"] = "2.0";
  radiograph["mocart_score"] = 70;
  ExpectRefused(w, "imaging-studies", radiograph,
                {"field_strength_tesla", "sequences", "mocart_version", "mocart_score"});
  HttpReply named = w.Post(RecordPath("imaging-studies"), &w.SessionFor(Role::kClinician), radiograph);
  EXPECT_NE(named.body.find("for MRI studies only"), std::string::npos) << named.Describe();

  Json mri = Mri(knee, "2026-01-12", 3.0);
  mri["kl_grade"] = 3;
  ExpectRefused(w, "imaging-studies", mri, {"kl_grade"});

  Json score_without_version = Mri(knee, "2026-01-12", 3.0);
  score_without_version["mocart_score"] = 70;
  ExpectRefused(w, "imaging-studies", score_without_version, {"mocart_version"});

  Json out_of_range = Mri(knee, "2026-01-12", 9.4);
  out_of_range["mocart_version"] = "3.0";
  ExpectRefused(w, "imaging-studies", out_of_range, {"field_strength_tesla", "mocart_version"});

  // The same rules hold when a field is added later.
  const int64_t study = Created(w, "imaging-studies", Radiograph(knee));
  HttpReply patched = w.Patch(RecordPath("imaging-studies", study), &w.SessionFor(Role::kClinician),
                              Json{{"field_strength_tesla", 1.5}});
  ExpectProblem(patched, 400, "validation_failed");
  EXPECT_EQ(patched.error_fields(), std::set<std::string>{"field_strength_tesla"});
  EXPECT_TRUE((*w.ReadRecord(w.own().clinic_id, "imaging-studies", study))["field_strength_tesla"].is_null());
}

TEST_P(ApiImagingTest, MeasurementsAndWormsGradesNeedAnMriStudy) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);
  const int64_t radiograph = Created(w, "imaging-studies", Radiograph(knee));
  ExpectRefused(w, "cartilage-measurements", Measurement(radiograph, "medial_tibia", 1.8, "manual"),
                {"study_id"});
  ExpectRefused(w, "worms-grades", Worms(radiograph, "medial_tibia_central", "2"), {"study_id"});

  const int64_t mri = Created(w, "imaging-studies", Mri(knee, "2026-01-12", 3.0));
  HttpReply measured = w.Post(RecordPath("cartilage-measurements"), &w.SessionFor(Role::kCoordinator),
                              Measurement(mri, "medial_tibia", 1.8, "manual"));
  ASSERT_EQ(measured.status, 201) << measured.Describe();
  EXPECT_EQ(measured.json()["knee_id"], knee);
  EXPECT_EQ(measured.json()["patient_id"], (*w.ReadRecord(w.own().clinic_id, "knees", knee))["patient_id"]);
  ExpectRefused(w, "cartilage-measurements", Measurement(mri, "medial_tibia", 0, "manual"), {"thickness_mm"});
  ExpectRefused(w, "cartilage-measurements", Measurement(mri, "medial_tibia", 10.5, "manual"),
                {"thickness_mm"});
  ExpectRefused(w, "cartilage-measurements", Measurement(mri, "meniscus", 1.8, "manual"), {"region"});
}

TEST_P(ApiImagingTest, WormsGradesComeFromThePublishedScaleOncePerSubregion) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);
  const int64_t mri = Created(w, "imaging-studies", Mri(knee, "2026-01-12", 3.0));
  EXPECT_GT(Created(w, "worms-grades", Worms(mri, "medial_femur_central", "2.5")), 0);
  ExpectRefused(w, "worms-grades", Worms(mri, "lateral_femur_central", "2.7"), {"cartilage_grade"});
  Json bml = Worms(mri, "lateral_femur_central", "1");
  bml["bone_marrow_lesion"] = 4;
  ExpectRefused(w, "worms-grades", bml, {"bone_marrow_lesion"});

  const int64_t before = w.CountRecords(w.own().clinic_id, "worms-grades");
  HttpReply again = w.Post(RecordPath("worms-grades"), &w.SessionFor(Role::kClinician),
                           Worms(mri, "medial_femur_central", "3"));
  ExpectProblem(again, 409, "conflict");
  EXPECT_EQ(again.error_fields(), std::set<std::string>{"subregion"});
  EXPECT_EQ(w.CountRecords(w.own().clinic_id, "worms-grades"), before);
  // Another study of the same knee grades the subregion afresh.
  const int64_t later = Created(w, "imaging-studies", Mri(knee, "2026-06-12", 3.0));
  EXPECT_GT(Created(w, "worms-grades", Worms(later, "medial_femur_central", "3")), 0);
}

TEST_P(ApiImagingTest, CartilageChangeBetweenStudiesMeasuredAlikeIsExact) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);
  // Created out of date order: the baseline is the earliest study date, not the first record.
  const int64_t follow_up = Created(w, "imaging-studies", Mri(knee, "2026-01-15", 3.0));
  const int64_t baseline = Created(w, "imaging-studies", Mri(knee, "2024-01-15", 3.0));
  Created(w, "imaging-studies", Mri(knee, "2023-06-01", 3.0));  // no measurements: not a baseline
  Created(w, "imaging-studies", Radiograph(knee));
  Created(w, "cartilage-measurements", Measurement(baseline, "central_medial_femur", 2.4, "manual"));
  Created(w, "cartilage-measurements", Measurement(baseline, "medial_tibia", 1.8, "manual"));
  Created(w, "cartilage-measurements", Measurement(follow_up, "central_medial_femur", 2.1, "manual"));
  Created(w, "cartilage-measurements", Measurement(follow_up, "medial_tibia", 1.75, "manual"));

  HttpReply reply = w.Get(ChangePath(knee), &w.SessionFor(Role::kAdmin));
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  Json change = reply.json();
  EXPECT_EQ(change["id"], knee);
  EXPECT_EQ(change["knee_id"], knee);
  EXPECT_EQ(change["baseline_study_id"], baseline);
  EXPECT_EQ(change["measurement_error_mm"], 0.1);
  ASSERT_EQ(change["comparisons"].size(), 1u) << change.dump();
  const Json& comparison = change["comparisons"][0];
  EXPECT_EQ(comparison["study_id"], follow_up);
  EXPECT_EQ(comparison["study_date"], "2026-01-15");
  EXPECT_EQ(comparison["years"], 2.0);  // 731 days / 365.25, to two decimals
  ASSERT_EQ(comparison["regions"].size(), 2u) << comparison.dump();

  Json femur = RegionRow(comparison, "central_medial_femur");
  EXPECT_EQ(femur["baseline_mm"], 2.4);
  EXPECT_EQ(femur["follow_up_mm"], 2.1);
  EXPECT_EQ(femur["change_mm"], -0.3);
  EXPECT_EQ(femur["change_percent"], -12.5);
  EXPECT_EQ(femur["beyond_measurement_error"], true);
  EXPECT_EQ(femur["comparable"], true);
  EXPECT_TRUE(femur["reason"].is_null());

  Json tibia = RegionRow(comparison, "medial_tibia");
  EXPECT_EQ(tibia["change_mm"], -0.05);
  EXPECT_EQ(tibia["change_percent"], -2.78);
  EXPECT_EQ(tibia["beyond_measurement_error"], false) << "0.05 mm is within the measurement error";
  EXPECT_EQ(tibia["comparable"], true);

  // The threshold is the clinic's to set: at 0.5 mm the femoral loss is within the error too.
  ImagingService strict(w.store(), 0.5);
  auto strict_change = strict.CartilageChange(ApiWorld::Operator(w.own().clinic_id, Role::kClinician), knee);
  ASSERT_TRUE(strict_change.ok());
  EXPECT_EQ((*strict_change)["measurement_error_mm"], 0.5);
  EXPECT_EQ(RegionRow((*strict_change)["comparisons"][0], "central_medial_femur")["beyond_measurement_error"],
            false);
}

TEST_P(ApiImagingTest, CrossMethodAndCrossFieldStrengthComparisonsAreFlagged) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);
  const int64_t baseline = Created(w, "imaging-studies", Mri(knee, "2024-03-01", 3.0));
  const int64_t same_scanner = Created(w, "imaging-studies", Mri(knee, "2025-03-01", 3.0));
  const int64_t other_scanner = Created(w, "imaging-studies", Mri(knee, "2026-03-01", 1.5));
  Created(w, "cartilage-measurements", Measurement(baseline, "central_medial_femur", 2.4, "manual"));
  Created(w, "cartilage-measurements",
          Measurement(same_scanner, "central_medial_femur", 2.0, "deep-learning v2"));
  Created(w, "cartilage-measurements", Measurement(other_scanner, "central_medial_femur", 2.3, "manual"));
  Created(w, "cartilage-measurements", Measurement(other_scanner, "patella", 2.9, "manual"));

  const Session& clinician = w.SessionFor(Role::kClinician);
  HttpReply reply = w.Get(ChangePath(knee), &clinician);
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  Json change = reply.json();
  ASSERT_EQ(change["comparisons"].size(), 2u) << change.dump();
  EXPECT_EQ(change["comparisons"][0]["study_id"], same_scanner);
  EXPECT_EQ(change["comparisons"][1]["study_id"], other_scanner);

  Json cross_method = RegionRow(change["comparisons"][0], "central_medial_femur");
  EXPECT_EQ(cross_method["comparable"], false);
  EXPECT_EQ(cross_method["reason"], "cross-method comparison: manual vs deep-learning v2");
  EXPECT_EQ(cross_method["change_mm"], -0.4) << "the numbers stay visible, flagged";
  EXPECT_TRUE(cross_method["beyond_measurement_error"].is_null()) << "no verdict across methods";

  Json cross_field = RegionRow(change["comparisons"][1], "central_medial_femur");
  EXPECT_EQ(cross_field["comparable"], false);
  EXPECT_EQ(cross_field["reason"], "field strength differs: 3 T vs 1.5 T");
  Json unmeasured = RegionRow(change["comparisons"][1], "patella");
  EXPECT_EQ(unmeasured["comparable"], false);
  EXPECT_TRUE(unmeasured["baseline_mm"].is_null());
  EXPECT_TRUE(unmeasured["change_mm"].is_null());

  // Re-segmenting the baseline with the newer method makes that comparison like with like.
  Created(w, "cartilage-measurements",
          Measurement(baseline, "central_medial_femur", 2.3, "deep-learning v2"));
  Json resegmented =
      RegionRow(w.Get(ChangePath(knee), &clinician).json()["comparisons"][0], "central_medial_femur");
  EXPECT_EQ(resegmented["comparable"], true) << resegmented.dump();
  EXPECT_EQ(resegmented["baseline_mm"], 2.3);
  EXPECT_EQ(resegmented["change_mm"], -0.3);
  EXPECT_EQ(resegmented["beyond_measurement_error"], true);
}

TEST_P(ApiImagingTest, CartilageChangeOfAKneeWithoutMeasurementsIsEmpty) {
  ApiWorld& w = world();
  const int64_t knee = NewKnee(w);
  Created(w, "imaging-studies", Radiograph(knee));
  HttpReply reply = w.Get(ChangePath(knee), &w.SessionFor(Role::kCoordinator));
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  EXPECT_TRUE(reply.json()["baseline_study_id"].is_null());
  EXPECT_EQ(reply.json()["comparisons"], Json::array());
}

TEST_P(ApiImagingTest, AnotherClinicsKneeReadsLikeAMissingOneAndResearchersAreRefused) {
  ApiWorld& w = world();
  const int64_t foreign_knee = NewKnee(w, w.foreign().clinic_id);
  const int64_t foreign_study =
      w.CreateRecord(w.foreign().clinic_id, "imaging-studies", Mri(foreign_knee, "2025-01-01", 3.0))["id"];
  w.CreateRecord(w.foreign().clinic_id, "cartilage-measurements",
                 Measurement(foreign_study, "medial_tibia", 1.8, "manual"));
  const Session& clinician = w.SessionFor(Role::kClinician);
  HttpReply foreign = w.Get(ChangePath(foreign_knee), &clinician);
  HttpReply missing = w.Get(ChangePath(987654321), &clinician);
  ExpectProblem(foreign, 404, "not_found");
  EXPECT_EQ(foreign.without_request_id(), missing.without_request_id());

  // A measurement can't be attached to another clinic's study either.
  ExpectRefused(w, "cartilage-measurements", Measurement(foreign_study, "medial_tibia", 1.7, "manual"),
                {"study_id"});

  ExpectProblem(w.Get(ChangePath(NewKnee(w)), &w.SessionFor(Role::kResearcher)), 403, "forbidden");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiImagingTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
