#include "stats/responders.hpp"

namespace kneeregen::stats {
namespace {

struct Change {
  double before = 0, after = 0;
};

std::optional<Change> Paired(std::optional<double> before, std::optional<double> after) {
  if (!before || !after) return std::nullopt;
  return Change{*before, *after};
}

// OMERACT-OARSI scales have 100 = worst, so improvement is the fall from baseline. Relative change is taken
// against the baseline; a baseline of 0 leaves no room to improve, so it never meets a relative criterion
// (rather than dividing by zero or letting "0 % of 0" count as met).
bool Improved(const Change& c, double relative, double absolute) {
  const double improvement = c.before - c.after;
  if (c.before <= 0) return false;
  return AtLeast(improvement, absolute) && AtLeast(improvement, relative * c.before);
}

}  // namespace

MicThresholds DefaultKoosMic() {
  const std::string source =
      "PubMed 41367621 (KOOS MIC by predictive modelling, 2025; mild–moderate knee OA, non-surgical care, "
      "4 months; DOMAIN.md §4 [S19])";
  MicThresholds mic;
  mic.method = "predictive modelling";
  mic.by_scale = {{"pain", {11.3, source, true}},
                  {"symptoms", {12.1, source, true}},
                  {"adl", {10.2, source, true}},
                  {"sport_rec", {15.5, source, true}},
                  {"qol", {13.2, source, true}}};
  return mic;
}

std::optional<bool> IsOarsiResponder(const OarsiInput& input, const OarsiCriteria& criteria) {
  const auto pain = Paired(input.pain_before, input.pain_after);
  const auto function = Paired(input.function_before, input.function_after);
  if (!pain || !function) return std::nullopt;
  const auto global = Paired(input.global_before, input.global_after);

  const bool high = Improved(*pain, criteria.high_relative, criteria.high_absolute) ||
                    Improved(*function, criteria.high_relative, criteria.high_absolute);
  if (high) return true;

  int moderate = 0;
  for (const auto& domain : {pain, function, global})
    if (domain && Improved(*domain, criteria.moderate_relative, criteria.moderate_absolute)) ++moderate;
  return moderate >= 2;
}

}  // namespace kneeregen::stats
