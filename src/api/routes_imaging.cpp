// Reads across a knee's imaging records; the imaging records themselves use the generic record routes.
#include "api/routes.hpp"

namespace kneeregen::api {

void AddImagingRoutes(std::vector<Route>& routes, Services& services) {
  const AccessPolicy& imaging = FindRecordSchema("imaging-studies")->policy;
  routes.push_back(Route{
      .method = Method::kGet,
      .path = "/api/v1/knees/{id}/cartilage-change",
      .summary = "Cartilage thickness change of a knee per region, each later MRI against the first measured "
                 "one, with cross-method and field-strength differences flagged",
      .tag = "Imaging study",
      .access = Access::Roles(imaging.read),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.imaging.CartilageChange(req.actor(), req.path_ids.at("id")));
      }});
}

}  // namespace kneeregen::api
