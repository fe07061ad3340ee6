#include "app/serve.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "api/http_server.hpp"
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

  auto store = cli::OpenOrReport(options.db);
  if (!store) return 1;
  if (auto ready = on_ready(*store); !ready) return cli::ReportError(ready.error());
  api::Services services(*store);
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
  return clean ? 0 : 1;
}

}  // namespace kneeregen::app
