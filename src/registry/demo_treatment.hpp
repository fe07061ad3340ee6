// The treatment side of the synthetic demo clinic, as plain values before any record exists: the clinic's
// offer (catalogue, price list, protocol templates) and, per patient, the course for the treated knee with
// its quote, payments, consent, sessions with the biologic, adverse events and imaging. Pure and
// deterministic like demo_cohort.hpp: patient `number` of seed `seed` always gets the same treatment, and
// it draws from its own random streams, so the cohort itself is the same as without it.
//
// Plans and quotes come from the clinic's own pure functions (BuildPlan, Replan, BuildQuote), so the
// numbers the demo stores are the ones the services would have computed. The rates are in
// demo_treatment.cpp, demo_biologic.cpp, demo_safety.cpp and demo_imaging.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/catalogue.hpp"
#include "clinic/pricing.hpp"
#include "clinic/protocol_planner.hpp"
#include "registry/demo_cohort.hpp"

namespace kneeregen {

// Seeds of the treatment side's random streams: DemoStreamSeed(DemoStreamSeed(seed, family), number).
// Each family has its own seed, so the cohort's streams (demo_course.cpp) are the same as without them.
inline constexpr uint64_t kDemoTreatmentStreams = uint64_t{1} << 62;
inline constexpr uint64_t kDemoImagingStreams = uint64_t{2} << 62;
inline constexpr uint64_t kDemoBatchStreams = uint64_t{3} << 62;  // per month, for allogeneic batches

// Procedures and scans fall on weekdays.
inline Days WeekdayOnOrAfter(Days date) {
  std::chrono::weekday day{date};
  if (day == std::chrono::Saturday) return date + std::chrono::days{2};
  if (day == std::chrono::Sunday) return date + std::chrono::days{1};
  return date;
}
inline Days WeekdayOnOrBefore(Days date) {
  std::chrono::weekday day{date};
  if (day == std::chrono::Saturday) return date - std::chrono::days{1};
  if (day == std::chrono::Sunday) return date - std::chrono::days{2};
  return date;
}

// The protocols the demo clinic offers, in the order their templates are stored.
enum class DemoProtocol { kBmcJointAndLigaments = 0, kBmcJointOnly = 1, kBmcSingle = 2, kUcMsc = 3 };
inline constexpr int kDemoProtocolCount = 4;

struct DemoClinicModel {
  Catalogue catalogue;                      // the built-in catalogue: the demo stores no catalogue of its own
  PriceList prices;                         // DemoPriceList(), stored once per clinic
  std::vector<ProtocolTemplate> protocols;  // indexed by DemoProtocol
  std::vector<int> physicians;              // practitioners (MD, DO) who inject and read images, by index
};

DemoClinicModel BuildDemoClinicModel(const std::vector<DemoPractitioner>& practitioners);

// Why a course ended before its last planned session.
enum class DemoStop {
  kNone,
  kCancelledBeforeStart,  // the patient withdrew before the first session: course and invoice cancelled
  kPatientChoice,
  kAdverseEvent,
  kKneeSurgery,  // the knee was replaced or osteotomised
  kLostToFollowUp,
  kDied,
};

// The biologic of one session (DOMAIN.md §6). Text fields are empty and numbers zero when not recorded.
struct DemoBiologic {
  bool allogeneic = false;
  std::string donor_id;
  std::string_view source_bank;
  // Harvest: only at the session where the autologous harvest was done.
  bool harvested = false;
  std::string_view harvest_site, harvest_side, harvest_technique, harvest_anaesthesia, anticoagulant;
  double harvest_volume_ml = 0;
  // Processing
  std::string_view processing_device, processing_method, additives, preservation;
  std::string processing_kit_lot;
  bool culture_expanded = false;
  int passages = 0;  // culture-expanded products only
  std::string product_lot;
  // Characterisation of what was injected
  double total_nucleated_cells = 0, cfu_f_per_ml = 0, viability_percent = 0;
  double platelets_per_ul = 0, wbc_per_ul = 0, rbc_per_ul = 0;
  std::string flow_markers;
  std::string_view sterility;
  std::string_view co_injectates, notes;
};

struct DemoSession {
  int number = 0;  // the planned session's number
  Days date;
  int practitioner = 0;             // index into the practitioners
  std::string_view joint_guidance;  // for the intra-articular injection; ligament sites use ultrasound
  DemoBiologic biologic;
};

struct DemoPlanChange {
  int session = 0;
  std::optional<Days> move_to;  // empty: cancelled
};

struct DemoPayment {
  bool refund = false;
  int64_t cents = 0;
  std::string_view method;
  Days paid_on;
};

struct DemoAdverseEvent {
  std::string_view term;
  std::string_view term_other;  // only for the term "other"
  int session = -1;             // index into DemoTreatment::sessions; -1 when not tied to one
  std::string_view site;        // empty when not recorded
  Days onset;
  int ctcae_grade = 1;
  bool hospitalised = false;
  std::string_view causality, action_taken, outcome;
  std::optional<Days> resolved;
  std::string_view description;
};

struct DemoCartilageMeasurement {
  std::string_view region;
  double thickness_mm = 0;
  double volume_mm3 = 0;
  std::string_view segmentation_method;
};

struct DemoWormsGrade {
  std::string_view subregion;
  std::string_view cartilage_grade;
  int bone_marrow_lesion = 0;
};

struct DemoMri {
  Days date;
  double field_strength_tesla = 3.0;
  std::string_view sequences;
  int reader = 0;  // index into the practitioners
  std::vector<DemoCartilageMeasurement> measurements;
  std::vector<DemoWormsGrade> worms;
};

// Imaging of the treated knee: the baseline radiograph the baseline assessment was graded from, and for
// some patients an MRI before treatment and one about a year after.
struct DemoImaging {
  Days radiograph_date;
  int radiograph_kl = 0;
  int radiograph_reader = 0;
  std::vector<DemoMri> mris;  // by date; empty, baseline only, or baseline and follow-up
};

struct DemoTreatment {
  // False when the course could not have been planned, quoted and finished before the reference date
  // (or before the patient was lost, died or had the knee operated on): such a patient has no course.
  bool treated = false;
  DemoProtocol protocol = DemoProtocol::kBmcJointAndLigaments;
  int physician = 0;  // index into the practitioners
  Days quoted_on, consented_on, first_session;
  int consent_minute = 0;  // minutes after midnight UTC of the signature
  std::string signer_name;
  std::string_view signer_relationship;  // empty when the patient signed
  ProtocolPlan planned;                  // as quoted and consented
  ProtocolPlan final_plan;               // after the changes below
  std::vector<DemoPlanChange> changes;
  Quote quote;  // of `planned`, issued on quoted_on
  DemoStop stop = DemoStop::kNone;
  Days stopped_on;  // for kCancelledBeforeStart: the day the patient withdrew
  std::vector<DemoSession> sessions;
  std::vector<DemoPayment> payments;  // in the order they were made
  std::vector<DemoAdverseEvent> adverse_events;
  DemoImaging imaging;

