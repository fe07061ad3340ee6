// Route families, one file each; AllRoutes() in routes.cpp puts them together.
#pragma once

#include <vector>

#include "api/route.hpp"
#include "api/services.hpp"

namespace kneeregen::api {

void AddSystemRoutes(std::vector<Route>& routes, Services& services);
void AddSessionRoutes(std::vector<Route>& routes, Services& services);
void AddAdminRoutes(std::vector<Route>& routes, Services& services);
void AddRecordRoutes(std::vector<Route>& routes, Services& services);
void AddScreeningRoutes(std::vector<Route>& routes, Services& services);
void AddImagingRoutes(std::vector<Route>& routes, Services& services);
void AddCourseRoutes(std::vector<Route>& routes, Services& services);
void AddPromRoutes(std::vector<Route>& routes, Services& services);
void AddOutboxRoutes(std::vector<Route>& routes, Services& services);
void AddAnalyticsRoutes(std::vector<Route>& routes, Services& services);

// A JSON reply from a service result, or its error.
inline Result<Reply> JsonReply(Result<Json> result, int status = 200) {
  if (!result) return result.error();
  return Reply{.status = status, .body = std::move(*result)};
}

// The OpenAPI 3.1 description of `routes`.
Json BuildOpenApi(const std::vector<Route>& routes);

}  // namespace kneeregen::api
