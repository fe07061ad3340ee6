// Runs the HTTP server over a store until SIGINT or SIGTERM, with the outbox sending survey emails beside it
// when a mail server is configured.
#pragma once

#include "cli/commands.hpp"

namespace kneeregen::app {

int Serve(const cli::ServeOptions& options, const std::function<Status(Store&)>& on_ready);
// The SMTP transport for `options` (libcurl), or why the options are wrong.
Result<std::unique_ptr<MailTransport>> OpenMailTransport(const cli::MailOptions& options);

}  // namespace kneeregen::app
