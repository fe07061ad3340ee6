// The composition root: binds the CLI to the storage backends and the HTTP server.
#include "app/serve.hpp"
#include "cli/cli.hpp"
#include "storage/open_store.hpp"

int main(int argc, char** argv) {
  kneeregen::cli::Wiring wiring{
      .open_store = [](const std::string& url) { return kneeregen::OpenStore(url); },
      .serve = kneeregen::app::Serve,
  };
  return kneeregen::cli::Run(argc, argv, wiring);
}
