// The synthetic cohort behind the demo clinic, as plain values before any record exists: who the patients
// are and what happens to their knees. Pure and deterministic: patient `number` of seed `seed` is always
// the same person, however many patients are generated. demo.cpp turns these values into records.
//
// The model (rates are illustrative, chosen to look like a knee clinic's registry, not fitted to data):
// Kellgren–Lawrence grade at baseline KL1 10 %, KL2 35 %, KL3 35 %, KL4 20 % for the treated knee; the
// other knee is graded the same or lower. Knee replacement hazard rises with the knee's current grade
// (0.5 %, 1 %, 3 %, 7 % a year for KL1-4), lower for the untreated knee; grades progress over time; a few
// osteotomies on KL2-3 knees of younger patients; deaths follow a Gompertz curve close to US life tables;
// about 10 % a year are lost to follow-up, and nothing after the loss is known.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kneeregen {

using Days = std::chrono::sys_days;

// The demo data's "today": fixed, so that the same seed gives the same records on any day. Every date
// generated is before it.
inline constexpr Days kDemoReferenceDate{std::chrono::year{2026} / 11 / 1};

struct DemoPractitioner {
  std::string full_name;  // "Dana Whitfield, MD"
  std::string credentials;
  std::string npi;  // 10 digits with a wrong check digit, so it can never be a real provider's NPI
  bool reads_radiographs = false;
};

std::vector<DemoPractitioner> GenerateDemoPractitioners(uint64_t seed);

struct DemoLesion {
  std::string_view site;
  std::string_view icrs_grade;
  double area_cm2 = 0;
};

struct DemoAssessment {
  bool baseline = false;
  Days assessed_on;
  std::optional<int> kl_grade;  // no radiograph at this visit when empty
  Days kl_image_date;
  int kl_reader = 0;  // index into the practitioners
  double bmi = 0;
  int tegner_level = 0;
  std::optional<bool> prior_knee_surgery;
  std::string prior_surgery_details;  // empty when none
  std::vector<DemoLesion> lesions;
};

enum class DemoSide { kLeft = 0, kRight = 1 };

struct DemoEvent {
  std::string_view event_type;
  std::optional<DemoSide> knee;  // empty for death
  Days date;
  bool records_confirmed = false;
};

struct DemoPatient {
  int64_t number = 0;
  std::string mrn;
  std::string given_name;
  std::string family_name;
  Days birth_date;
  std::string_view sex;
  std::string email;
  std::string phone;
  std::string_view zip;
  Days baseline_date;
  // The first day nothing more is known: the reference date, or loss to follow-up or death when earlier.
  Days horizon;
  DemoSide index_knee = DemoSide::kLeft;
  // In insertion order: dated, baseline first; each knee's assessments (left and right are both kept here
  // so that visits interleave by date).
  struct KneeAssessment {
    DemoSide knee;
    DemoAssessment assessment;
  };
  std::vector<KneeAssessment> assessments;
  std::vector<DemoEvent> events;  // by date
};

// Fills `out` with patient `number` (1-based); `out` may be reused between calls, which keeps the
// capacity of its vectors. `mrn_digits` is the zero-padded width of the number in the MRN.
void GenerateDemoPatient(uint64_t seed, int64_t number, int mrn_digits,
                         const std::vector<DemoPractitioner>& practitioners, DemoPatient& out);

class DemoRandom;
// The person: names, sex, birth date (from an age at `baseline_date`), contact details. Used by
// GenerateDemoPatient; returns the age in years at baseline.
double GenerateDemoIdentity(DemoRandom& random, int64_t number, int mrn_digits, DemoPatient& out);

}  // namespace kneeregen
