// The route table: every HTTP route with its access rule, its request and response description, and its
// handler. The server, the OpenAPI document and the authorization tests are all generated from it, so a
// route can't exist without a declared policy.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"
#include "registry/account_service.hpp"
#include "registry/record_schema.hpp"
#include "registry/roles.hpp"

namespace kneeregen::api {

enum class Method { kGet, kPost, kPatch };
const char* MethodName(Method method);

// Who may call a route. Deny by default: a route that is not public and lists no role can't be called.
struct Access {
  bool is_public = false;
  std::vector<Role> roles;  // for signed-in routes; all roles when `any_role`
  bool any_role = false;
  // A patient's survey routes: no staff session; the survey-link cookie is the credential, checked by the
  // survey service, and the route answers a uniform not-found without a valid one.
  bool survey_link = false;

  static Access Public() { return Access{.is_public = true}; }
  static Access SurveyLink() { return Access{.is_public = true, .survey_link = true}; }
  static Access AnyRole() { return Access{.any_role = true}; }
  static Access Roles(std::vector<Role> roles) { return Access{.roles = std::move(roles)}; }
  bool Allows(Role role) const;
};

struct Request {
  std::map<std::string, int64_t> path_ids;           // {id} segments
  std::multimap<std::string, std::string> query;
  Json body;                                         // parsed strictly; null when the route takes none
  std::optional<SignedIn> session;                   // set on every signed-in route
  std::optional<int64_t> if_match;                   // version from an If-Match header
  std::string ip;
  std::string request_id;
  std::string cookie_header;  // for the survey routes, whose credential is a cookie of their own

  const Actor& actor() const { return session->actor; }
};

struct Reply {
  int status = 200;
  Json body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string html;  // for the few routes that serve a page instead of JSON
};

struct Route {
  Method method = Method::kGet;
  std::string path;  // OpenAPI style: /api/v1/patients/{id}
  std::string summary;
  std::string tag;
  Access access;
  const RecordSchema* request_schema = nullptr;  // body description, when the route takes one
  const Json* request_json_schema = nullptr;     // or a JSON Schema, for bodies a RecordSchema can't describe
  bool partial_body = false;                     // PATCH: every field optional
  const RecordSchema* response_schema = nullptr;
  bool response_is_list = false;
  std::vector<std::string> query_parameters;     // documented query parameters
  std::function<Result<Reply>(Request&)> handler;
};

// Every route of the server, given the services the handlers call.
class Services;
std::vector<Route> AllRoutes(Services& services);

}  // namespace kneeregen::api
