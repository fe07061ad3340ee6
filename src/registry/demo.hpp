// The synthetic demo clinic: a new clinic, flagged synthetic, filled with a realistic but invented registry
// (practitioners, patients, both knees, baseline and follow-up assessments, cartilage lesions, outcome
// events) and its treatment side (price list, protocol and consent templates; per treated knee a course
// with quote, invoice, payments, signed consent, sessions, injections, adverse events, imaging, and its PROM
// follow-ups with the answers and scores of those completed). The same
// seed always yields the same records, so demos, screenshots and benchmarks repeat. Every record is stored
// with synthetic = true; nothing here describes a real person.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.hpp"
#include "registry/store.hpp"

namespace kneeregen {

struct DemoOptions {
  int64_t patients = 200;
  uint64_t seed = 1;
  std::string clinic_name = "Synthetic Demo Knee Clinic (synthetic data)";
  // Patients per transaction: enough that commits are rare, few enough that one transaction's write-ahead
  // log stays under about 100 MB (a patient with a treatment course and its PROM follow-up takes about 35 KB).
  int64_t patients_per_batch = 2500;
  // Called after each committed batch of patients (and once at the end), for a progress bar.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct DemoSummary {
  int64_t clinic_id = 0;
  int64_t practitioners = 0;
  int64_t patients = 0;
  int64_t knees = 0;
  int64_t assessments = 0;
  int64_t cartilage_lesions = 0;
  int64_t outcome_events = 0;
  // The clinic's settings
  int64_t price_lists = 0;
  int64_t protocol_templates = 0;
  int64_t consent_templates = 0;
  // Treatment courses and what hangs off them
  int64_t treatment_courses = 0;
  int64_t quotes = 0;
  int64_t invoices = 0;
  int64_t payments = 0;
  int64_t consents = 0;
  int64_t consent_withdrawals = 0;
  int64_t treatment_sessions = 0;
  int64_t injections = 0;
  int64_t adverse_events = 0;
  // Imaging of the treated knees
  int64_t imaging_studies = 0;
  int64_t cartilage_measurements = 0;
  int64_t worms_grades = 0;
  // PROM follow-up of the courses
  int64_t followups = 0;
  int64_t followups_completed = 0;
  int64_t prom_responses = 0;
  int64_t prom_scores = 0;
};

// Creates the clinic and its records in batches of a few thousand patients, one transaction each; the
// clinic, its practitioners, the audit row and the first batch commit together. On an error the batches
// already committed stay (they are synthetic and labelled so) and the error is returned.
Result<DemoSummary> SeedDemoClinic(Store& store, const DemoOptions& options);

}  // namespace kneeregen
