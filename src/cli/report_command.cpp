// `kneeregen report outcomes` and `kneeregen report expectation`: the registry analytics of one clinic as
// plain text (at most 100 columns) or as the API's JSON. Options become the same name = value pairs the API
// reads, so the command line and the API refuse the same bad values with the same messages.
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/time.hpp"
#include "registry/analytics_service.hpp"
#include "registry/expectation_report.hpp"

namespace kneeregen::cli {

namespace {

struct CommonOptions {
  std::string db = kDefaultDatabase;
  int64_t clinic_id = 0;
  std::string format = "text";
  int min_cell = 11;
  std::string as_of;
  double pass_pain = AnalyticsSettings{}.pass_pain;
  std::map<std::string, double> mic;  // scale -> threshold, over DefaultKoosMic()
};

// Options named after the query parameters (`--kl-grade` for kl_grade); a given option becomes one pair.
struct ParameterOptions {
  std::map<std::string, std::string> values;
  void Add(CLI::App* command, const std::string& parameter, const std::string& help) {
    std::string flag = "--" + parameter;
    for (auto& c : flag)
      if (c == '_') c = '-';
    command->add_option(flag, values[parameter], help);
  }
  QueryParameters Query(CLI::App* command) const {
    QueryParameters query;
    for (const auto& [name, value] : values) {
      std::string flag = "--" + name;
      for (auto& c : flag)
        if (c == '_') c = '-';
      if (command->count(flag) > 0) query.emplace(name, value);
    }
    return query;
  }
};

void AddCommonOptions(CLI::App* command, CommonOptions& o) {
  command->add_option("--db", o.db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  command->add_option("--clinic", o.clinic_id, "Clinic id")->required()->check(CLI::PositiveNumber);
  command->add_option("--format", o.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--min-cell", o.min_cell, "Suppress cells built from fewer patients than this")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--as-of", o.as_of,
                      "Judge completeness and censoring on this date (YYYY-MM-DD); default today");
  command->add_option("--pass-pain", o.pass_pain, "PASS threshold on KOOS Pain (100 = best)")
      ->capture_default_str();
  command->add_option("--mic", o.mic,
                      "MIC threshold per KOOS scale, e.g. --mic pain 15 (default: DefaultKoosMic)");
}

// Runs one report: opens the store, checks the clinic, computes, prints.
int Run(const CommonOptions& o, const std::function<Result<Json>(AnalyticsService&, const Actor&)>& compute,
        const std::function<std::string(const Json&)>& render) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  bool clinic_exists = false;
  auto read = store->Read([&](ReadTransaction& tx) -> Status {
    clinic_exists = tx.GetClinic(o.clinic_id).has_value();
    return Ok{};
  });
  if (!read || !clinic_exists)
    return ReportError(read ? Error::NotFound("no clinic " + std::to_string(o.clinic_id)) : read.error());
  AnalyticsSettings settings;
  settings.min_cell = o.min_cell;
  settings.pass_pain = o.pass_pain;
  if (o.pass_pain != AnalyticsSettings{}.pass_pain) settings.pass_source = "set on the command line";
  if (!o.as_of.empty()) {
    if (!ParseDate(o.as_of))
      return ReportError(Error::Field(ErrorCode::kValidationFailed, "as-of", "must be a date, YYYY-MM-DD"));
    settings.as_of = o.as_of;
  }
  for (const auto& [scale, value] : o.mic) {
    auto it = settings.mic.by_scale.find(scale);
    if (it == settings.mic.by_scale.end())
      return ReportError(Error::Field(ErrorCode::kValidationFailed, "mic", "has no KOOS scale " + scale));
    it->second = {.value = value, .source = "set on the command line", .verified = false};
  }
  AnalyticsService analytics(*store, settings);
  auto result = compute(analytics, Operator(o.clinic_id));
  if (!result) return ReportError(result.error());
  if (o.format == "json")
    std::cout << result->dump(2) << "\n";
  else
    std::cout << render(*result);
  return 0;
}

}  // namespace

void AddReportCommand(CLI::App& app, int& exit_code) {
  auto* report =
      app.add_subcommand("report", "Registry analytics of one clinic: outcome figures, expectation report");
  report->require_subcommand(1);

  auto outcomes_options = std::make_shared<CommonOptions>();
  auto outcomes_filters = std::make_shared<ParameterOptions>();
  auto* outcomes = report->add_subcommand(
      "outcomes",
      "KOOS, responders, adverse events, time to knee surgery, cartilage, split vs single session");
  AddCommonOptions(outcomes, *outcomes_options);
  outcomes_filters->Add(outcomes, "protocol", "Protocol template id");
  outcomes_filters->Add(outcomes, "product", "Product code");
  outcomes_filters->Add(outcomes, "sessions", "Sessions performed");
  outcomes_filters->Add(outcomes, "ligament_sites",
                        "true: any injection outside the joint; false: joint only");
  outcomes_filters->Add(outcomes, "kl_grade", "KL grade of the treated knee before treatment (0-4)");
  outcomes_filters->Add(outcomes, "age_min", "Youngest age at the first session");
  outcomes_filters->Add(outcomes, "age_max", "Oldest age at the first session");
  outcomes_filters->Add(outcomes, "practitioner", "Practitioner id");
  outcomes_filters->Add(outcomes, "first_session_from", "First session on or after (YYYY-MM-DD)");
  outcomes_filters->Add(outcomes, "first_session_to", "First session on or before (YYYY-MM-DD)");
  outcomes->callback([outcomes, outcomes_options, outcomes_filters, &exit_code] {
    const QueryParameters query = outcomes_filters->Query(outcomes);
    exit_code = Run(
        *outcomes_options, [&](AnalyticsService& a, const Actor& actor) { return a.Outcomes(actor, query); },
        RenderOutcomesText);
  });

  auto expectation_options = std::make_shared<CommonOptions>();
  auto expectation_parameters = std::make_shared<ParameterOptions>();
  auto* expectation = report->add_subcommand(
      "expectation", "Outcomes of earlier patients like a prospective one, beside the published evidence");
  AddCommonOptions(expectation, *expectation_options);
  expectation_parameters->Add(expectation, "kl_grade", "KL grade of the knee (0-4)");
  expectation_parameters->Add(expectation, "age", "Age in years");
  expectation_parameters->Add(expectation, "product", "Product code");
  expectation_parameters->Add(expectation, "protocol", "Protocol template id (optional)");
  expectation->callback([expectation, expectation_options, expectation_parameters, &exit_code] {
    const QueryParameters query = expectation_parameters->Query(expectation);
    exit_code = Run(
        *expectation_options,
        [&](AnalyticsService& a, const Actor& actor) { return a.Expectation(actor, query); },
        RenderExpectationText);
  });
}

}  // namespace kneeregen::cli
