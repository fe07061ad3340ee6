// The streaming core of `kneeregen score koos`: KOOS questionnaires from a CSV stream to scores on stdout,
// one row at a time, with each problem reported by physical line and column name.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "cli/buffered_output.hpp"
#include "cli/csv_input.hpp"
#include "core/csv_reader.hpp"

namespace kneeregen::cli {

struct KoosCsvOptions {
  std::string rule = "2012";
  bool skip_invalid = false;
};

struct KoosCsvOutcome {
  int exit_code = kExitDone;
  uint64_t rows_scored = 0;
  uint64_t rows_skipped = 0;
};

// Reads the header and rows from `in`, writes the score rows to `out` and every problem to `errors`.
KoosCsvOutcome ScoreKoosCsv(CsvReader& in, BufferedOutput& out, std::ostream& errors,
                            const KoosCsvOptions& options);

}  // namespace kneeregen::cli
