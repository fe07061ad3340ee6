// The session cookie. `__Host-` binds it to this origin and path /, Secure keeps it off plain HTTP except
// on localhost, HttpOnly hides it from scripts, SameSite=Strict keeps it off cross-site requests.
#pragma once

#include <string>

namespace kneeregen::api {

inline constexpr const char* kSessionCookie = "__Host-kneeregen_session";

inline std::string SessionCookie(const std::string& token, long max_age_seconds) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_seconds);
}

inline std::string ExpiredSessionCookie() { return SessionCookie("", 0); }

// The value of the session cookie in a Cookie header, or "".
std::string SessionTokenFromCookies(const std::string& cookie_header);

// A patient's survey link after first use: the token moves here so that it leaves the address bar and the
// browser history. Same attributes as the session cookie; it lives as long as the link may be used.
inline constexpr const char* kSurveyCookie = "__Host-kneeregen_survey";

inline std::string SurveyCookie(const std::string& token, long max_age_seconds) {
  return std::string(kSurveyCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_seconds);
}

// The value of the cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& cookie_header, const std::string& name);

}  // namespace kneeregen::api
