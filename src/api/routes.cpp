#include "api/routes.hpp"

#include <memory>

namespace kneeregen::api {

std::vector<Route> AllRoutes(Services& services) {
  std::vector<Route> routes;
  AddSystemRoutes(routes, services);
  AddSessionRoutes(routes, services);
  AddAdminRoutes(routes, services);
  AddRecordRoutes(routes, services);
  AddScreeningRoutes(routes, services);
  AddImagingRoutes(routes, services);
  AddCourseRoutes(routes, services);
  AddPromRoutes(routes, services);
  AddOutboxRoutes(routes, services);
  AddAnalyticsRoutes(routes, services);
  routes.push_back(Route{.method = Method::kGet,
                         .path = "/api/v1/openapi.json",
                         .summary = "This API's OpenAPI 3.1 description",
                         .tag = "System",
                         .access = Access::Public()});
  auto document = std::make_shared<const Json>(BuildOpenApi(routes));
  routes.back().handler = [document](Request&) -> Result<Reply> { return Reply{.body = *document}; };
  return routes;
}

}  // namespace kneeregen::api
