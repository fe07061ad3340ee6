// Responder classification for PROM change: by a minimal clinically important change per subscale, by a
// patient acceptable symptom state, and by the OMERACT-OARSI criteria. Thresholds are data, never
// constants: each set names its method, population and source (DOMAIN.md §4), and the parts DOMAIN.md marks
// unverified are flagged so reports can say so.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace kneeregen::stats {

struct Threshold {
  double value = 0;
  std::string source;      // "PubMed 41367621 (mild–moderate knee OA, non-surgical, 4 months)"
  bool verified = true;    // false for DOMAIN.md [U] items
};

struct MicThresholds {
  std::string method;  // "predictive modelling", "ROC", …
  std::map<std::string, Threshold> by_scale;  // KOOS scale id ("pain", "symptoms", "adl", "sport_rec", "qol")
};
// DOMAIN.md §4 row 1 (KOOS MIC by predictive modelling, 2025): Pain 11.3, Symptoms 12.1, ADL 10.2,
// Sport/Rec 15.5, QOL 13.2.
MicThresholds DefaultKoosMic();

// Scores are stored with a few decimals, so a change such as 61.3 - 50 lands a rounding step below 11.3;
// this slack keeps a patient exactly at a threshold on the responder side, as the definitions say.
inline constexpr double kScoreSlack = 1e-9;
inline bool AtLeast(double value, double threshold) { return value >= threshold - kScoreSlack; }

// Scores are 0–100 with 100 = best (KOOS). A responder improved by at least the threshold. Inline, because
// a full cohort's responder figure asks a few million times.
inline bool IsMicResponder(double baseline, double follow_up, double threshold) {
  return AtLeast(follow_up - baseline, threshold);
}
inline std::optional<bool> IsMicResponder(std::optional<double> baseline, std::optional<double> follow_up,
                                          double threshold) {
  if (!baseline || !follow_up) return std::nullopt;
  return IsMicResponder(*baseline, *follow_up, threshold);
}
// PASS: follow-up score at or above `pass` (KOOS Pain ≈ 69, derived from Georgopoulos 2023; DOMAIN.md §4).
inline bool IsInPass(double follow_up, double pass) { return AtLeast(follow_up, pass); }
inline std::optional<bool> IsInPass(std::optional<double> follow_up, double pass) {
  if (!follow_up) return std::nullopt;
  return IsInPass(*follow_up, pass);
}

struct OarsiCriteria {
  // Arm 1 [U]: pain or function improves by at least high_relative AND high_absolute.
  double high_relative = 0.50, high_absolute = 20;
  // Arm 2: at least two of pain, function, patient global improve by moderate_relative AND moderate_absolute.
  double moderate_relative = 0.20, moderate_absolute = 10;
  bool arm1_verified = false;
};

struct OarsiInput {
  // 0–100 with 100 = WORST (WOMAC normalised, global VAS), as OMERACT-OARSI is stated. Callers convert KOOS
  // (100 = best) with 100 - score.
  std::optional<double> pain_before, pain_after;
  std::optional<double> function_before, function_after;
  std::optional<double> global_before, global_after;
};
// Empty when pain or function is missing at either time; patient global may be missing (then arm 2 needs
// pain and function both).
// Relative change is the fall over the baseline; a baseline of 0 never meets a relative criterion (no room
// to improve). Every comparison here and above counts a value exactly at a threshold as meeting it, with a
// 1e-9 slack so that score subtraction in doubles cannot move a patient off the boundary.
std::optional<bool> IsOarsiResponder(const OarsiInput& input, const OarsiCriteria& criteria = {});

}  // namespace kneeregen::stats
