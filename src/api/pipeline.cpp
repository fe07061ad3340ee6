#include "api/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "api/cookies.hpp"
#include "api/http_server.hpp"
#include "core/crypto.hpp"

namespace kneeregen::api {

namespace {

bool ChangesState(Method method) { return method != Method::kGet; }

// Cross-site requests are refused for every state-changing route, sign-in included: an Origin header, when
// the browser sends one, must be this server's own origin or an allowed one.
bool OriginAllowed(const httplib::Request& raw, const ServerOptions& options) {
  if (raw.get_header_value("Sec-Fetch-Site") == "cross-site") return false;
  if (!raw.has_header("Origin")) return true;
  std::string origin = raw.get_header_value("Origin");
  std::string host = raw.get_header_value("Host");
  if (origin == "http://" + host || origin == "https://" + host) return true;
  return std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) !=
         options.allowed_origins.end();
}

std::optional<int64_t> ParseIfMatch(std::string value) {
  if (value.rfind("W/", 0) == 0) value = value.substr(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || v < 1) return std::nullopt;
  return v;
}

Status ReadBody(const Route& route, const httplib::Request& raw, const ServerOptions& options, Request& req) {
  if (raw.body.size() > options.max_body_bytes) return Error{ErrorCode::kPayloadTooLarge, "", {}};
  bool empty = raw.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!route.request_schema && !route.request_json_schema) {
    if (empty) return Ok{};
    auto parsed = ParseStrictJson(raw.body);
    if (parsed && parsed->is_object() && parsed->empty()) return Ok{};
    return Error::Field(ErrorCode::kValidationFailed, "", "this request takes no body");
  }
  std::string type = raw.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) return Error{ErrorCode::kUnsupportedMediaType, "", {}};
  auto parsed = ParseStrictJson(raw.body);
  if (!parsed) return parsed.error();
  req.body = std::move(*parsed);
  return Ok{};
}

Status Prepare(const Route& route, Services& services, const ServerOptions& options, const httplib::Request& raw,
               Request& req) {
  if (!route.access.is_public) {
    auto session = services.accounts.Authenticate(SessionTokenFromCookies(raw.get_header_value("Cookie")), req.ip,
                                                  req.request_id);
    if (!session) return session.error();
    req.session = std::move(*session);
    if (!route.access.Allows(req.actor().role)) return Error{ErrorCode::kForbidden, "", {}};
  }
  if (ChangesState(route.method)) {
    if (!OriginAllowed(raw, options)) return Error{ErrorCode::kCsrfFailed, "", {}};
    if (req.session &&
        !ConstantTimeEquals(raw.get_header_value("X-CSRF-Token"), req.session->csrf_token))
      return Error{ErrorCode::kCsrfFailed, "", {}};
  }
  if (raw.has_header("If-Match")) {
    req.if_match = ParseIfMatch(raw.get_header_value("If-Match"));
    if (!req.if_match)
      return Error::Field(ErrorCode::kValidationFailed, "If-Match", "must be the version number in quotes");
  }
  if (raw.matches.size() > 1) {
    int64_t id = 0;
    const std::string text = raw.matches[1].str();
    std::from_chars(text.data(), text.data() + text.size(), id);
    req.path_ids["id"] = id;
  }
  req.query.insert(raw.params.begin(), raw.params.end());
  if (route.access.survey_link) req.cookie_header = raw.get_header_value("Cookie");
  return ReadBody(route, raw, options, req);
}

}  // namespace

void WriteProblem(httplib::Response& res, const Error& error, const std::string& request_id) {
  const ErrorInfo& info = Describe(error.code);
  Json body = {{"type", std::string("urn:kneeregen:problem:") + info.code},
               {"title", info.title},
               {"status", info.http_status},
               {"code", info.code},
               {"request_id", request_id}};
  if (!error.detail.empty()) body["detail"] = error.detail;
  if (!error.fields.empty()) {
    Json errors = Json::array();
    for (const auto& f : error.fields) errors.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = errors;
  }
  res.status = info.http_status;
  if (error.code == ErrorCode::kUnauthenticated) res.set_header("WWW-Authenticate", "Cookie");
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/problem+json; charset=utf-8");
}

void RunRoute(const Route& route, Services& services, const ServerOptions& options, const httplib::Request& raw,
              httplib::Response& res) {
  Request req;
  req.ip = raw.remote_addr;
  req.request_id = RandomToken().substr(0, 16);
  res.set_header("X-Request-Id", req.request_id);
  Status prepared = Prepare(route, services, options, raw, req);
  if (!prepared) return WriteProblem(res, prepared.error(), req.request_id);
  Result<Reply> reply = Error{ErrorCode::kInternal, "", {}};
  try {
    reply = route.handler(req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, MethodName(route.method), route.path, e.what());
  }
  if (!reply) return WriteProblem(res, reply.error(), req.request_id);
  res.status = reply->status;
  for (const auto& [name, value] : reply->headers) res.set_header(name, value);
  if (!reply->html.empty()) res.set_content(reply->html, "text/html; charset=utf-8");
  else res.set_content(reply->body.dump(-1, ' ', false, Json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

}  // namespace kneeregen::api
