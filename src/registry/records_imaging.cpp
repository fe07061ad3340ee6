// Imaging of a knee: radiograph and MRI studies, quantitative cartilage measurements and WORMS grades read
// from an MRI. Facts behind the ranges and codes: DOMAIN.md §5 (Kellgren–Lawrence 0–4 on radiographs,
// MOCART 1.0 and 2.0 on 0–100, WORMS cartilage grades 0–6 with 2.5 and bone-marrow lesions 0–3 in 14
// articular subregions, cartilage thickness per plate or subregion with field strength, sequence,
// segmentation method and reader).
#include "registry/record_fields.hpp"
#include "registry/store.hpp"

namespace kneeregen {

namespace {

using namespace fields;

// The plates and subregions cartilage morphometry reports on (DOMAIN.md §5). The list lives only here:
// the database keeps the code as text, so a region added for a new segmentation tool needs no migration.
std::vector<std::string> CartilageRegions() {
  return {"central_medial_femur",
          "central_lateral_femur",
          "medial_tibia",
          "lateral_tibia",
          "medial_femorotibial_compartment",
          "lateral_femorotibial_compartment",
          "medial_femoral_condyle",
          "lateral_femoral_condyle",
          "patella",
          "trochlea"};
}

// The 14 articular subregions WORMS grades cartilage in: medial and lateral patella, and anterior, central
// and posterior subregions of the medial and lateral femur and tibia.
std::vector<std::string> WormsSubregions() {
  return {"patella_medial",        "patella_lateral",         "medial_femur_anterior",
          "medial_femur_central",  "medial_femur_posterior",  "lateral_femur_anterior",
          "lateral_femur_central", "lateral_femur_posterior", "medial_tibia_anterior",
          "medial_tibia_central",  "medial_tibia_posterior",  "lateral_tibia_anterior",
          "lateral_tibia_central", "lateral_tibia_posterior"};
}

// Fields that only make sense for one modality; a value on a study of the other modality is refused.
const std::vector<std::string> kMriOnlyFields = {"field_strength_tesla", "sequences", "mocart_version",
                                                 "mocart_score"};
const std::vector<std::string> kRadiographOnlyFields = {"kl_grade"};

std::vector<FieldError> CheckImagingStudy(const Json& r) {
  std::vector<FieldError> errors;
  const bool mri = r["modality"] == "mri";
  for (const auto& name : mri ? kRadiographOnlyFields : kMriOnlyFields) {
    if (r[name].is_null()) continue;
    errors.push_back({name, mri ? "is for radiographs only; this study is an MRI"
                                : "is for MRI studies only; this study is a radiograph"});
  }
  // The two MOCART versions weight their items differently, so a score means nothing without its version.
  if (!r["mocart_score"].is_null() && r["mocart_version"].is_null())
    errors.push_back({"mocart_version", "is required when mocart_score is given"});
  return errors;
}

RecordSchema ImagingStudies() {
  auto modality = Required(Filterable(Enum("modality", {"radiograph", "mri"}, "Radiograph or MRI")));
  modality.immutable = true;
  modality.example = "mri";
  auto field_strength = Number("field_strength_tesla", FieldKind::kNumber, 0.2, 7,
                               "MRI magnet field strength in tesla (MRI only)", 3.0);
  auto kl =
      Number("kl_grade", FieldKind::kInteger, 0, 4, "Kellgren–Lawrence grade (radiographs only)", nullptr);
  auto mocart_version = Enum("mocart_version", {"1.0", "2.0"},
                             "MOCART version the score was read with (MRI only; required with a score)");
  mocart_version.example = "2.0";
  auto notes =
      FreeText(Text("notes", 2000, "Reader's narrative", "Repair tissue fills the defect; no effusion."));
  return RecordSchema{
      .resource = "imaging-studies",
      .table = "imaging_studies",
      .title = "Imaging study",
      .description =
          "A radiograph or MRI of one knee, with its acquisition details and the summary grades "
          "read from it. Cartilage measurements and WORMS grades of an MRI are separate records.",
      .fields =
          {
              Required(Ref("knee_id", "knees", "The knee imaged")),
              Derived("patient_id", "knee_id", "The patient (from the knee)"),
              modality,
              Required(Date("study_date", "Date the images were acquired", "2026-02-20")),
              field_strength,
              Text("sequences", 200, "MRI sequences acquired (MRI only)", "3D DESS, PD FS, T2 mapping"),
              Text("reader", 100, "Who read the study", "Dr. L. Chen"),
              kl,
              mocart_version,
              Number("mocart_score", FieldKind::kInteger, 0, 100,
                     "MOCART score of cartilage repair tissue, 0–100 (MRI only)", 75),
              notes,
          },
      .patient_field = "patient_id",
      .policy = kClinicalFinding,
      .cross_check = CheckImagingStudy,
  };
}

// Cartilage measurements and WORMS grades are read from MRI; the referenced study must be one.
Status StudyMustBeMri(RecordContext& context) {
  const RecordSchema& studies = *FindRecordSchema("imaging-studies");
  auto study = context.tx.GetRecord(studies, context.clinic_id, context.record["study_id"].get<int64_t>());
  if (study && (*study)["modality"] == "mri") return Ok{};
  return Error::Validation({{"study_id", "must be an MRI study; this study is a radiograph"}});
}

RecordSchema CartilageMeasurements() {
  auto region =
      Required(Filterable(Enum("region", CartilageRegions(), "Cartilage plate or subregion measured")));
  auto thickness = Required(
      Number("thickness_mm", FieldKind::kNumber, 0, 10, "Mean cartilage thickness of the region, mm", 2.1));
  thickness.min_exclusive = true;
  auto volume =
      Number("volume_mm3", FieldKind::kNumber, 0, 50000, "Cartilage volume of the region, mm³", 1850.0);
  volume.min_exclusive = true;
  return RecordSchema{
      .resource = "cartilage-measurements",
      .table = "cartilage_measurements",
      .title = "Cartilage measurement",
      .description =
          "Quantitative cartilage thickness (and volume) of one region, measured on an MRI study. "
          "A region may be measured again with another segmentation method, so that later studies "
          "can be compared method with method.",
      .fields =
          {
              Required(Ref("study_id", "imaging-studies", "The MRI study measured")),
              Derived("knee_id", "study_id", "The knee (from the study)"),
              Derived("patient_id", "study_id", "The patient (from the study)"),
              region,
              thickness,
              volume,
              Required(Text("segmentation_method", 100,
                            "How the cartilage was segmented: manual, semi-automated (which software), "
                            "deep-learning (which model version)",
                            "semi-automated (Chondrometrics)")),
          },
      .patient_field = "patient_id",
      .unique_keys = {{"study_id", "region", "segmentation_method"}},
      .policy = kClinicalFinding,
      .prepare = StudyMustBeMri,
  };
}

RecordSchema WormsGrades() {
  auto grade =
      Required(Enum("cartilage_grade", {"0", "1", "2", "2.5", "3", "4", "5", "6"},
                    "WORMS cartilage grade: 2 partial-thickness focal, 2.5 full-thickness focal "
                    "(<1 cm), 4 diffuse partial loss, 6 diffuse full-thickness loss (≥75 % of the region)"));
  grade.example = "2";
  return RecordSchema{
      .resource = "worms-grades",
      .table = "worms_grades",
      .title = "WORMS grade",
      .description =
          "The WORMS cartilage grade and bone-marrow lesion score of one articular subregion, read "
          "from an MRI study; totals are derived, not stored.",
      .fields = {Required(Ref("study_id", "imaging-studies", "The MRI study graded")),
                 Derived("knee_id", "study_id", "The knee (from the study)"),
                 Derived("patient_id", "study_id", "The patient (from the study)"),
                 Required(Filterable(Enum("subregion", WormsSubregions(), "WORMS articular subregion"))),
                 grade,
                 Number("bone_marrow_lesion", FieldKind::kInteger, 0, 3,
                        "Bone-marrow lesion extent: 0 none, 1 <25 %, 2 25–50 %, 3 >50 % of the subregion",
                        1)},
      .patient_field = "patient_id",
      .unique_keys = {{"study_id", "subregion"}},
      .policy = kClinicalFinding,
      .prepare = StudyMustBeMri,
  };
}

}  // namespace

std::vector<RecordSchema> ImagingRecordSchemas() {
  return {ImagingStudies(), CartilageMeasurements(), WormsGrades()};
}

}  // namespace kneeregen
