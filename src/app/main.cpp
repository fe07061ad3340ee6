// The composition root: sets up logging, then binds the CLI to the storage backends and the HTTP server.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/serve.hpp"
#include "core/allocator.hpp"
#include "cli/cli.hpp"
#include "storage/open_store.hpp"

int main(int argc, char** argv) {
  kneeregen::KeepFreedMemoryForReuse();
  // Log lines go to stderr in UTC. The logger is built here, before any thread starts, so no two threads
  // race to create spdlog's registry.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kneeregen"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  kneeregen::cli::Wiring wiring{
      .open_store = [](const std::string& url) { return kneeregen::OpenStore(url); },
      .serve = kneeregen::app::Serve,
      .open_mail = kneeregen::app::OpenMailTransport,
  };
  return kneeregen::cli::Run(argc, argv, wiring);
}
