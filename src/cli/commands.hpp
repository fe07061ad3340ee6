// One function per subcommand family, each adding its subcommands to the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/mail_transport.hpp"
#include "registry/store.hpp"

namespace kneeregen::cli {

// The mail server the outbox sends through. The password comes from KNEEREGEN_SMTP_PASSWORD, never from
// the command line, where every user of the machine could read it.
struct MailOptions {
  std::string smtp_url;  // empty: no mail is sent
  std::string from;
  std::string username;
  std::string password;
  bool starttls = false;
  int timeout_seconds = 10;
};

struct ServeOptions {
  std::string db = "sqlite:var/kneeregen.db";
  std::string listen = "127.0.0.1:8080";
  bool seed_demo = false;
  int64_t demo_patients = 200;
  std::vector<std::string> allowed_origins;
  // Where patients reach the server; survey links in emails start with it. Empty: http://LISTEN.
  std::string public_url;
  MailOptions mail;
  int outbox_interval_seconds = 30;
};

// What the composition root (app/) supplies: the CLI never links a storage backend or the HTTP server.
struct Wiring {
  std::function<Result<std::unique_ptr<Store>>(const std::string& url)> open_store;
  // Serves until stopped; `on_ready` runs once the store is open, before listening (first-start seeding).
  std::function<int(const ServeOptions&, const std::function<Status(Store&)>& on_ready)> serve;
  std::function<Result<std::unique_ptr<MailTransport>>(const MailOptions&)> open_mail;
};

const Wiring& CurrentWiring();

void AddServeCommand(CLI::App& app, int& exit_code);
void AddInitCommand(CLI::App& app, int& exit_code);
void AddUserCommands(CLI::App& app, int& exit_code);
void AddDemoCommand(CLI::App& app, int& exit_code);
void AddAuditCommand(CLI::App& app, int& exit_code);
void AddRecallCommand(CLI::App& app, int& exit_code);
void AddScoreCommand(CLI::App& app, int& exit_code);
void AddOutboxCommand(CLI::App& app, int& exit_code);
void AddSurvivalCommand(CLI::App& app, int& exit_code);
void AddReportCommand(CLI::App& app, int& exit_code);
// The --smtp-* and --mail-from options, shared by `serve` and `outbox run`.
void AddMailOptions(CLI::App& command, MailOptions& options);

// Opens and migrates the database, or prints why not and returns null.
std::unique_ptr<Store> OpenOrReport(const std::string& url);
// Prints an error the way every subcommand does: "kneeregen: <title>: <detail> (<field>: <message>)".
int ReportError(const Error& error);
// The person at the terminal, acting as an admin of `clinic_id`; named in the audit as "cli:<login>".
Actor Operator(int64_t clinic_id);

inline constexpr const char* kDefaultDatabase = "sqlite:var/kneeregen.db";

}  // namespace kneeregen::cli
