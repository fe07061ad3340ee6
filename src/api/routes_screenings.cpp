// Candidacy screenings of a patient and the clinic's versioned candidacy rules.
#include "api/routes.hpp"

#include "clinic/candidacy.hpp"

namespace kneeregen::api {

namespace {

Json OptionalOf(Json schema) { return {{"oneOf", Json::array({std::move(schema), {{"type", "null"}}})}}; }

Json ScreeningBodySchema() {
  Json lesion = {{"type", "object"},
                 {"properties",
                  {{"icrs_grade", {{"type", "string"}, {"examples", {"3A"}}}},
                   {"area_cm2", {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 40}}}}},
                 {"required", {"icrs_grade", "area_cm2"}},
                 {"additionalProperties", false}};
  Json knee = {
      {"type", "object"},
      {"properties",
       {{"knee_id", {{"type", "integer"}, {"minimum", 1}, {"description", "A knee of this patient"}}},
        {"kl_grade", OptionalOf({{"type", "integer"}, {"minimum", 0}, {"maximum", 4},
                                 {"description", "Omit to use the knee's latest graded assessment"}})},
        {"lesions", {{"type", "array"}, {"items", lesion},
                     {"description", "Omit to use the lesions of the knee's latest graded assessment"}}}}},
      {"required", {"knee_id"}},
      {"additionalProperties", false}};
  Json flag = {{"type", "boolean"}};
  Json contraindications = {
      {"type", "object"},
      {"properties",
       {{"active_infection", flag},
        {"active_malignancy", flag},
        {"months_since_malignancy_treatment", OptionalOf({{"type", "integer"}, {"minimum", 0}})},
        {"pregnancy", flag},
        {"systemic_immunosuppression", flag},
        {"bleeding_disorder_or_anticoagulation", flag},
        {"weeks_since_intra_articular_steroid", OptionalOf({{"type", "integer"}, {"minimum", 0}})}}},
      {"additionalProperties", false}};
  return {{"type", "object"},
          {"description", "The patient's age comes from the birth date; screened_on defaults to today"},
          {"properties",
           {{"screened_on", {{"type", "string"}, {"format", "date"}}},
            {"knees", {{"type", "array"}, {"items", knee}, {"minItems", 1}, {"maxItems", 2}}},
            {"bmi", OptionalOf({{"type", "number"}, {"minimum", 10}, {"maximum", 80}})},
            {"tegner_current", OptionalOf({{"type", "integer"}, {"minimum", 0}, {"maximum", 10}})},
            {"goal",
             {{"type", "string"}, {"enum", {"avoid_or_delay_replacement", "pain_relief", "return_to_activity"}}}},
            {"prior_knee_surgery", flag},
            {"contraindications", contraindications}}},
          {"required", {"knees"}},
          {"additionalProperties", false}};
}

Json RulesBodySchema() {
  const Json defaults = ToJson(DefaultCandidacyRules());
  Json properties = Json::object();
  for (const auto& [key, value] : defaults.items())
    properties[key] = {{"type", value.is_string() ? "string" : value.is_number_integer() ? "integer" : "number"},
                       {"examples", Json::array({value})}};
  Json required = Json::array();
  for (const auto& [key, value] : properties.items()) required.push_back(key);
  return {{"type", "object"},
          {"description", "Every threshold is required; a version name can be used once per clinic"},
          {"properties", properties},
          {"required", required},
          {"additionalProperties", false}};
}

}  // namespace

void AddScreeningRoutes(std::vector<Route>& routes, Services& services) {
  static const Json screening_body = ScreeningBodySchema();
  static const Json rules_body = RulesBodySchema();
  const AccessPolicy& screening = ScreeningPolicy();
  const AccessPolicy& rules = CandidacyRulesPolicy();
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/patients/{id}/screenings",
      .summary = "Screen a patient for candidacy with the clinic's current rules", .tag = "Screening",
      .access = Access::Roles(screening.create), .request_json_schema = &screening_body,
      .handler = [&services](Request& req) -> Result<Reply> {
        auto created = services.screenings.Screen(req.actor(), req.path_ids.at("id"), req.body);
        if (!created) return created.error();
        Reply reply{.status = 201};
        reply.headers.emplace_back("Location", "/api/v1/screenings/" + (*created)["id"].dump());
        reply.body = std::move(*created);
        return reply;
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/screenings", .summary = "List candidacy screenings",
      .tag = "Screening", .access = Access::Roles(screening.read), .response_is_list = true,
      .query_parameters = {"limit", "cursor", "patient_id"},
      .handler = [&services](Request& req) -> Result<Reply> {
        auto query = ParseScreeningQuery(req.query);
        if (!query) return query.error();
        auto page = services.screenings.List(req.actor(), *query);
        if (!page) return page.error();
        Json next = page->next_after_id ? Json(std::to_string(*page->next_after_id)) : Json();
        return Reply{.body = Json{{"items", page->items}, {"next_cursor", next}}};
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/screenings/{id}",
      .summary = "Read a candidacy screening: its input, tier, reasons and rules version", .tag = "Screening",
      .access = Access::Roles(screening.read),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.screenings.Get(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/candidacy-rules",
      .summary = "The clinic's current candidacy rules (the defaults until a version is published)",
      .tag = "Screening", .access = Access::Roles(rules.read),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.screenings.CurrentRules(req.actor()));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/candidacy-rules",
      .summary = "Publish a new version of the clinic's candidacy rules", .tag = "Screening",
      .access = Access::Roles(rules.create), .request_json_schema = &rules_body,
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.screenings.PublishRules(req.actor(), req.body), 201);
      }});
}

}  // namespace kneeregen::api
