// Seeds the synthetic demo clinic: generates the cohort (demo_cohort.hpp), its treatment
// (demo_treatment.hpp) and PROM follow-up (demo_proms.hpp) and stores them as records, a few thousand
// patients per transaction. Records are built here directly rather than through the services' validation,
// which would dominate the time for a million patients; demo_test, demo_treatment_records_test and
// demo_prom_test check them against the services instead.
#include "registry/demo.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "registry/demo_cohort.hpp"
#include "registry/demo_prom_writer.hpp"
#include "registry/demo_proms.hpp"
#include "registry/demo_treatment.hpp"
#include "registry/demo_treatment_writer.hpp"

namespace kneeregen {

namespace {

std::string DateText(Days date) { return FormatDate(std::chrono::year_month_day{date}); }

const RecordSchema& Schema(const char* resource) { return *FindRecordSchema(resource); }

// Turns a generated patient into records. Keeps one Json per record kind and overwrites its fields, so a
// record costs assignments rather than a fresh object.
class DemoRecordWriter {
 public:
  DemoRecordWriter(WriteTransaction& tx, int64_t clinic_id,
                   const std::vector<DemoPractitioner>& practitioners, const DemoClinicRecords& clinic,
                   DemoSummary& counts)
      : tx_(tx),
        clinic_id_(clinic_id),
        practitioners_(practitioners),
        counts_(counts),
        treatment_(tx, clinic_id, clinic, practitioners, counts),
        proms_(tx, clinic_id, counts),
        patients_(Schema("patients")),
        knees_(Schema("knees")),
        assessments_(Schema("assessments")),
        lesions_(Schema("cartilage-lesions")),
        events_(Schema("outcome-events")) {}

  void Insert(const DemoPatient& p, const DemoTreatment& treatment, const DemoProms& proms) {
    patient_["mrn"] = p.mrn;
    patient_["given_name"] = p.given_name;
    patient_["family_name"] = p.family_name;
    patient_["birth_date"] = DateText(p.birth_date);
    patient_["sex"] = p.sex;
    patient_["email"] = p.email;
    patient_["phone"] = p.phone;
    patient_["zip"] = p.zip;
    int64_t patient_id = tx_.InsertRecord(patients_, clinic_id_, patient_, true);
    ++counts_.patients;

    int64_t knee_ids[2];
    knee_["patient_id"] = patient_id;
    for (DemoSide side : {DemoSide::kLeft, DemoSide::kRight}) {
      knee_["side"] = side == DemoSide::kLeft ? "left" : "right";
      knee_ids[static_cast<int>(side)] = tx_.InsertRecord(knees_, clinic_id_, knee_, true);
      ++counts_.knees;
    }

    assessment_["patient_id"] = patient_id;
    lesion_["patient_id"] = patient_id;
    for (const auto& [side, a] : p.assessments) {
      int64_t knee_id = knee_ids[static_cast<int>(side)];
      assessment_["knee_id"] = knee_id;
      assessment_["kind"] = a.baseline ? "baseline" : "follow_up";
      assessment_["assessed_on"] = DateText(a.assessed_on);
      if (a.kl_grade) {
        assessment_["kl_grade"] = *a.kl_grade;
        assessment_["kl_image_date"] = DateText(a.kl_image_date);
        assessment_["kl_reader"] = practitioners_[static_cast<size_t>(a.kl_reader)].full_name;
      } else {
        assessment_["kl_grade"] = nullptr;
        assessment_["kl_image_date"] = nullptr;
        assessment_["kl_reader"] = nullptr;
      }
      assessment_["bmi"] = a.bmi;
      assessment_["tegner_level"] = a.tegner_level;
      if (a.prior_knee_surgery)
        assessment_["prior_knee_surgery"] = *a.prior_knee_surgery;
      else
        assessment_["prior_knee_surgery"] = nullptr;
      if (a.prior_surgery_details.empty())
        assessment_["prior_surgery_details"] = nullptr;
      else
        assessment_["prior_surgery_details"] = a.prior_surgery_details;
      int64_t assessment_id = tx_.InsertRecord(assessments_, clinic_id_, assessment_, true);
      ++counts_.assessments;

      lesion_["assessment_id"] = assessment_id;
      lesion_["knee_id"] = knee_id;
      for (const auto& l : a.lesions) {
        lesion_["site"] = l.site;
        lesion_["icrs_grade"] = l.icrs_grade;
        lesion_["area_cm2"] = l.area_cm2;
        tx_.InsertRecord(lesions_, clinic_id_, lesion_, true);
        ++counts_.cartilage_lesions;
      }
    }

    event_["patient_id"] = patient_id;
    for (const auto& e : p.events) {
      if (e.knee)
        event_["knee_id"] = knee_ids[static_cast<int>(*e.knee)];
      else
        event_["knee_id"] = nullptr;
      event_["event_type"] = e.event_type;
      event_["event_date"] = DateText(e.date);
      event_["source"] = e.records_confirmed ? "records_confirmed" : "patient_reported";
      tx_.InsertRecord(events_, clinic_id_, event_, true);
      ++counts_.outcome_events;
    }

    const int64_t index_knee_id = knee_ids[static_cast<int>(p.index_knee)];
    if (int64_t course_id = treatment_.Insert(p, treatment, patient_id, index_knee_id))
      proms_.Insert(proms, course_id, patient_id, index_knee_id);
  }

