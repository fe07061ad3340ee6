// List, create, read and update routes for every clinic record kind in AllRecordSchemas().
#include "api/routes.hpp"

namespace kneeregen::api {

namespace {

Reply RecordReply(Json record, int status) {
  Reply reply{.status = status};
  reply.headers.emplace_back("ETag", "\"" + std::to_string(record["version"].get<int64_t>()) + "\"");
  reply.body = std::move(record);
  return reply;
}

std::vector<std::string> ListParameters(const RecordSchema& schema) {
  std::vector<std::string> params = {"limit", "cursor"};
  if (!schema.search_fields.empty()) params.push_back("q");
  for (const auto& f : schema.fields)
    if (f.filterable) params.push_back(f.name);
  return params;
}

}  // namespace

void AddRecordRoutes(std::vector<Route>& routes, Services& services) {
  for (const RecordSchema& schema : AllRecordSchemas()) {
    const RecordSchema* s = &schema;
    std::string base = "/api/v1/" + schema.resource;
    routes.push_back(Route{
        .method = Method::kGet, .path = base, .summary = "List " + schema.title + " records", .tag = schema.title,
        .access = Access::Roles(schema.policy.read), .response_schema = s, .response_is_list = true,
        .query_parameters = ListParameters(schema),
        .handler = [&services, s](Request& req) -> Result<Reply> {
          auto query = ParseListQuery(*s, req.query);
          if (!query) return query.error();
          auto page = services.records.List(req.actor(), *s, *query);
          if (!page) return page.error();
          Json next = page->next_after_id ? Json(std::to_string(*page->next_after_id)) : Json();
          return Reply{.body = Json{{"items", page->items}, {"next_cursor", next}}};
        }});
    routes.push_back(Route{
        .method = Method::kPost, .path = base, .summary = "Create a " + schema.title, .tag = schema.title,
        .access = Access::Roles(schema.policy.create), .request_schema = s, .response_schema = s,
        .handler = [&services, s](Request& req) -> Result<Reply> {
          auto created = services.records.Create(req.actor(), *s, req.body);
          if (!created) return created.error();
          Reply reply = RecordReply(std::move(*created), 201);
          reply.headers.emplace_back("Location", "/api/v1/" + s->resource + "/" + reply.body["id"].dump());
          return reply;
        }});
    routes.push_back(Route{
        .method = Method::kGet, .path = base + "/{id}", .summary = "Read a " + schema.title, .tag = schema.title,
        .access = Access::Roles(schema.policy.read), .response_schema = s,
        .handler = [&services, s](Request& req) -> Result<Reply> {
          auto found = services.records.Get(req.actor(), *s, req.path_ids.at("id"));
          if (!found) return found.error();
          return RecordReply(std::move(*found), 200);
        }});
    if (schema.append_only()) continue;
    routes.push_back(Route{
        .method = Method::kPatch, .path = base + "/{id}",
        .summary = "Change fields of a " + schema.title + " (If-Match: the version you read)", .tag = schema.title,
        .access = Access::Roles(schema.policy.update), .request_schema = s, .partial_body = true,
        .response_schema = s,
        .handler = [&services, s](Request& req) -> Result<Reply> {
          auto updated = services.records.Update(req.actor(), *s, req.path_ids.at("id"), req.body, req.if_match);
          if (!updated) return updated.error();
          return RecordReply(std::move(*updated), 200);
        }});
  }
}

}  // namespace kneeregen::api
