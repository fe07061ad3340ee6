// Candidacy screening for knee injections: findings about one patient go in, a tier comes out with every
// reason that produced it, in words fit for a patient letter. The thresholds are versioned data a clinic can
// change (CandidacyRules), and each screening names the rules version it used, so an old letter can always
// be explained. Pure: no I/O, no clock, no database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json_body.hpp"
#include "core/result.hpp"

namespace kneeregen {

// Ordered from worst to best: the final tier is the lowest tier any fired rule implies.
enum class Tier {
  kNotACandidate = 0,
  kSymptomReliefOnly = 1,  // symptom relief likely but limited structural benefit
  kPossible = 2,
  kFavourable = 3,
};

enum class KneeSide { kLeft, kRight };
enum class TreatmentGoal { kAvoidOrDelayReplacement, kPainRelief, kReturnToActivity };

struct CartilageLesion {
  std::string icrs_grade;  // "0", "1", "1A", "1B", "2", "3", "3A".."3D", "4" (DOMAIN.md §5)
  double area_cm2 = 0;
};

struct KneeFindings {
  KneeSide side = KneeSide::kRight;
  std::optional<int> kl_grade;  // Kellgren–Lawrence 0–4 from a standing radiograph; absent until graded
  std::vector<CartilageLesion> lesions;
};

struct Contraindications {
  bool active_infection = false;
  bool active_malignancy = false;
  std::optional<int> months_since_malignancy_treatment;  // absent when there is no history of cancer
  bool pregnancy = false;
  bool systemic_immunosuppression = false;
  bool bleeding_disorder_or_anticoagulation = false;
  std::optional<int> weeks_since_intra_articular_steroid;  // absent when there was none
};

// One patient; `knees` are the knees being considered for this course (one or both).
struct CandidacyInput {
  int age_years = 0;
  std::vector<KneeFindings> knees;
  std::optional<double> bmi;
  std::optional<int> tegner_current;  // Tegner activity level now, 0–10 (DOMAIN.md §3)
  TreatmentGoal goal = TreatmentGoal::kPainRelief;
  bool prior_knee_surgery = false;
  Contraindications contraindications;
};

// The thresholds behind the tiers. Values marked [U] are clinical judgement, not taken from a verified
// source (DOMAIN.md tags such items unverified): a clinic should review them and publish its own version.
struct CandidacyRules {
  std::string version = "kneeregen-default-1";
  int steroid_washout_weeks = 12;     // [U] intra-articular steroid within this many weeks excludes
  int malignancy_recent_months = 60;  // [U] cancer treated within this many months excludes
  int favourable_max_kl = 2;          // KL 1..this is early OA, where published results are best
  int possible_max_kl = 3;            // above favourable_max_kl up to this is "possible"; above is advanced
  double bmi_caution_above = 35;      // [U]
  int age_caution_above = 70;         // [U]
  double large_lesion_cm2 = 4.0;      // [U] a deep (ICRS 3-4) lesion larger than this is a caution
  int low_activity_tegner_max = 1;    // [U] Tegner at or below this is a caution
};

CandidacyRules DefaultCandidacyRules();

// Every key is required, so that a version string always pins down every threshold; unknown keys, wrong
// types and out-of-range values are rejected with one FieldError per key.
Result<CandidacyRules> ParseCandidacyRules(const Json& json);
Json ToJson(const CandidacyRules& rules);

struct Reason {
  std::string rule_id;  // stable id, e.g. "kl.advanced_oa"; letters and analytics key on it
  std::string text;     // plain language for the patient letter; never promises a result
  Tier implies = Tier::kFavourable;  // the highest tier this finding allows; kFavourable = no limit
};

struct Screening {
  Tier tier = Tier::kPossible;
  std::vector<Reason> reasons;  // every rule that fired, in rule order, not only the worst
  std::string rules_version;
};

// Impossible values, one FieldError per field ("knees/0/lesions/1/area_cm2"). Screen expects valid input.
Status ValidateCandidacyInput(const CandidacyInput& input);
Screening Screen(const CandidacyInput& input, const CandidacyRules& rules = DefaultCandidacyRules());

std::string_view TierName(Tier tier);  // "favourable", "possible", "symptom_relief_only", "not_a_candidate"
std::optional<Tier> ParseTier(std::string_view name);
std::string_view GoalName(TreatmentGoal goal);  // "avoid_or_delay_replacement", "pain_relief", ...
std::optional<TreatmentGoal> ParseGoal(std::string_view name);
std::string_view SideName(KneeSide side);  // "left", "right"
std::optional<KneeSide> ParseSide(std::string_view name);

}  // namespace kneeregen
