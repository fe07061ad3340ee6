// The synthetic demo clinic: a new clinic, flagged synthetic, filled with a realistic but invented registry
// (practitioners, patients, both knees, baseline and follow-up assessments, cartilage lesions, outcome
// events). The same seed always yields the same records, so demos, screenshots and benchmarks repeat.
// Every record is stored with synthetic = true; nothing here describes a real person.
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
};

// Creates the clinic and its records in batches of a few thousand patients, one transaction each; the
// clinic, its practitioners, the audit row and the first batch commit together. On an error the batches
// already committed stay (they are synthetic and labelled so) and the error is returned.
Result<DemoSummary> SeedDemoClinic(Store& store, const DemoOptions& options);

}  // namespace kneeregen
