#include "api/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "api/pipeline.hpp"
#include "api/routes.hpp"

namespace kneeregen::api {

namespace {

// Every response, errors included, carries these (RELIABILITY.md T2).
httplib::Headers SecurityHeaders() {
  return {
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      {"Content-Security-Policy",
       "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
}

// "/api/v1/patients/{id}" -> a regex matching the whole path with the id captured.
std::string PathPattern(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{id\})"), R"((\d{1,18}))");
}

// For the answers httplib gives itself, before any route runs.
ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 404:
      return ErrorCode::kNotFound;
    case 405:
      return ErrorCode::kMethodNotAllowed;
    case 411:
      return ErrorCode::kLengthRequired;
    case 413:
      return ErrorCode::kPayloadTooLarge;
    case 414:
      return ErrorCode::kUriTooLong;
    case 415:
      return ErrorCode::kUnsupportedMediaType;
    default:
      return status >= 400 && status < 500 ? ErrorCode::kBadRequest : ErrorCode::kInternal;
  }
}

}  // namespace

HttpServer::HttpServer(Services& services, ServerOptions options)
    : services_(services),
      options_(std::move(options)),
      routes_(AllRoutes(services)),
      server_(std::make_unique<httplib::Server>()) {
  Register();
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Register() {
  auto& s = *server_;
  // httplib sets SO_REUSEPORT by default, which lets a second server bind a port already in use and
  // silently share its traffic; SO_REUSEADDR alone still allows a quick restart.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof yes);
  });
  s.set_tcp_nodelay(true);  // without it each small response waits ~40 ms for a delayed ACK
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_read_timeout(options_.read_timeout_seconds, 0);
  s.set_write_timeout(options_.read_timeout_seconds, 0);
  s.set_keep_alive_timeout(5);
  s.set_default_headers(SecurityHeaders());
  // httplib 0.11 enforces the body limit on Content-Length bodies only; a chunked body would be read whole.
  // This handler runs before any body is read.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
    WriteProblem(res, Error{ErrorCode::kLengthRequired, "", {}}, "");
    return httplib::Server::HandlerResponse::Handled;
  });
  std::map<std::string, std::set<Method>> methods_of_path;
  auto add = [&s](Method method, const std::string& pattern, httplib::Server::Handler handler) {
    switch (method) {
      case Method::kGet:
        s.Get(pattern, std::move(handler));
        break;
      case Method::kPost:
        s.Post(pattern, std::move(handler));
        break;
      case Method::kPatch:
        s.Patch(pattern, std::move(handler));
        break;
    }
  };
  for (const Route& route : routes_) {
    add(route.method, PathPattern(route.path),
        [this, &route](const httplib::Request& req, httplib::Response& res) {
          RunRoute(route, services_, options_, req, res);
        });
    methods_of_path[route.path].insert(route.method);
  }
  // A path that exists answers other methods with 405 and the methods it has (RFC 9110 §15.5.6), so a
  // client learns that an append-only record has no PATCH rather than that it does not exist.
  for (const auto& [path, methods] : methods_of_path) {
    std::string allow;
    for (Method m : methods) allow += (allow.empty() ? "" : ", ") + std::string(MethodName(m));
    for (Method m : {Method::kGet, Method::kPost, Method::kPatch}) {
      if (methods.count(m)) continue;
      add(m, PathPattern(path), [allow](const httplib::Request&, httplib::Response& res) {
        res.set_header("Allow", allow);
        WriteProblem(res, Error{ErrorCode::kMethodNotAllowed, "", {}}, "");
      });
    }
  }
  // Anything no route answered (unknown path, wrong method, oversized body) still gets a problem document.
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        WriteProblem(res, Error{CodeForStatus(res.status), "", {}}, res.get_header_value("X-Request-Id"));
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    WriteProblem(res, Error{ErrorCode::kInternal, "", {}}, res.get_header_value("X-Request-Id"));
  });
  // The access log has no query string and no body: both may carry patient details.
  s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::info("{} {} {} {}", res.get_header_value("X-Request-Id"), req.method, req.path, res.status);
  });
}

int HttpServer::BindToAnyPort(const std::string& host) { return server_->bind_to_any_port(host); }

bool HttpServer::Bind(const std::string& host, int port) { return server_->bind_to_port(host, port); }

bool HttpServer::ListenAfterBind() { return server_->listen_after_bind(); }

void HttpServer::Stop() {
  if (server_->is_running()) server_->stop();
}

bool HttpServer::IsRunning() const { return server_->is_running(); }

}  // namespace kneeregen::api
