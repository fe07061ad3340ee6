// Treatment-course actions beyond record edits: re-planning, an invoice's statement, and recall by lot.
#include "api/routes.hpp"
#include "registry/record_schema.hpp"

namespace kneeregen::api {

namespace {

const Json& ReplanBodySchema() {
  static const Json schema = {
      {"type", "object"},
      {"description", "Move session k (later sessions and harvests shift with it) or cancel it"},
      {"properties",
       {{"session", {{"type", "integer"}, {"minimum", 1}, {"description", "The planned session's number"}}},
        {"move_to", {{"type", "string"}, {"format", "date"}}},
        {"cancel", {{"type", "boolean"}, {"const", true}}}}},
      {"required", {"session"}},
      {"additionalProperties", false}};
  return schema;
}

}  // namespace

void AddCourseRoutes(std::vector<Route>& routes, Services& services) {
  const RecordSchema& courses = *FindRecordSchema("treatment-courses");
  routes.push_back(Route{
      .method = Method::kPost,
      .path = "/api/v1/treatment-courses/{id}/replan",
      .summary =
          "Move or cancel a planned session; later sessions and harvests follow (If-Match: the version)",
      .tag = courses.title,
      .access = Access::Roles(courses.policy.update),
      .request_json_schema = &ReplanBodySchema(),
      .response_schema = &courses,
      .handler = [&services](Request& req) -> Result<Reply> {
        auto course = services.courses.Replan(req.actor(), req.path_ids.at("id"), req.body, req.if_match);
        if (!course) return course.error();
        Reply reply{.status = 200};
        reply.headers.emplace_back("ETag", "\"" + std::to_string((*course)["version"].get<int64_t>()) + "\"");
        reply.body = std::move(*course);
        return reply;
      }});
  const RecordSchema& invoices = *FindRecordSchema("invoices");
  routes.push_back(Route{.method = Method::kGet,
                         .path = "/api/v1/invoices/{id}/statement",
                         .summary = "An invoice with its payments, refunds and balance in cents",
                         .tag = invoices.title,
                         .access = Access::Roles(invoices.policy.read),
                         .handler = [&services](Request& req) -> Result<Reply> {
                           return JsonReply(services.courses.Statement(req.actor(), req.path_ids.at("id")));
                         }});
  const RecordSchema& sessions = *FindRecordSchema("treatment-sessions");
  routes.push_back(Route{
      .method = Method::kGet,
      .path = "/api/v1/recall",
      .summary = "Every patient, session and site that received a lot (?lot=): product, injection or kit lot",
      .tag = sessions.title,
      .access = Access::Roles(sessions.policy.read),
      .query_parameters = {"lot"},
      .handler = [&services](Request& req) -> Result<Reply> {
        std::vector<FieldError> errors;
        for (const auto& [name, value] : req.query)
          if (name != "lot") errors.push_back({name, "is not a query parameter of this route"});
        if (req.query.count("lot") != 1) errors.push_back({"lot", "is required, once"});
        if (!errors.empty()) return Error::Validation(std::move(errors));
        return JsonReply(services.courses.RecallLot(req.actor(), req.query.find("lot")->second));
      }});
}

}  // namespace kneeregen::api
