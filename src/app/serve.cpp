#include "app/serve.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "api/http_server.hpp"
#include "app/outbox_runner.hpp"
#include "mail/smtp_transport.hpp"
#include "registry/outbox_messages.hpp"
#include "storage/open_store.hpp"

namespace kneeregen::app {

namespace {

bool SplitListen(const std::string& listen, std::string& host, int& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return port > 0 && port < 65536 && !host.empty();
}

}  // namespace

Result<std::unique_ptr<MailTransport>> OpenMailTransport(const cli::MailOptions& options) {
  return mail::OpenSmtpTransport(mail::SmtpSettings{.url = options.smtp_url,
                                                    .from = options.from,
                                                    .username = options.username,
                                                    .password = options.password,
                                                    .starttls = options.starttls,
                                                    .timeout = std::chrono::seconds{options.timeout_seconds}});
}

int Serve(const cli::ServeOptions& options, const std::function<Status(Store&)>& on_ready) {
  std::string host;
  int port = 0;
  if (!SplitListen(options.listen, host, port)) {
    std::cerr << "kneeregen: --listen must be HOST:PORT, e.g. 127.0.0.1:8080\n";
    return 2;
  }
  // Signals are taken by one thread with sigwait, so stopping the server never runs inside a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  cli::ServeOptions settings = options;
  if (const char* password = std::getenv("KNEEREGEN_SMTP_PASSWORD")) settings.mail.password = password;
  auto store = cli::OpenOrReport(options.db);
  if (!store) return 1;
  if (auto ready = on_ready(*store); !ready) return cli::ReportError(ready.error());
  api::Services services(*store);
  services.public_url = options.public_url.empty() ? "http://" + options.listen : options.public_url;
  if (!IsUsablePublicUrl(services.public_url)) {
    std::cerr << "kneeregen: --public-url must be an http:// or https:// address\n";
    return 2;
  }
  // Without a mail server nothing is sent; messages stay queued until a server runs with one (or until
  // `kneeregen outbox run`).
  std::unique_ptr<OutboxRunner> outbox;
  if (!options.mail.smtp_url.empty()) {
    auto transport = OpenMailTransport(settings.mail);
    if (!transport) return cli::ReportError(transport.error());
    outbox = std::make_unique<OutboxRunner>(*store, std::move(*transport),
                                            std::chrono::seconds{options.outbox_interval_seconds});
  } else {
    spdlog::warn("no --smtp-url: survey emails stay queued and are not sent");
  }
  api::HttpServer server(services, api::ServerOptions{.allowed_origins = options.allowed_origins});
  if (!server.Bind(host, port)) {
    std::cerr << "kneeregen: cannot listen on " << options.listen << " (is another server using the port?)\n";
    return 1;
  }
  std::thread stopper([&] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {} received, stopping", received);
    server.Stop();
  });
  std::cout << "kneeregen is serving on http://" << options.listen << "/  (Ctrl-C stops it)" << std::endl;
  bool clean = server.ListenAfterBind();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  outbox.reset();
  return clean ? 0 : 1;
}

}  // namespace kneeregen::app
