// PROM follow-up: a course's schedule, one follow-up's answers and scores, survey links, paper forms and
// withdrawal for staff; and the patient's survey routes, whose only credential is the survey-link cookie.
#include "api/cookies.hpp"
#include "api/routes.hpp"
#include "core/time.hpp"

namespace kneeregen::api {

namespace {

const std::vector<Role> kStaff = {Role::kAdmin, Role::kClinician, Role::kCoordinator};

const Json& AnswersBodySchema() {
  static const Json schema = {
      {"type", "object"},
      {"description", "Answers by instrument and item id; null or a left-out item is unanswered"},
      {"properties",
       {{"answers", {{"type", "object"}, {"additionalProperties", {{"type", "object"}}},
                     {"examples", {{{"koos", {{"P1", 2}, {"P2", 1}}}, {"pain_nrs", {{"NRS", 4}}}}}}}},
        {"recall_periods", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}},
      {"required", {"answers"}},
      {"additionalProperties", false}};
  return schema;
}

const Json& WithdrawBodySchema() {
  static const Json schema = {{"type", "object"},
                              {"properties", {{"reason", {{"type", "string"}}}}},
                              {"additionalProperties", false}};
  return schema;
}

std::string SurveyToken(const Request& req) { return CookieValue(req.cookie_header, kSurveyCookie); }

// Served for any bad link, so a page for an unknown, expired or used link looks the same.
constexpr const char* kInvalidLinkPage =
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Survey link</title>"
    "<p>This survey link is not valid any more. Please ask your clinic for a new one.</p></html>";

constexpr const char* kSurveyPage =
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" "
    "content=\"width=device-width\"><title>Your knee questionnaire</title>"
    "<p>Your questionnaire is ready. The form reads it from <code>/api/v1/survey</code>, saves answers with "
    "<code>PATCH /api/v1/survey/answers</code> and sends them with <code>POST /api/v1/survey/submit</code>.</p>"
    "</html>";

}  // namespace

void AddPromRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/treatment-courses/{id}/followups",
      .summary = "The course's follow-up schedule with each follow-up's state today", .tag = "Follow-up",
      .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.CourseFollowUps(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/treatment-courses/{id}/withdraw-follow-up",
      .summary = "The patient stops follow-up: unanswered follow-ups are withdrawn and their links revoked",
      .tag = "Follow-up", .access = Access::Roles(kStaff), .request_json_schema = &WithdrawBodySchema(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.WithdrawFromFollowUp(req.actor(), req.path_ids.at("id"), req.body));
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/followups/{id}",
      .summary = "One follow-up with its responses, scores (with instrument version and rule) and links",
      .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.FollowUpDetail(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/followups/{id}/invitations",
      .summary = "A new survey link (the token is shown once); earlier unused links are revoked",
      .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.Invite(req.actor(), req.path_ids.at("id")), 201);
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/followups/{id}/revoke-links",
      .summary = "Revoke the follow-up's unused survey links", .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.RevokeLinks(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/followups/{id}/paper-form",
      .summary = "Enter a paper form on the patient's behalf (flagged staff-entered); completes the follow-up",
      .tag = "Follow-up", .access = Access::Roles(kStaff), .request_json_schema = &AnswersBodySchema(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.EnterPaperForm(req.actor(), req.path_ids.at("id"), req.body), 201);
      }});

  // The patient's side. The link's token arrives once in the query string (never logged), moves into a
  // cookie, and the browser is sent on so the token leaves the address bar.
  routes.push_back(Route{
      .method = Method::kGet, .path = "/survey", .summary = "Open a survey link (?t=TOKEN): 303 to the form",
      .tag = "Survey", .access = Access::SurveyLink(), .query_parameters = {"t"},
      .handler = [&services](Request& req) -> Result<Reply> {
        auto token = req.query.find("t");
        if (token == req.query.end() || !services.surveys.Open(token->second))
          return Reply{.status = 404, .html = kInvalidLinkPage};
        Reply reply{.status = 303, .html = "<!doctype html><a href=\"/survey/form\">Continue</a>"};
        reply.headers.emplace_back("Location", "/survey/form");
        reply.headers.emplace_back("Set-Cookie", SurveyCookie(token->second, 60L * 60 * 24 * 180));
        return reply;
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/survey/form", .summary = "The survey page", .tag = "Survey",
      .access = Access::SurveyLink(),
      .handler = [](Request&) -> Result<Reply> { return Reply{.html = kSurveyPage}; }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/survey",
      .summary = "The questionnaire of the link in the survey cookie, with answers saved so far", .tag = "Survey",
      .access = Access::SurveyLink(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.Questionnaire(SurveyToken(req)));
      }});
  routes.push_back(Route{
      .method = Method::kPatch, .path = "/api/v1/survey/answers",
      .summary = "Save answers so far; resume later with the same link", .tag = "Survey",
      .access = Access::SurveyLink(), .request_json_schema = &AnswersBodySchema(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.SaveAnswers(SurveyToken(req), req.body));
      }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/survey/submit",
      .summary = "Submit the survey (saved answers plus these); a link takes exactly one submission",
      .tag = "Survey", .access = Access::SurveyLink(), .request_json_schema = &AnswersBodySchema(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.surveys.Submit(SurveyToken(req), req.body), 201);
      }});
}

}  // namespace kneeregen::api
