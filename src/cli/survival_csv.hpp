// Loading the columns `kneeregen survival` analyses from a CSV stream: time, event, an optional group and
// numeric covariates, checked cell by cell, with the first problem reported by physical line and column.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/csv_reader.hpp"

namespace kneeregen::cli {

struct SurvivalColumns {
  std::string time, event, group;  // group empty: every row in one group
  std::vector<std::string> covariates;
};

// At most this many distinct groups: each gets its own curve and the log-rank variance is groups².
inline constexpr size_t kMaxSurvivalGroups = 100;

struct SurvivalData {
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;                // index into group_names
  std::vector<std::string> group_names;  // in order of first appearance
  // One column per covariate; NaN where the cell was empty (the row then stays out of the Cox model).
  std::vector<std::vector<double>> covariates;
};

struct SurvivalLoad {
  std::optional<SurvivalData> data;  // empty on failure
  int exit_code = 0;                 // kExitUnreadable or kExitInvalidInput on failure
};

// Reads the header and every row; stops at the first problem, which goes to `errors` as
// "kneeregen: line L, column C: problem".
SurvivalLoad LoadSurvivalCsv(CsvReader& in, const SurvivalColumns& columns, std::ostream& errors);

}  // namespace kneeregen::cli
