// CandidacyRules as JSON, and the names the screening uses on the wire. Kept apart from the rule logic in
// candidacy.cpp because a clinic edits this document, and its checks are what stop a typo from silently
// changing who is offered treatment.
#include "clinic/candidacy.hpp"

#include <cmath>
#include <set>

namespace kneeregen {

namespace {

// The checks each value must pass. Ranges are wide enough for any clinic's policy and narrow enough to catch
// a unit mistake (weeks typed as days, a BMI typed as weight).
struct IntSetting {
  const char* key;
  int CandidacyRules::*member;
  int min;
  int max;
};

struct NumberSetting {
  const char* key;
  double CandidacyRules::*member;
  double min_exclusive;
  double max;
};

constexpr IntSetting kIntSettings[] = {
    {"steroid_washout_weeks", &CandidacyRules::steroid_washout_weeks, 0, 52},
    {"malignancy_recent_months", &CandidacyRules::malignancy_recent_months, 0, 240},
    {"favourable_max_kl", &CandidacyRules::favourable_max_kl, 1, 4},
    {"possible_max_kl", &CandidacyRules::possible_max_kl, 1, 4},
    {"age_caution_above", &CandidacyRules::age_caution_above, 18, 110},
    // -1 turns the low-activity caution off, since Tegner 0 is a real level.
    {"low_activity_tegner_max", &CandidacyRules::low_activity_tegner_max, -1, 10},
};

constexpr NumberSetting kNumberSettings[] = {
    {"bmi_caution_above", &CandidacyRules::bmi_caution_above, 10, 80},
    {"large_lesion_cm2", &CandidacyRules::large_lesion_cm2, 0, 40},
};

constexpr size_t kMaxVersionLength = 64;

std::string FormatBound(double v) {
  return v == std::floor(v) ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
}

}  // namespace

CandidacyRules DefaultCandidacyRules() { return CandidacyRules{}; }

Result<CandidacyRules> ParseCandidacyRules(const Json& json) {
  if (!json.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "must be a JSON object");
  std::vector<FieldError> errors;
  auto fail = [&](std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); };
  CandidacyRules rules;
  std::set<std::string> known = {"version"};

  if (!json.contains("version")) {
    fail("version", "is required");
  } else if (const auto& v = json["version"]; !v.is_string()) {
    fail("version", "must be a string");
  } else if (v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > kMaxVersionLength) {
    fail("version", "must be 1 to " + std::to_string(kMaxVersionLength) + " characters");
  } else {
    rules.version = v.get<std::string>();
  }

  for (const auto& s : kIntSettings) {
    known.insert(s.key);
    if (!json.contains(s.key)) { fail(s.key, "is required"); continue; }
    const auto& v = json[s.key];
    if (!v.is_number_integer()) { fail(s.key, "must be an integer"); continue; }
    long long n = v.get<long long>();
    if (n < s.min || n > s.max) {
      fail(s.key, "must be between " + std::to_string(s.min) + " and " + std::to_string(s.max));
      continue;
    }
    rules.*s.member = static_cast<int>(n);
  }
  for (const auto& s : kNumberSettings) {
    known.insert(s.key);
    if (!json.contains(s.key)) { fail(s.key, "is required"); continue; }
    const auto& v = json[s.key];
    if (!v.is_number()) { fail(s.key, "must be a number"); continue; }
    double d = v.get<double>();
    if (!(d > s.min_exclusive && d <= s.max)) {
      fail(s.key, "must be greater than " + FormatBound(s.min_exclusive) + " and at most " + FormatBound(s.max));
      continue;
    }
    rules.*s.member = d;
  }
  for (const auto& [key, value] : json.items())
    if (!known.count(key)) fail(key, "is not a known candidacy rule setting");

  if (errors.empty() && rules.possible_max_kl < rules.favourable_max_kl)
    fail("possible_max_kl", "must not be below favourable_max_kl");
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return rules;
}

Json ToJson(const CandidacyRules& rules) {
  Json out = Json::object();
  out["version"] = rules.version;
  for (const auto& s : kIntSettings) out[s.key] = rules.*s.member;
  for (const auto& s : kNumberSettings) out[s.key] = rules.*s.member;
  return out;
}

std::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kNotACandidate: return "not_a_candidate";
    case Tier::kSymptomReliefOnly: return "symptom_relief_only";
    case Tier::kPossible: return "possible";
    case Tier::kFavourable: return "favourable";
  }
  return "possible";
}

std::optional<Tier> ParseTier(std::string_view name) {
  for (Tier t : {Tier::kNotACandidate, Tier::kSymptomReliefOnly, Tier::kPossible, Tier::kFavourable})
    if (TierName(t) == name) return t;
  return std::nullopt;
}

std::string_view GoalName(TreatmentGoal goal) {
  switch (goal) {
    case TreatmentGoal::kAvoidOrDelayReplacement: return "avoid_or_delay_replacement";
    case TreatmentGoal::kPainRelief: return "pain_relief";
    case TreatmentGoal::kReturnToActivity: return "return_to_activity";
  }
  return "pain_relief";
}

std::optional<TreatmentGoal> ParseGoal(std::string_view name) {
  for (auto g : {TreatmentGoal::kAvoidOrDelayReplacement, TreatmentGoal::kPainRelief, TreatmentGoal::kReturnToActivity})
    if (GoalName(g) == name) return g;
  return std::nullopt;
}

std::string_view SideName(KneeSide side) { return side == KneeSide::kLeft ? "left" : "right"; }

std::optional<KneeSide> ParseSide(std::string_view name) {
  if (name == "left") return KneeSide::kLeft;
  if (name == "right") return KneeSide::kRight;
  return std::nullopt;
}

}  // namespace kneeregen
