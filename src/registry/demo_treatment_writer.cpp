// The clinic's settings, and per treated knee the course, its quote, invoice, payments, signed consent and
// (when the patient withdrew) the consent withdrawal, with the computed fields the schemas' prepare steps
// would fill. Signatures and withdrawals carry the simulated day, not the server's clock.
#include "registry/demo_treatment_writer.hpp"

#include "clinic/pricing.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "registry/consent.hpp"
#include "registry/course_plan.hpp"

namespace kneeregen {

namespace {

// DOMAIN.md §7 and §9: no cell product is FDA-approved for the knee; infection follows about 1 in 2,700
// arthrocenteses (0.037 %, Geirsson 2008); no cell product beat a steroid injection at 12 months
// (Mautner 2023).
const Json kConsentTemplate = {
    {"name", "Regenerative knee injection consent (synthetic)"},
    {"regulatory_status",
     "The cell products used in this treatment (bone-marrow concentrate, umbilical-cord MSCs) are not "
     "approved by the US Food and Drug Administration (FDA) for knee osteoarthritis or cartilage "
     "regeneration. Their use here is off-label."},
    {"risks",
     "Pain, stiffness or swelling of the knee for a few days after an injection; infection of the joint "
     "(rare: about 1 in 2,700 joint injections); pain or bruising where bone marrow is drawn from the hip; "
     "allergic or immune reactions to donor cells; no improvement."},
    {"results_statement",
     "Results vary between patients and cannot be guaranteed. The largest trial so far found no cell "
     "product better than a steroid injection for knee pain at 12 months."},
    {"additional_text",
     "SYNTHETIC DEMO DOCUMENT: generated for a demonstration clinic; it describes no real patient, product "
     "or clinic. You may withdraw your consent at any time."},
    {"active", true}};

constexpr const char* kCancelReason = "Patient withdrew before the first session (synthetic)";
constexpr const char* kWithdrawalReason = "Decided not to go ahead with the treatment (synthetic)";

std::string DateText(Days date) { return FormatDate(std::chrono::year_month_day{date}); }

std::string TimestampText(Days date, int minute) {
  return FormatTimestamp(std::chrono::sys_days{date} + std::chrono::minutes{minute});
}

const RecordSchema& Schema(const char* resource) { return *FindRecordSchema(resource); }

const char* StopNote(DemoStop stop) {
  switch (stop) {
    case DemoStop::kPatientChoice:
      return "Stopped early at the patient's request; remaining sessions cancelled (synthetic)";
    case DemoStop::kAdverseEvent:
      return "Stopped after an adverse event; remaining sessions cancelled (synthetic)";
    case DemoStop::kKneeSurgery:
      return "Stopped: the knee was operated on; remaining sessions cancelled (synthetic)";
    case DemoStop::kLostToFollowUp:
      return "Patient stopped attending; remaining sessions cancelled (synthetic)";
    case DemoStop::kDied:
      return "Patient died; remaining sessions cancelled (synthetic)";
    case DemoStop::kCancelledBeforeStart:
      return kCancelReason;
    case DemoStop::kNone:
      break;
  }
  return nullptr;
}

}  // namespace

void StoreDemoClinicSettings(WriteTransaction& tx, int64_t clinic_id, const DemoClinicModel& model,
                             DemoClinicRecords& records, DemoSummary& counts) {
  records.price_list_id =
      tx.InsertRecord(Schema("price-lists"), clinic_id, Json{{"prices", model.prices.ToJson()}}, true);
  ++counts.price_lists;
  records.protocol_template_ids.clear();
  records.plan_requests.clear();
  for (const auto& protocol : model.protocols) {
    Json request = ToJson(protocol.request);  // a template's request has no first session
    Json record = {{"name", protocol.name}, {"plan_request", request}, {"active", true}};
    records.protocol_template_ids.push_back(
        tx.InsertRecord(Schema("protocol-templates"), clinic_id, record, true));
    records.plan_requests.push_back(std::move(request));
    ++counts.protocol_templates;
  }
  records.consent_template_id =
      tx.InsertRecord(Schema("consent-templates"), clinic_id, kConsentTemplate, true);
  ++counts.consent_templates;
  records.consent_template = kConsentTemplate;
  records.consent_template["version"] = 1;  // a new record's version
}

DemoTreatmentWriter::DemoTreatmentWriter(WriteTransaction& tx, int64_t clinic_id,
                                         const DemoClinicRecords& clinic,
                                         const std::vector<DemoPractitioner>& practitioners,
                                         DemoSummary& counts)
    : tx_(tx),
      clinic_id_(clinic_id),
      clinic_(clinic),
      practitioners_(practitioners),
      counts_(counts),
      courses_schema_(Schema("treatment-courses")),
      quotes_schema_(Schema("quotes")),
      invoices_schema_(Schema("invoices")),
      payments_schema_(Schema("payments")),
      consents_schema_(Schema("consents")),
      withdrawals_schema_(Schema("consent-withdrawals")),
      sessions_schema_(Schema("treatment-sessions")),
      injections_schema_(Schema("injections")),
      adverse_events_schema_(Schema("adverse-events")),
      studies_schema_(Schema("imaging-studies")),
      measurements_schema_(Schema("cartilage-measurements")),
      worms_schema_(Schema("worms-grades")) {}

int64_t DemoTreatmentWriter::Insert(const DemoPatient& patient, const DemoTreatment& t, int64_t patient_id,
                                    int64_t knee_id) {
  InsertImaging(t.imaging, patient_id, knee_id);
  if (!t.treated) return 0;
  const int64_t course_id = InsertCourse(t, patient_id, knee_id);
  // Quoted from the plan as it stood before any session moved or was cancelled.
  quote_["course_id"] = course_id;
  quote_["patient_id"] = patient_id;
  quote_["valid_days"] =
      (std::chrono::sys_days{t.quote.valid_until} - std::chrono::sys_days{t.quote.issued_on}).count();
  quote_["price_list_id"] = clinic_.price_list_id;
  quote_["quote"] = ToJson(t.quote);
  quote_["total_cents"] = t.quote.total.cents();
  quote_["currency"] = t.quote.currency;
  quote_["issued_on"] = FormatDate(t.quote.issued_on);
  quote_["valid_until"] = FormatDate(t.quote.valid_until);
  const int64_t quote_id = tx_.InsertRecord(quotes_schema_, clinic_id_, quote_, true);
  ++counts_.quotes;
  InsertConsent(t, course_id, quote_id);
  InsertBilling(patient, t, course_id, quote_id);
  InsertSessions(t, course_id, patient_id, knee_id);
  InsertAdverseEvents(t, course_id, patient_id);
  return course_id;
}

int64_t DemoTreatmentWriter::InsertCourse(const DemoTreatment& t, int64_t patient_id, int64_t knee_id) {
  const auto protocol = static_cast<size_t>(t.protocol);
  course_["knee_id"] = knee_id;
  course_["patient_id"] = patient_id;
  course_["template_id"] = clinic_.protocol_template_ids[protocol];
  course_["plan_request"] = clinic_.plan_requests[protocol];
  course_["first_session"] = DateText(t.first_session);
  course_["practitioner_id"] = clinic_.practitioner_ids[static_cast<size_t>(t.physician)];
  course_["status"] = t.status();
  const char* note = StopNote(t.stop);
  course_["notes"] = note ? Json(note) : Json();
  course_["catalogue_id"] = nullptr;  // the demo clinic plans against the built-in catalogue
  Json changes = Json::array();
  for (const auto& c : t.changes) {
    if (c.move_to)
      changes.push_back({{"session", c.session}, {"move_to", DateText(*c.move_to)}});
    else
      changes.push_back({{"session", c.session}, {"cancel", true}});
  }
  course_["plan_changes"] = std::move(changes);
  StorePlanFields(t.final_plan, course_);
  ++counts_.treatment_courses;
  return tx_.InsertRecord(courses_schema_, clinic_id_, course_, true);
}

void DemoTreatmentWriter::InsertConsent(const DemoTreatment& t, int64_t course_id, int64_t quote_id) {
  const bool representative = !t.signer_relationship.empty();
  const std::string meaning =
      representative ? "representative_consents_for_patient" : "patient_consents_to_treatment";
  // The text signed shows the plan as quoted; the stored course may have changed since.
  const std::string snapshot =
      t.changes.empty() ? RenderConsent(clinic_.consent_template, course_, quote_, t.signer_name, meaning)
                        : RenderConsent(clinic_.consent_template, Json{{"plan", ToJson(t.planned)}}, quote_,
                                        t.signer_name, meaning);
  consent_["course_id"] = course_id;
  consent_["patient_id"] = course_["patient_id"];
  consent_["template_id"] = clinic_.consent_template_id;
  consent_["signer_name"] = t.signer_name;
  consent_["meaning"] = meaning;
  consent_["signer_relationship"] = representative ? Json(t.signer_relationship) : Json();
  consent_["template_version"] = clinic_.consent_template["version"];
  consent_["quote_id"] = quote_id;
  consent_["snapshot_sha256"] = Sha256Hex(snapshot);
  consent_["snapshot"] = snapshot;
  consent_["signed_at"] = TimestampText(t.consented_on, t.consent_minute);
  consent_["signed_on"] = DateText(t.consented_on);
  const int64_t consent_id = tx_.InsertRecord(consents_schema_, clinic_id_, consent_, true);
  ++counts_.consents;
  if (t.stop != DemoStop::kCancelledBeforeStart) return;
  withdrawal_["consent_id"] = consent_id;
  withdrawal_["course_id"] = course_id;
  withdrawal_["patient_id"] = course_["patient_id"];
  withdrawal_["reason"] = kWithdrawalReason;
  // An hour after the signature when on the same day; signatures end before 23:00 UTC.
  withdrawal_["withdrawn_at"] =
      TimestampText(t.stopped_on, t.stopped_on == t.consented_on ? t.consent_minute + 60 : 17 * 60);
  withdrawal_["withdrawn_on"] = DateText(t.stopped_on);
  tx_.InsertRecord(withdrawals_schema_, clinic_id_, withdrawal_, true);
  ++counts_.consent_withdrawals;
}

void DemoTreatmentWriter::InsertBilling(const DemoPatient& patient, const DemoTreatment& t, int64_t course_id,
                                        int64_t quote_id) {
  const bool cancelled = t.stop == DemoStop::kCancelledBeforeStart;
  invoice_["quote_id"] = quote_id;
  invoice_["course_id"] = course_id;
  invoice_["patient_id"] = course_["patient_id"];
  invoice_["status"] = cancelled ? "cancelled" : "open";
  invoice_["cancel_reason"] = cancelled ? Json(kCancelReason) : Json();
  invoice_["total_cents"] = quote_["total_cents"];
  invoice_["currency"] = quote_["currency"];
  invoice_["issued_on"] = DateText(t.consented_on);  // accepted when the consent was signed
  const int64_t invoice_id = tx_.InsertRecord(invoices_schema_, clinic_id_, invoice_, true);
  ++counts_.invoices;
  payment_["invoice_id"] = invoice_id;
  payment_["patient_id"] = course_["patient_id"];
  int n = 0;
  for (const auto& p : t.payments) {
    payment_["kind"] = p.refund ? "refund" : "payment";
    payment_["amount_cents"] = p.cents;
    payment_["method"] = p.method;
    payment_["paid_on"] = DateText(p.paid_on);
    payment_["reference"] =
        (p.refund ? "SYN-RF-" : "SYN-PY-") + patient.mrn.substr(4) + "-" + std::to_string(++n);
    tx_.InsertRecord(payments_schema_, clinic_id_, payment_, true);
    ++counts_.payments;
  }
}

}  // namespace kneeregen
