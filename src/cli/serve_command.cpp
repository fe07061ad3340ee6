// `kneeregen serve`: options, and the first-start seeding of the synthetic demo clinic. The server itself
// is wired in app/, the composition root.
#include <iostream>

#include "cli/commands.hpp"
#include "registry/account_service.hpp"
#include "registry/demo.hpp"

namespace kneeregen::cli {

namespace {

// A database without staff accounts gets the synthetic demo clinic (unless it already has a clinic, e.g. from
// a first start that was interrupted while seeding) and an admin account whose password is printed once.
// Keying this on accounts, not clinics, means an interrupted first start never leaves nobody able to sign in.
Status SeedFirstStart(Store& store, int64_t patients) {
  bool has_users = false;
  std::optional<int64_t> clinic_id;
  auto read = store.Read([&](ReadTransaction& tx) -> Status {
    has_users = !tx.ListUsers().empty();
    auto clinics = tx.ListClinics();
    if (!clinics.empty()) clinic_id = clinics.front().id;
    return Ok{};
  });
  if (!read || has_users) return read;
  if (!clinic_id) {
    std::cout << "First start: seeding a synthetic demo clinic (" << patients << " fictional patients)..."
              << std::endl;
    auto demo = SeedDemoClinic(store, DemoOptions{.patients = patients});
    if (!demo) return demo.error();
    clinic_id = demo->clinic_id;
  }
  AccountService accounts(store);
  auto admin = accounts.AddUser(Operator(*clinic_id), Json{{"username", "admin"},
                                                                {"display_name", "Clinic administrator"},
                                                                {"role", "admin"}});
  if (!admin) return admin.error();
  std::cout << "\n  Admin account created. Sign in as:  admin\n"
            << "  Password (shown only now):         " << admin->initial_password << "\n\n";
  return Ok{};
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve the API and web app");
  cmd->add_option("--db", options->db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  cmd->add_option("--listen", options->listen, "Address to listen on, HOST:PORT")->capture_default_str();
  cmd->add_flag("--seed-demo", options->seed_demo,
                "On an empty database, create the synthetic demo clinic and an admin account");
  cmd->add_option("--demo-patients", options->demo_patients, "Patients in the demo clinic")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  cmd->add_option("--allow-origin", options->allowed_origins,
                  "Another origin allowed to send state-changing requests (repeatable)");
  cmd->add_option("--public-url", options->public_url,
                  "Where patients reach this server (https://clinic.example); survey links in emails start with it");
  AddMailOptions(*cmd, options->mail);
  cmd->add_option("--outbox-interval", options->outbox_interval_seconds,
                  "Seconds between outbox runs (sending due emails, opening due calls)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->callback([options, &exit_code] {
    exit_code = CurrentWiring().serve(*options, [options](Store& store) -> Status {
      if (!options->seed_demo) return Ok{};
      return SeedFirstStart(store, options->demo_patients);
    });
  });
}

}  // namespace kneeregen::cli
