// The analysis `kneeregen survival` prints: Kaplan–Meier per group, the log-rank test between groups and
// a Cox model on the covariates, as one JSON object whose layout is the command's contract (--help).
#pragma once

#include <nlohmann/json.hpp>

#include "cli/survival_csv.hpp"
#include "stats/cox.hpp"

namespace kneeregen::cli {

struct SurvivalReportOptions {
  bool grouped = false;                 // --group was given: add the log-rank test
  std::vector<std::string> covariates;  // non-empty: add the Cox model
  stats::Ties ties = stats::Ties::kEfron;
};

nlohmann::ordered_json SurvivalReport(const SurvivalData& data, const SurvivalReportOptions& options);

}  // namespace kneeregen::cli
