#include "api/route.hpp"

#include <algorithm>

namespace kneeregen::api {

const char* MethodName(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPatch: return "PATCH";
  }
  return "";
}

bool Access::Allows(Role role) const {
  if (is_public || any_role) return true;
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace kneeregen::api
