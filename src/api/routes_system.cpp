// Health, the API description, and the page at / until the browser app is built.
#include "api/routes.hpp"

namespace kneeregen::api {

namespace {

const char* kBackendNames[] = {"sqlite", "postgresql"};

constexpr const char* kHomePage = R"(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>kneeregen</title></head>
<body>
<h1>kneeregen is running</h1>
<p>kneeregen records a regenerative-medicine knee clinic's patients, knees, assessments and outcomes, and is
building toward treatment courses, patient-reported outcomes and outcome analytics.</p>
<p>The browser app is not built yet. The JSON API is described at
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>; health is at <a href="/api/v1/health">/api/v1/health</a>.</p>
<p>The demo clinic contains synthetic data only: no real patient is in it.</p>
</body>
</html>
)";

}  // namespace

void AddSystemRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back(Route{
      .method = Method::kGet, .path = "/", .summary = "What is running, with a link to the API description",
      .tag = "System", .access = Access::Public(),
      .handler = [](Request&) -> Result<Reply> { return Reply{.html = kHomePage}; }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/health", .summary = "Whether the server can reach its database",
      .tag = "System", .access = Access::Public(),
      .handler = [&services](Request&) -> Result<Reply> {
        auto status = services.store.Read([](ReadTransaction& tx) -> Status {
          tx.GetClinic(0);
          return Ok{};
        });
        if (!status) return status.error();
        return Reply{.body = Json{{"status", "ok"},
                                  {"database", kBackendNames[static_cast<int>(services.store.backend())]},
                                  {"schema_version", services.store.schema_version()}}};
      }});
}

}  // namespace kneeregen::api
