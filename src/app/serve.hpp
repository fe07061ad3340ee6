// Runs the HTTP server over a store until SIGINT or SIGTERM.
#pragma once

#include "cli/commands.hpp"

namespace kneeregen::app {

int Serve(const cli::ServeOptions& options, const std::function<Status(Store&)>& on_ready);

}  // namespace kneeregen::app