  std::string_view status() const {
    return stop == DemoStop::kCancelledBeforeStart ? "cancelled" : "completed";
  }
};

// The first day the treated knee can no longer be treated or imaged: the patient's horizon (reference
// date, loss to follow-up, death) or the knee's replacement or osteotomy, whichever comes first.
Days DemoTreatmentEnd(const DemoPatient& patient);

// Fills `out` (reused between calls, like GenerateDemoPatient) with the treatment of `patient`.
void GenerateDemoTreatment(uint64_t seed, const DemoPatient& patient, const DemoClinicModel& clinic,
                           DemoTreatment& out);

// The parts, for GenerateDemoTreatment (each file holds its rates):
class DemoRandom;
// demo_biologic.cpp: the biologic of session `index` (0-based) of a course, with harvest, processing, lots
// and characterisation. Allogeneic lots are the supplier's monthly batch, shared across patients.
void GenerateDemoBiologic(DemoRandom& random, uint64_t seed, const DemoTreatment& course,
                          const PlannedSession& planned, size_t index, int64_t patient_number,
                          DemoBiologic& out);
// demo_safety.cpp: whether a septic arthritis follows this injection session (checked per session, so
// the course can stop), and the other adverse events once the sessions are known.
bool DrawSepticArthritis(DemoRandom& random);
void GenerateDemoAdverseEvents(DemoRandom& random, const DemoPatient& patient,
                               std::optional<size_t> septic_session, DemoTreatment& out);
// demo_imaging.cpp: the radiograph for every treated knee, MRIs for some treated patients.
void GenerateDemoImaging(uint64_t seed, const DemoPatient& patient, const DemoTreatment& course,
                         const std::vector<int>& readers, DemoImaging& out);

}  // namespace kneeregen
