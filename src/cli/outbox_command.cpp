// `kneeregen outbox run`: one pass of the outbox, as the server makes every --outbox-interval seconds:
// send every email that is due, open every call that is due, print what was done. `--now` runs it as if
// at another time, for trying out a cadence and for tests.
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "core/time.hpp"
#include "registry/outbox_service.hpp"

namespace kneeregen::cli {

void AddMailOptions(CLI::App& command, MailOptions& options) {
  command.add_option("--smtp-url", options.smtp_url, "Mail server: smtp://HOST:PORT or smtps://HOST:PORT");
  command.add_option("--mail-from", options.from, "Sender address of survey emails");
  command.add_option("--smtp-user", options.username,
                     "Mail server login (the password is read from KNEEREGEN_SMTP_PASSWORD)");
  command.add_flag("--smtp-starttls", options.starttls, "Require STARTTLS on an smtp:// connection");
  command.add_option("--smtp-timeout", options.timeout_seconds,
                     "Seconds one message may take; the outbox holds a write transaction meanwhile")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
}

void AddOutboxCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDatabase;
    MailOptions mail;
    std::string now;
  };
  auto o = std::make_shared<Options>();
  auto* outbox = app.add_subcommand("outbox", "The survey email outbox");
  outbox->require_subcommand(1);
  auto* run = outbox->add_subcommand("run", "Send the emails that are due and open the calls that are due, once");
  run->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  AddMailOptions(*run, o->mail);
  run->add_option("--now", o->now, "Run as if it were this UTC time (2026-03-01T09:00:00Z), for testing");
  run->callback([o, &exit_code] {
    Clock::time_point now = Clock::now();
    if (!o->now.empty()) {
      std::string text = o->now;
      if (text.size() == 20 && text.back() == 'Z') text.insert(19, ".000");  // seconds without milliseconds
      auto parsed = ParseTimestamp(text);
      if (!parsed) {
        std::cerr << "kneeregen: --now must be a UTC timestamp such as 2026-03-01T09:00:00Z\n";
        exit_code = 2;
        return;
      }
      now = *parsed;
    }
    if (o->mail.smtp_url.empty() || o->mail.from.empty()) {
      std::cerr << "kneeregen: outbox run needs --smtp-url and --mail-from\n";
      exit_code = 2;
      return;
    }
    if (const char* password = std::getenv("KNEEREGEN_SMTP_PASSWORD")) o->mail.password = password;
    auto transport = CurrentWiring().open_mail(o->mail);
    if (!transport) {
      exit_code = ReportError(transport.error());
      return;
    }
    auto store = OpenOrReport(o->db);
    if (!store) {
      exit_code = 1;
      return;
    }
    OutboxService service(*store);
    auto done = service.RunDue(now, **transport);
    if (!done) {
      exit_code = ReportError(done.error());
      return;
    }
    std::cout << done->ToJson().dump() << "\n";
    exit_code = 0;
  });
}

}  // namespace kneeregen::cli
