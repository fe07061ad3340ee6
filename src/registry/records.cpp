// The clinic's core records. Facts behind the ranges: DOMAIN.md §3 (Tegner 0–10), §5 (Kellgren–Lawrence
// 0–4, ICRS grades with their sub-grades, lesion site and area in cm²).
#include "registry/record_fields.hpp"

namespace kneeregen {

namespace {

using namespace fields;

RecordSchema Practitioners() {
  FieldSpec active{.name = "active", .kind = FieldKind::kBoolean, .description = "Still practising here"};
  active.default_value = true;
  active.example = true;
  return RecordSchema{
      .resource = "practitioners",
      .table = "practitioners",
      .title = "Practitioner",
      .description = "A clinician who performs or reads procedures at this clinic.",
      .fields = {Required(Text("full_name", 200, "Name as it appears on records", "Dana Whitfield, MD")),
                 Text("credentials", 50, "Degree or licence type (MD, DO, PA-C, NP)", "MD"),
                 Checked(Text("npi", 10, "US National Provider Identifier", "1234567893"), R"(\d{10})",
                         "must be 10 digits"),
                 active},
      .search_fields = {"full_name"},
      .policy = kStaffRegistry,
  };
}

RecordSchema Patients() {
  auto mrn =
      Person(Required(Checked(Text("mrn", 64, "Medical record number, unique in the clinic", "MRN-000123"),
                              R"([A-Za-z0-9._-]+)", "may contain only letters, digits, '.', '_' and '-'")));
  mrn.immutable = false;
  mrn.filterable = true;
  auto birth = Person(Required(Date("birth_date", "Date of birth", "1961-04-17")));
  return RecordSchema{
      .resource = "patients",
      .table = "patients",
      .title = "Patient",
      .description = "A person seen by the clinic.",
      .fields =
          {mrn, Person(Required(Text("given_name", 100, "Given name", "Maria"))),
           Person(Required(Text("family_name", 100, "Family name", "Okafor"))), birth,
           Required(Enum("sex", {"female", "male", "other", "unknown"}, "Sex recorded at registration")),
           Person(Checked(Text("email", 254, "Email for survey links", "maria@example.org"),
                          R"([^@\s]+@[^@\s]+\.[^@\s]+)", "must be an email address")),
           Person(Checked(Text("phone", 32, "Phone number", "+1 555 010 0199"), R"(\+?[0-9 ()./-]{7,31})",
                          "must be a phone number: digits, spaces and + ( ) - . /")),
           Person(Checked(Text("zip", 10, "US ZIP code (5 digits or ZIP+4)", "97205"), R"(\d{5}(-\d{4})?)",
                          "must be 5 digits or ZIP+4"))},
      .patient_field = "id",
      .search_fields = {"family_name", "given_name", "mrn"},
      .unique_keys = {{"mrn"}},
      .policy = kRegistration,
  };
}

RecordSchema Knees() {
  auto side = Required(Enum("side", {"left", "right"}, "Which knee"));
  side.immutable = true;
  side.filterable = true;
  return RecordSchema{
      .resource = "knees",
      .table = "knees",
      .title = "Knee",
      .description = "One knee of a patient; treated and untreated knees are both recorded.",
      .fields = {Required(Ref("patient_id", "patients", "The patient")), side},
      .patient_field = "patient_id",
      .unique_keys = {{"patient_id", "side"}},
      .policy = kRegistration,
  };
}

RecordSchema Assessments() {
  auto kind = Required(Enum("kind", {"baseline", "follow_up"}, "Baseline (before treatment) or follow-up"));
  kind.filterable = true;
  auto surgery_details =
      Text("prior_surgery_details", 500, "What surgery, when", "2009 partial meniscectomy");
  surgery_details.free_text = true;
  auto bmi = Number("bmi", FieldKind::kNumber, 10, 80, "Body-mass index, kg/m²", 27.4);
  auto kl = Number("kl_grade", FieldKind::kInteger, 0, 4, "Kellgren–Lawrence radiographic grade", 2);
  return RecordSchema{
      .resource = "assessments",
      .table = "assessments",
      .title = "Assessment",
      .description =
          "A baseline or follow-up assessment of one knee: radiographic grade, BMI, activity level "
          "and surgical history.",
      .fields = {Required(Ref("knee_id", "knees", "The knee assessed")),
                 Derived("patient_id", "knee_id", "The patient (from the knee)"), kind,
                 Required(Date("assessed_on", "Date of the assessment", "2026-03-02")), kl,
                 Date("kl_image_date", "Date of the radiograph that was graded", "2026-02-20"),
                 Text("kl_reader", 100, "Who graded the radiograph", "Dr. L. Chen"), bmi,
                 Number("tegner_level", FieldKind::kInteger, 0, 10, "Tegner activity level (current)", 3),
                 FieldSpec{.name = "prior_knee_surgery",
                           .kind = FieldKind::kBoolean,
                           .description = "Any earlier surgery on this knee",
                           .example = true},
                 surgery_details},
      .patient_field = "patient_id",
      .policy = kClinicalFinding,
      .cross_check =
          [](const Json& r) {
            std::vector<FieldError> errors;
            bool graded = !r["kl_grade"].is_null();
            if (!graded && !r["kl_image_date"].is_null())
              errors.push_back({"kl_grade", "is required when kl_image_date is given"});
            if (!graded && !r["kl_reader"].is_null())
              errors.push_back({"kl_grade", "is required when kl_reader is given"});
            if (!r["kl_image_date"].is_null() && r["kl_image_date"] > r["assessed_on"])
              errors.push_back({"kl_image_date", "must not be after assessed_on"});
            if (!r["prior_surgery_details"].is_null() && r["prior_knee_surgery"] != true)
              errors.push_back({"prior_surgery_details", "needs prior_knee_surgery to be true"});
            return errors;
          },
  };
}

RecordSchema CartilageLesions() {
  auto area = Number("area_cm2", FieldKind::kNumber, 0, 40, "Lesion area in cm²", 1.5);
  area.min_exclusive = true;
  return RecordSchema{
      .resource = "cartilage-lesions",
      .table = "cartilage_lesions",
      .title = "Cartilage lesion",
      .description = "One ICRS-graded cartilage lesion found at an assessment.",
      .fields = {Required(Ref("assessment_id", "assessments", "The assessment that found it")),
                 Derived("knee_id", "assessment_id", "The knee (from the assessment)"),
                 Derived("patient_id", "assessment_id", "The patient (from the assessment)"),
                 Required(Enum("site",
                               {"medial_femoral_condyle", "lateral_femoral_condyle", "medial_tibial_plateau",
                                "lateral_tibial_plateau", "patella", "trochlea"},
                               "Where the lesion is")),
                 Required(Enum("icrs_grade", {"0", "1A", "1B", "2", "3A", "3B", "3C", "3D", "4"},
                               "ICRS grade with sub-grade")),
                 Required(area)},
      .patient_field = "patient_id",
      .policy = kClinicalFinding,
  };
}

RecordSchema OutcomeEvents() {
  auto knee = Ref("knee_id", "knees", "The knee it happened to (either knee; empty for death)");
  knee.ref_match = "patient_id";
  auto type = Required(Enum(
      "event_type", {"total_knee_replacement", "unicompartmental_knee_replacement", "osteotomy", "death"},
      "What happened"));
  type.immutable = true;
  type.filterable = true;
  return RecordSchema{
      .resource = "outcome-events",
      .table = "outcome_events",
      .title = "Outcome event",
      .description =
          "An end point for survival analysis: knee replacement, osteotomy or death, recorded for "
          "the treated knee and the other knee alike.",
      .fields = {Required(Ref("patient_id", "patients", "The patient")), knee, type,
                 Required(Date("event_date", "When it happened", "2026-05-14")),
                 Required(Enum("source", {"patient_reported", "records_confirmed"},
                               "Reported by the patient, or confirmed by medical records"))},
      .patient_field = "patient_id",
      .policy = kClinicalFinding,
      .cross_check =
          [](const Json& r) {
            std::vector<FieldError> errors;
            bool death = r["event_type"] == "death";
            if (death && !r["knee_id"].is_null()) errors.push_back({"knee_id", "must be empty for death"});
            if (!death && r["knee_id"].is_null())
              errors.push_back({"knee_id", "is required for a knee event"});
            return errors;
          },
  };
}

}  // namespace

const std::vector<RecordSchema>& AllRecordSchemas() {
  static const std::vector<RecordSchema> schemas = [] {
    std::vector<RecordSchema> all = {Practitioners(), Patients(),         Knees(),
                                     Assessments(),   CartilageLesions(), OutcomeEvents()};
    for (auto part : {ImagingRecordSchemas, CourseRecordSchemas, BillingRecordSchemas, ConsentRecordSchemas,
                      TreatmentSessionRecordSchemas, SafetyRecordSchemas, PromRecordSchemas,
                      WithdrawalRecordSchemas})
      for (auto& schema : part()) all.push_back(std::move(schema));
    return all;
  }();
  return schemas;
}

const RecordSchema* FindRecordSchema(const std::string& resource) {
  for (const auto& s : AllRecordSchemas())
    if (s.resource == resource) return &s;
  return nullptr;
}

}  // namespace kneeregen
