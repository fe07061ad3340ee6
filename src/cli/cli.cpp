#include "cli/cli.hpp"

#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "core/crypto.hpp"
#include <cstdlib>

namespace kneeregen::cli {

namespace {
const Wiring* wiring_ = nullptr;
}  // namespace

const Wiring& CurrentWiring() { return *wiring_; }

std::unique_ptr<Store> OpenOrReport(const std::string& url) {
  auto store = wiring_->open_store(url);
  if (!store) {
    ReportError(store.error());
    return nullptr;
  }
  return std::move(*store);
}

int ReportError(const Error& error) {
  std::cerr << "kneeregen: " << Describe(error.code).title;
  if (!error.detail.empty()) std::cerr << ": " << error.detail;
  for (const auto& f : error.fields) std::cerr << "\n  " << (f.field.empty() ? "body" : f.field) << ": " << f.message;
  std::cerr << "\n";
  return 1;
}

Actor Operator(int64_t clinic_id) {
  const char* login = getlogin();
  const char* user = login ? login : std::getenv("USER");
  return Actor{.username = std::string("cli:") + (user ? user : "operator"), .role = Role::kAdmin,
               .clinic_id = clinic_id, .request_id = "cli"};
}

int Run(int argc, char** argv, const Wiring& wiring) {
  wiring_ = &wiring;
  if (!InitCrypto()) {
    std::cerr << "kneeregen: the crypto library failed to start\n";
    return 1;
  }
  CLI::App app{"kneeregen: the records and outcomes of a regenerative-medicine knee clinic"};
  app.require_subcommand(1);
  int exit_code = 0;
  AddServeCommand(app, exit_code);
  AddInitCommand(app, exit_code);
  AddUserCommands(app, exit_code);
  AddDemoCommand(app, exit_code);
  AddAuditCommand(app, exit_code);
  AddRecallCommand(app, exit_code);
  AddScoreCommand(app, exit_code);
  AddOutboxCommand(app, exit_code);
  AddSurvivalCommand(app, exit_code);
  AddReportCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace kneeregen::cli
