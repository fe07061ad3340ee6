// `kneeregen survival --in FILE.csv --time COL --event COL [--group COL] [--covariates a,b,c]
// [--ties efron|breslow]`: Kaplan–Meier, log-rank and Cox proportional hazards from a CSV file, as one JSON
// object on stdout. Others script against this command, so its --help text is the contract.

#include <iostream>

#include "cli/commands.hpp"
#include "cli/csv_input.hpp"
#include "cli/survival_csv.hpp"
#include "cli/survival_report.hpp"

namespace kneeregen::cli {

namespace {

constexpr const char* kSurvivalHelp = R"(
Input   RFC 4180 CSV in UTF-8 with a header row (LF or CRLF; blank lines ignored); other columns are
        ignored. TIME is a number >= 0 (e.g. days or months to knee replacement); EVENT is 1 (the event
        happened at TIME) or 0 (censored at TIME); neither may be empty. GROUP values are taken as text,
        exactly as they appear (at most 100 distinct values). Covariates are numbers; an empty covariate
        cell is a missing value and its row is left out of the Cox model only (R's na.omit). Dummy-code
        categorical covariates (0/1 columns) yourself.
Output  One JSON object on stdout:
          {"km":[{"group":G,"time":T,"n_risk":N,"n_event":E,"survival":S,"lower":L,"upper":U},...],
           "median":{G:value or null}, "median_ci":{G:[lower or null, upper or null]},
           "n":{G:{"n":subjects,"events":events}},
           "logrank":{"chisq":X,"df":D,"p":P},
           "cox":{"ties":"efron","covariates":[...],"coef":[...],"se":[...],"p":[...],
                  "loglik":[null_model,fitted],"hazard_ratio":[...],"hr_lower":[...],"hr_upper":[...],
                  "n":rows,"events":E,"rows_left_out":R,"iterations":I,"converged":true}}
        km rows: groups in order of first appearance in the file, then times ascending; one row per time
        with at least one event. Without --group there is one group, "all", and no "logrank" key; without
        --covariates there is no "cox" key. Numbers are the shortest decimals that read back to the same
        double; whole numbers print without a fraction; null stands for R's NA.
Method  As R's survival package with its defaults: survfit (Greenwood variance, log-scale 95 % CI, lower
        and upper null where the curve is 0), the median as quantile.survfit (its CI where the limits
        cross 0.5; null when not reached), survdiff (df = groups with expected deaths - 1; df 0 means no
        test: chisq 0, p 1), coxph (Newton-Raphson from 0, convergence at a relative log-likelihood change
        of 1e-9, at most 20 iterations; Wald p; hazard ratios with 95 % CIs). --group does not enter the
        Cox model.
Errors  The first problem stops the run with nothing on stdout and "line L, column C: problem" on
        stderr, L being the physical line of the file (the header is line 1).
Exit    0  the analysis was printed
        1  the file could not be opened or read, or stdout could not be written
        2  invalid input: an empty file or one with no data rows; a column named by an option missing
           from the header (or repeated); a wrong number of fields; a time that is empty, not a number
           or negative; an event that is not 0 or 1; an empty group; a covariate that is not a number;
           more than 100 groups; a quoting mistake
        other  a usage error (an unknown option, --ties not efron or breslow)
)";

}  // namespace

void AddSurvivalCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string in;
    SurvivalColumns columns;
    std::string ties = "efron";
  };
  auto o = std::make_shared<Options>();
  auto* survival = app.add_subcommand(
      "survival", "Kaplan-Meier, log-rank and Cox models from a CSV of follow-up times, as JSON on stdout");
  survival->add_option("--in", o->in, "The CSV file, one row per subject (knee)")->required();
  survival->add_option("--time", o->columns.time, "Column of follow-up times (>= 0)")->required();
  survival->add_option("--event", o->columns.event, "Column of event indicators: 1 event, 0 censored")
      ->required();
  survival->add_option("--group", o->columns.group, "Column of groups to compare (log-rank)");
  survival->add_option("--covariates", o->columns.covariates, "Numeric columns for the Cox model, a,b,c")
      ->delimiter(',');
  survival->add_option("--ties", o->ties, "How the Cox model treats tied event times")
      ->check(CLI::IsMember({"efron", "breslow"}))
      ->capture_default_str();
  survival->footer(kSurvivalHelp);
  survival->callback([o, &exit_code] {
    auto reader = OpenCsvFile(o->in);
    if (!reader) {
      exit_code = kExitUnreadable;
      return;
    }
    SurvivalLoad load = LoadSurvivalCsv(*reader, o->columns, std::cerr);
    if (!load.data) {
      exit_code = load.exit_code;
      return;
    }
    SurvivalReportOptions options;
    options.grouped = !o->columns.group.empty();
    options.covariates = o->columns.covariates;
    options.ties = o->ties == "breslow" ? stats::Ties::kBreslow : stats::Ties::kEfron;
    const std::string json = SurvivalReport(*load.data, options).dump();
    std::cout << json << '\n' << std::flush;
    if (!std::cout) {
      std::cerr << "kneeregen: cannot write the result to stdout\n";
      exit_code = kExitUnreadable;
      return;
    }
    exit_code = 0;
  });
}

}  // namespace kneeregen::cli
