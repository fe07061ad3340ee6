// The command line: `kneeregen serve|init|user|demo ...`. Subcommands call registry services directly,
// never the HTTP API. Errors go to stderr with a non-zero exit.
#pragma once

namespace kneeregen::cli {

struct Wiring;
int Run(int argc, char** argv, const Wiring& wiring);

}  // namespace kneeregen::cli
