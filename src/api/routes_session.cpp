// Sign-in, the current session, sign-out and changing one's own password.
#include "api/cookies.hpp"
#include "api/routes.hpp"
#include "registry/account_schemas.hpp"

namespace kneeregen::api {

std::string SessionTokenFromCookies(const std::string& header) { return CookieValue(header, kSessionCookie); }

std::string CookieValue(const std::string& header, const std::string& cookie_name) {
  const std::string name = cookie_name + "=";
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    size_t end = header.find(';', pos);
    std::string pair = header.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (pair.rfind(name, 0) == 0) return pair.substr(name.size());
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

void AddSessionRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/session",
      .summary = "Sign in; sets the session cookie and returns the CSRF token to send as X-CSRF-Token",
      .tag = "Session", .access = Access::Public(), .request_schema = &LoginBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        auto signed_in = services.accounts.Login(req.body, req.ip, req.request_id);
        if (!signed_in) return signed_in.error();
        Reply reply{.status = 201, .body = services.accounts.SessionView(*signed_in)};
        reply.headers.emplace_back("Set-Cookie", SessionCookie(signed_in->session_token, 12 * 60 * 60));
        return reply;
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/session", .summary = "The signed-in user, role, clinic and CSRF token",
      .tag = "Session", .access = Access::AnyRole(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return Reply{.body = services.accounts.SessionView(*req.session)};
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/session/logout", .summary = "Sign out; the session ends on the server",
      .tag = "Session", .access = Access::AnyRole(),
      .handler = [&services](Request& req) -> Result<Reply> {
        if (auto done = services.accounts.Logout(*req.session); !done) return done.error();
        Reply reply{.body = Json{{"signed_out", true}}};
        reply.headers.emplace_back("Set-Cookie", ExpiredSessionCookie());
        return reply;
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/session/password", .summary = "Change your own password",
      .tag = "Session", .access = Access::AnyRole(), .request_schema = &PasswordChangeBody(),
      .handler = [&services](Request& req) -> Result<Reply> {
        if (auto done = services.accounts.ChangeOwnPassword(req.actor(), req.body); !done) return done.error();
        return Reply{.body = Json{{"changed", true}}};
      }});
}

}  // namespace kneeregen::api
