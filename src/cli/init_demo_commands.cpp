// `kneeregen init` (create or migrate a database) and `kneeregen demo` (add a synthetic demo clinic).
#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "registry/demo.hpp"

namespace kneeregen::cli {

namespace {

struct DemoCommandOptions {
  std::string db = kDefaultDatabase;
  int64_t patients = 200;
  uint64_t seed = 1;
};

// A progress bar on a terminal; nothing when the output is a file or a pipe.
void ShowProgress(int64_t done, int64_t total) {
  if (!isatty(STDERR_FILENO) || total <= 0) return;
  int width = 40;
  int filled = static_cast<int>(width * done / total);
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << "/" << total
            << (done == total ? "\n" : "") << std::flush;
}

int Demo(const DemoCommandOptions& o) {
  auto store = OpenOrReport(o.db);
  if (!store) return 1;
  auto started = std::chrono::steady_clock::now();
  auto summary = SeedDemoClinic(*store, DemoOptions{.patients = o.patients, .seed = o.seed, .progress = ShowProgress});
  if (!summary) return ReportError(summary.error());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const DemoSummary& n = *summary;
  auto row = [](const char* label, int64_t count) {
    std::cout << "  " << std::left << std::setw(19) << label << count << "\n";
  };
  std::cout << "Synthetic demo clinic " << n.clinic_id << " created in " << seconds << " s:\n";
  row("practitioners", n.practitioners);
  row("patients", n.patients);
  row("knees", n.knees);
  row("assessments", n.assessments);
  row("cartilage lesions", n.cartilage_lesions);
  row("outcome events", n.outcome_events);
  std::cout << "Clinic settings:\n";
  row("price lists", n.price_lists);
  row("protocol templates", n.protocol_templates);
  row("consent templates", n.consent_templates);
  std::cout << "Treatment courses of the treated knees:\n";
  row("courses", n.treatment_courses);
  row("quotes", n.quotes);
  row("invoices", n.invoices);
  row("payments, refunds", n.payments);
  row("consents", n.consents);
  row("withdrawals", n.consent_withdrawals);
  row("sessions", n.treatment_sessions);
  row("injections", n.injections);
  row("adverse events", n.adverse_events);
  std::cout << "Imaging of the treated knees:\n";
  row("studies", n.imaging_studies);
  row("cartilage measures", n.cartilage_measurements);
  row("WORMS grades", n.worms_grades);
  std::cout << "PROM follow-up of the courses:\n";
  row("follow-ups", n.followups);
  row("  completed", n.followups_completed);
  row("responses", n.prom_responses);
  row("scores", n.prom_scores);
  std::cout << "Every record is flagged synthetic.\n";
  return 0;
}

}  // namespace

void AddInitCommand(CLI::App& app, int& exit_code) {
  auto db = std::make_shared<std::string>(kDefaultDatabase);
  auto* cmd = app.add_subcommand("init", "Create a database, or migrate it to this version's schema");
  cmd->add_option("--db", *db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  cmd->callback([db, &exit_code] {
    auto store = OpenOrReport(*db);
    if (!store) {
      exit_code = 1;
      return;
    }
    std::cout << "Database ready at schema version " << store->schema_version() << ".\n";
  });
}

void AddDemoCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DemoCommandOptions>();
  auto* cmd = app.add_subcommand("demo", "Add a synthetic demo clinic (every record flagged synthetic)");
  cmd->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  cmd->add_option("--patients", o->patients, "Number of fictional patients")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  cmd->add_option("--seed", o->seed, "Random seed; the same seed gives the same clinic")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = Demo(*o); });
}

}  // namespace kneeregen::cli
