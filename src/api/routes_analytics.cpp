// Registry analytics: the clinic's outcome figures for a filtered cohort, and the expectation report for a
// prospective patient. Aggregates only, always of the caller's own clinic; a researcher may read them.
#include "api/routes.hpp"
#include "registry/analytics_service.hpp"

namespace kneeregen::api {

void AddAnalyticsRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back(Route{
      .method = Method::kGet,
      .path = "/api/v1/analytics/outcomes",
      .summary =
          "Outcome figures of the clinic's treated knees, filtered: KOOS by timepoint and change, responders "
          "(MIC, PASS), adverse events per 100 sessions, time to knee surgery, other knee replaced, MRI "
          "cartilage change, split against single session; each with N, 95 % CI and completeness, small "
          "cells suppressed",
      .tag = "Analytics",
      .access = Access::Roles(AnalyticsService::ReaderRoles()),
      .query_parameters = CohortFilterNames(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.analytics.Outcomes(req.actor(), req.query));
      }});
  routes.push_back(Route{
      .method = Method::kGet,
      .path = "/api/v1/analytics/expectation",
      .summary =
          "What happened to earlier patients like a prospective one (KL grade, age band, product, protocol) "
          "beside the published evidence; no numbers when the group is too small",
      .tag = "Analytics",
      .access = Access::Roles(AnalyticsService::ReaderRoles()),
      .query_parameters = {"kl_grade", "age", "product", "protocol"},
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.analytics.Expectation(req.actor(), req.query));
      }});
}

}  // namespace kneeregen::api
