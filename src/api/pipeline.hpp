// The steps every request goes through before and after its handler, kept apart from httplib wiring.
#pragma once

#include <httplib.h>

#include "api/route.hpp"
#include "api/services.hpp"
#include "core/error.hpp"

namespace kneeregen::api {

struct ServerOptions;

// Runs `route` for `raw` and fills `res`: authentication, role check, CSRF and origin checks, body
// parsing, the handler, and the JSON, HTML or problem response.
void RunRoute(const Route& route, Services& services, const ServerOptions& options, const httplib::Request& raw,
              httplib::Response& res);

void WriteProblem(httplib::Response& res, const Error& error, const std::string& request_id);

}  // namespace kneeregen::api
