// `kneeregen score koos --in FILE.csv [--rule 2012|1998] [--skip-invalid]`: scores KOOS questionnaires from
// a CSV file to stdout. Others script against this command, so its --help text is the contract: the
// input and output formats, the messages, the memory use and the exit codes.
#include <unistd.h>

#include <iostream>

#include "cli/buffered_output.hpp"
#include "cli/commands.hpp"
#include "cli/csv_input.hpp"
#include "cli/koos_csv_scoring.hpp"
#include "core/csv_reader.hpp"

namespace kneeregen::cli {

namespace {

constexpr const char* kKoosHelp = R"(
Input   RFC 4180 CSV in UTF-8: LF or CRLF line ends; quoted fields may hold commas, quotes (doubled) and
        line breaks; blank lines are ignored. The header names `id` and the 42 KOOS items P1..P9, S1..S7,
        A1..A17, SP1..SP5, Q1..Q4, each exactly once, in any order (names are case-sensitive). An answer
        is one digit 0-4; an empty cell is a missing answer. Every row needs a non-empty id used by no
        other row.
Output  On stdout, CSV with CRLF line ends, one row per input row in input order, under the header
          id,pain,symptoms,adl,sport_rec,qol,womac_pain,womac_stiffness,womac_function
        The KOOS subscales are 0-100 (100 = no problems), printed with 4 decimals, and empty where fewer
        items were answered than the rule needs (2012: Pain 5/9, Symptoms 4/7, ADL 9/17, Sport/Rec 3/5,
        QOL 2/4; 1998: Pain 7/9, Symptoms 5/7, ADL 15/17, Sport/Rec 3/5, QOL 2/4). The mean of the answered
        items stands in for missing ones: score = 100 - (sum / answered) / 4 * 100. There is no total
        KOOS. The KOOS-derived WOMAC columns are raw sums, higher = worse (pain P5-P9, 0-20; stiffness
        S6-S7, 0-8; function A1-A17, 0-68), empty unless every one of their items was answered. Ids are
        copied unchanged, quoted where RFC 4180 needs it.
Errors  Each problem goes to stderr as "line L, column C: problem", L being the physical line of the file
        (the header is line 1). Without --skip-invalid the first invalid row stops the run: the rows
        before it have already been written to stdout, so use stdout only when the exit code is 0. With
        --skip-invalid each invalid row is reported and left out, and a count ends the run.
Memory  Rows stream through in fixed-size chunks. Only the repeated-id check grows with the file: it keeps
        a keyed 64-bit hash of each id (8 bytes in a table at most 3/4 full: about 16 MiB per million
        rows; two different ids share a hash with odds of about 1 in 30 million for a million rows, and
        would be reported as a repeated id).
Exit    0  every row was scored; with --skip-invalid: the header was valid (invalid rows were reported
           and left out)
        1  the file could not be opened or read, or stdout could not be written
        2  invalid input: an empty file; a header with an unknown, missing or repeated column; without
           --skip-invalid, an invalid row (an answer outside 0-4, text or a decimal where an answer goes,
           a wrong number of fields, an empty or repeated id, a quoting mistake); with or without it, a
           quote that is never closed (the rest of the file cannot be read)
        other  a usage error (an unknown option, --rule not 2012 or 1998)
)";

void AddScoreKoosCommand(CLI::App& score, int& exit_code) {
  struct Options {
    std::string in;
    KoosCsvOptions csv;
  };
  auto o = std::make_shared<Options>();
  auto* koos = score.add_subcommand("koos",
                                    "Score KOOS questionnaires (one CSV row each): subscales and "
                                    "KOOS-derived WOMAC sums, as CSV on stdout");
  koos->add_option("--in", o->in, "The CSV file of questionnaires")->required();
  koos->add_option(
          "--rule", o->csv.rule,
          "Missing-answer rule: 2012 (a subscale needs half its items) or 1998 (at most two missing)")
      ->check(CLI::IsMember({"2012", "1998"}))
      ->capture_default_str();
  koos->add_flag("--skip-invalid", o->csv.skip_invalid,
                 "Score the valid rows; report each invalid row on stderr and leave it out");
  koos->footer(kKoosHelp);
  koos->callback([o, &exit_code] {
    auto reader = OpenCsvFile(o->in);
    if (!reader) {
      exit_code = kExitUnreadable;
      return;
    }
    BufferedOutput out(STDOUT_FILENO);
    exit_code = ScoreKoosCsv(*reader, out, std::cerr, o->csv).exit_code;
  });
}

}  // namespace

void AddScoreCommand(CLI::App& app, int& exit_code) {
  auto* score = app.add_subcommand("score", "Score patient-reported outcome questionnaires from a file");
  score->require_subcommand(1);
  AddScoreKoosCommand(*score, exit_code);
}

}  // namespace kneeregen::cli
