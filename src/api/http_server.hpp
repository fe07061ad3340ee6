// The HTTP server: routes from the route table behind one request pipeline (request id, session, role,
// CSRF and origin checks, strict JSON bodies, problem+json errors, security headers on every response).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/route.hpp"
#include "api/services.hpp"

namespace httplib {
class Server;
}

namespace kneeregen::api {

struct ServerOptions {
  size_t max_body_bytes = 1024 * 1024;
  int read_timeout_seconds = 10;  // a client trickling its request is dropped after this
  // Origins allowed to send state-changing requests besides the server's own (from the Host header).
  std::vector<std::string> allowed_origins;
};

class HttpServer {
 public:
  HttpServer(Services& services, ServerOptions options = {});
  ~HttpServer();

  // Binds to a free port on `host` and returns it (tests); -1 on failure.
  int BindToAnyPort(const std::string& host);
  bool Bind(const std::string& host, int port);
  // Serves until Stop(); returns false when the socket fails.
  bool ListenAfterBind();
  void Stop();
  bool IsRunning() const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  void Register();

  Services& services_;
  ServerOptions options_;
  std::vector<Route> routes_;
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace kneeregen::api
