// Stores the treatment side of the synthetic demo clinic (demo_treatment.hpp) as records. The demo writes
// with InsertRecord directly, so it fills every derived and computed field itself, from the same pure
// functions the schemas' prepare steps call (StorePlanFields, ToJson of plans and quotes, RenderConsent,
// Sha256Hex); demo_treatment_records_test checks the stored records against those steps.
#pragma once

#include <cstdint>
#include <vector>

#include "registry/demo.hpp"
#include "registry/demo_treatment.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// The clinic's stored settings that patients' records point at.
struct DemoClinicRecords {
  std::vector<int64_t> practitioner_ids;  // by index into the practitioners
  int64_t price_list_id = 0;
  std::vector<int64_t> protocol_template_ids;  // by DemoProtocol
  std::vector<Json> plan_requests;             // each template's plan_request, which its courses copy
  int64_t consent_template_id = 0;
  Json consent_template;  // as stored, version included, to render consents from
};

// Stores the price list, the protocol templates and the consent template of the clinic.
void StoreDemoClinicSettings(WriteTransaction& tx, int64_t clinic_id, const DemoClinicModel& model,
                             DemoClinicRecords& records, DemoSummary& counts);

// Like the cohort's writer in demo.cpp, keeps one Json per record kind and overwrites its fields.
class DemoTreatmentWriter {
 public:
  DemoTreatmentWriter(WriteTransaction& tx, int64_t clinic_id, const DemoClinicRecords& clinic,
                      const std::vector<DemoPractitioner>& practitioners, DemoSummary& counts);

  // Returns the course's id, or 0 when the patient has no course.
  int64_t Insert(const DemoPatient& patient, const DemoTreatment& treatment, int64_t patient_id,
                 int64_t knee_id);

 private:
  // demo_treatment_writer.cpp
  int64_t InsertCourse(const DemoTreatment& t, int64_t patient_id, int64_t knee_id);
  void InsertBilling(const DemoPatient& patient, const DemoTreatment& t, int64_t course_id, int64_t quote_id);
  void InsertConsent(const DemoTreatment& t, int64_t course_id, int64_t quote_id);
  // demo_session_writer.cpp
  void InsertSessions(const DemoTreatment& t, int64_t course_id, int64_t patient_id, int64_t knee_id);
  void InsertAdverseEvents(const DemoTreatment& t, int64_t course_id, int64_t patient_id);
  void InsertImaging(const DemoImaging& imaging, int64_t patient_id, int64_t knee_id);

  WriteTransaction& tx_;
  int64_t clinic_id_;
  const DemoClinicRecords& clinic_;
  const std::vector<DemoPractitioner>& practitioners_;
  DemoSummary& counts_;
  // Looked up once: a lookup per record would cost more than building it.
  const RecordSchema& courses_schema_;
  const RecordSchema& quotes_schema_;
  const RecordSchema& invoices_schema_;
  const RecordSchema& payments_schema_;
  const RecordSchema& consents_schema_;
  const RecordSchema& withdrawals_schema_;
  const RecordSchema& sessions_schema_;
  const RecordSchema& injections_schema_;
  const RecordSchema& adverse_events_schema_;
  const RecordSchema& studies_schema_;
  const RecordSchema& measurements_schema_;
  const RecordSchema& worms_schema_;
  std::vector<int64_t> session_ids_;  // of the course being written, by DemoTreatment::sessions index
  Json course_ = Json::object();
  Json quote_ = Json::object();
  Json invoice_ = Json::object();
  Json payment_ = Json::object();
  Json consent_ = Json::object();
  Json withdrawal_ = Json::object();
  Json session_ = Json::object();
  Json injection_ = Json::object();
  Json adverse_event_ = Json::object();
  Json study_ = Json::object();
  Json measurement_ = Json::object();
  Json worms_ = Json::object();
};

}  // namespace kneeregen