 private:
  WriteTransaction& tx_;
  int64_t clinic_id_;
  const std::vector<DemoPractitioner>& practitioners_;
  DemoSummary& counts_;
  DemoTreatmentWriter treatment_;
  DemoPromWriter proms_;
  const RecordSchema& patients_;
  const RecordSchema& knees_;
  const RecordSchema& assessments_;
  const RecordSchema& lesions_;
  const RecordSchema& events_;
  Json patient_ = Json::object();
  Json knee_ = Json::object();
  Json assessment_ = Json::object();
  Json lesion_ = Json::object();
  Json event_ = Json::object();
};

// The clinic, its practitioners, its settings (price list, protocol and consent templates) and the audit
// row for the run.
int64_t CreateClinic(WriteTransaction& tx, const DemoOptions& options,
                     const std::vector<DemoPractitioner>& practitioners, const DemoClinicModel& model,
                     DemoClinicRecords& records, DemoSummary& counts) {
  int64_t clinic_id = tx.InsertClinic(
      Clinic{.name = options.clinic_name, .time_zone = "America/Los_Angeles", .synthetic = true});
  const RecordSchema& schema = Schema("practitioners");
  records.practitioner_ids.clear();
  for (const auto& p : practitioners) {
    Json record = {
        {"full_name", p.full_name}, {"credentials", p.credentials}, {"npi", p.npi}, {"active", true}};
    records.practitioner_ids.push_back(tx.InsertRecord(schema, clinic_id, record, true));
    ++counts.practitioners;
  }
  StoreDemoClinicSettings(tx, clinic_id, model, records, counts);
  Json run = {{"patients", options.patients},
              {"seed", options.seed},
              {"reference_date", DateText(kDemoReferenceDate)},
              {"synthetic", true}};
  AuditEntry entry{.username = "kneeregen demo",
                   .role = "system",
                   .clinic_id = clinic_id,
                   .action = "demo.seed",
                   .object_type = "clinics",
                   .object_id = clinic_id,
                   .after_json = run.dump()};
  tx.AppendAudit(entry);
  return clinic_id;
}

int MrnDigits(int64_t patients) {
  int digits = 1;
  for (int64_t n = patients; n >= 10; n /= 10) ++digits;
  return std::max(digits, 7);
}

}  // namespace

Result<DemoSummary> SeedDemoClinic(Store& store, const DemoOptions& options) {
  if (options.patients < 0)
    return Error::Field(ErrorCode::kValidationFailed, "patients", "must not be negative");
  if (options.clinic_name.empty() || options.clinic_name.size() > 200)
    return Error::Field(ErrorCode::kValidationFailed, "clinic_name", "must be 1 to 200 characters");
  if (options.patients_per_batch < 1)
    return Error::Field(ErrorCode::kValidationFailed, "patients_per_batch", "must be at least 1");

  const std::vector<DemoPractitioner> practitioners = GenerateDemoPractitioners(options.seed);
  const DemoClinicModel model = BuildDemoClinicModel(practitioners);
  const int mrn_digits = MrnDigits(options.patients);
  DemoSummary summary;
  DemoClinicRecords clinic;
  DemoPatient patient;
  DemoTreatment treatment;
  DemoProms proms;
  int64_t done = 0;
  do {
    const int64_t end = std::min(options.patients, done + options.patients_per_batch);
    DemoSummary batch = summary;  // counted into a copy: a failed batch leaves the summary as committed
    Status status = store.Write([&](WriteTransaction& tx) -> Status {
      if (batch.clinic_id == 0)
        batch.clinic_id = CreateClinic(tx, options, practitioners, model, clinic, batch);
      DemoRecordWriter writer(tx, batch.clinic_id, practitioners, clinic, batch);
      for (int64_t number = done + 1; number <= end; ++number) {
        GenerateDemoPatient(options.seed, number, mrn_digits, practitioners, patient);
        GenerateDemoTreatment(options.seed, patient, model, treatment);
        GenerateDemoProms(options.seed, patient, treatment, proms);
        writer.Insert(patient, treatment, proms);
      }
      return Ok{};
    });
    if (!status.ok()) return status.error();
    summary = batch;
    done = end;
    if (options.progress) options.progress(done, options.patients);
  } while (done < options.patients);
  if (auto analyzed = store.RefreshStatistics(); !analyzed) return analyzed.error();
  return summary;
}

}  // namespace kneeregen
