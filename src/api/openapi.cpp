// The OpenAPI 3.1 document, generated from the route table and the record schemas, so the description
// can't drift from what the server does.
#include "api/routes.hpp"

#include <stdexcept>

namespace kneeregen::api {

namespace {

Json FieldSchema(const FieldSpec& f) {
  Json s;
  switch (f.kind) {
    case FieldKind::kText: s = {{"type", "string"}, {"maxLength", f.max_length}}; break;
    case FieldKind::kInteger: s = {{"type", "integer"}}; break;
    case FieldKind::kRef: s = {{"type", "integer"}, {"minimum", 1}}; break;
    case FieldKind::kNumber: s = {{"type", "number"}}; break;
    case FieldKind::kBoolean: s = {{"type", "boolean"}}; break;
    case FieldKind::kDate: s = {{"type", "string"}, {"format", "date"}}; break;
    case FieldKind::kEnum: s = {{"type", "string"}, {"enum", f.values}}; break;
    case FieldKind::kJson: s = f.json_schema.is_object() ? f.json_schema : Json{{"type", "object"}}; break;
  }
  if (f.min) s[f.min_exclusive ? "exclusiveMinimum" : "minimum"] = *f.min;
  if (f.max) s["maximum"] = *f.max;
  if (!f.description.empty()) s["description"] = f.description;
  if (!f.client_writable()) s["readOnly"] = true;
  // A structured value's example (a whole catalogue) would be repeated in every operation; its own
  // json_schema documents it instead.
  if (!f.example.is_null() && f.kind != FieldKind::kJson) s["examples"] = Json::array({f.example});
  if (!f.required) s = {{"oneOf", Json::array({s, {{"type", "null"}}})}};
  return s;
}

Json ObjectSchema(const RecordSchema& schema, bool partial, bool with_stored_fields) {
  Json properties = Json::object();
  Json required = Json::array();
  if (with_stored_fields) {
    properties["id"] = {{"type", "integer"}, {"readOnly", true}};
    properties["version"] = {{"type", "integer"}, {"readOnly", true}, {"description", "Send as If-Match to update"}};
    properties["created_at"] = {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}};
    properties["updated_at"] = {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}};
    properties["synthetic"] = {{"type", "boolean"}, {"readOnly", true}, {"description", "Generated demo data"}};
  }
  for (const auto& f : schema.fields) {
    properties[f.name] = FieldSchema(f);
    if (f.required && !partial && f.client_writable()) required.push_back(f.name);
  }
  Json s = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  if (!schema.description.empty()) s["description"] = schema.description;
  return s;
}

Json Problem() {
  return {{"description", "Problem details (RFC 9457) with a stable `code` and per-field `errors`"},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

// Record schemas are described once under components/schemas and referenced from every operation:
// "TreatmentCourse" as stored, "TreatmentCourseNew" as created, "TreatmentCourseChanges" as patched.
std::string ComponentName(const RecordSchema& schema, const std::string& variant) {
  std::string name;
  bool upper = true;
  for (char c : schema.title) {
    if (c == ' ' || c == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name + variant;
}

Json Reference(Json& components, const RecordSchema& schema, const std::string& variant, Json described) {
  std::string name = ComponentName(schema, variant);
  auto [it, added] = components.emplace(name, described);
  // Two different bodies under one name would make one of them wrong in the document.
  if (!added && it.value() != described) throw std::logic_error("two API schemas are named " + name);
  return {{"$ref", "#/components/schemas/" + name}};
}

Json Operation(const Route& route, Json& components) {
  Json op = {{"summary", route.summary}, {"tags", {route.tag}}};
  Json parameters = Json::array();
  if (route.path.find("{id}") != std::string::npos)
    parameters.push_back({{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}});
  for (const auto& q : route.query_parameters)
    parameters.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
  if (!parameters.empty()) op["parameters"] = parameters;
  if (route.request_schema) {
    const RecordSchema& body = *route.request_schema;
    Json ref = Reference(components, body, route.partial_body ? "Changes" : body.table.empty() ? "" : "New",
                         ObjectSchema(body, route.partial_body, false));
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", ref}}}}}};
  }
  else if (route.request_json_schema)
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", *route.request_json_schema}}}}}};
  Json ok = {{"description", "Success"}};
  if (route.response_schema) {
    const RecordSchema& response = *route.response_schema;
    Json item = Reference(components, response, "", ObjectSchema(response, false, !response.table.empty()));
    Json body = route.response_is_list
                    ? Json{{"type", "object"},
                           {"properties", {{"items", {{"type", "array"}, {"items", item}}},
                                           {"next_cursor", {{"type", {"string", "null"}}}}}}}
                    : item;
    ok["content"] = {{"application/json", {{"schema", body}}}};
  }
  op["responses"] = {{route.method == Method::kPost ? "201" : "200", ok}, {"4XX", Problem()}};
  if (route.access.survey_link) {
    op["security"] = Json::array({{{"survey_link", Json::array()}}});
  } else if (route.access.is_public) {
    op["security"] = Json::array();
  } else {
    std::vector<std::string> roles;
    for (Role r : route.access.any_role ? std::vector<Role>(std::begin(kAllRoles), std::end(kAllRoles))
                                        : route.access.roles)
      roles.emplace_back(RoleName(r));
    op["x-roles"] = roles;
  }
  return op;
}

}  // namespace

Json BuildOpenApi(const std::vector<Route>& routes) {
  Json paths = Json::object();
  Json schemas = Json::object();
  for (const auto& route : routes) {
    if (route.path.rfind("/api/", 0) != 0) continue;
    std::string method = MethodName(route.method);
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    paths[route.path][method] = Operation(route, schemas);
  }
  Json field_error = {{"type", "object"},
                      {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}};
  Json problem = {{"type", "object"},
                  {"properties",
                   {{"type", {{"type", "string"}}},
                    {"title", {{"type", "string"}}},
                    {"status", {{"type", "integer"}}},
                    {"code", {{"type", "string"}}},
                    {"detail", {{"type", "string"}}},
                    {"request_id", {{"type", "string"}}},
                    {"errors", {{"type", "array"}, {"items", field_error}}}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "kneeregen API"},
            {"version", "1"},
            {"description",
             "Records and outcomes of a regenerative-medicine knee clinic. Sign in with POST /api/v1/session; "
             "send the returned csrf_token as X-CSRF-Token on every POST and PATCH. Every list is paged with "
             "limit (at most 200) and the next_cursor of the previous page."}}},
          {"paths", paths},
          {"components",
           {{"schemas", [&] {
               schemas["Problem"] = problem;
               return schemas;
             }()},
            {"securitySchemes",
             {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "__Host-kneeregen_session"}}},
              {"survey_link",
               {{"type", "apiKey"}, {"in", "cookie"}, {"name", "__Host-kneeregen_survey"},
                {"description", "Set by GET /survey?t=TOKEN from a patient's survey link"}}}}}}},
          {"security", Json::array({{{"session", Json::array()}}})}};
}

}  // namespace kneeregen::api
