// Patient contact for PROM follow-up: inviting a patient by email (the invitation and its reminders are
// queued and sent by the outbox), what was sent for a follow-up, and the staff call queue with the outcome
// of each call.
#include "api/routes.hpp"

namespace kneeregen::api {

namespace {

const std::vector<Role> kStaff = {Role::kAdmin, Role::kClinician, Role::kCoordinator};

const Json& OutcomeBodySchema() {
  static const Json schema = {
      {"type", "object"},
      {"properties",
       {{"outcome", {{"type", "string"}, {"enum", CallOutcomes()}}},
        {"note", {{"type", "string"}, {"maxLength", 2000}, {"examples", {"Will answer tonight"}}}}}},
      {"required", {"outcome"}},
      {"additionalProperties", false}};
  return schema;
}

}  // namespace

void AddOutboxRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/followups/{id}/email-invitation",
      .summary = "Email the patient a survey invitation and queue its reminders; without a usable email address "
                 "the follow-up goes to the call queue instead",
      .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.outbox.InviteByEmail(req.actor(), req.path_ids.at("id"), services.public_url), 201);
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/followups/{id}/messages",
      .summary = "The follow-up's emails (kind, status, when due and sent; never a link) and call-queue entries",
      .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.outbox.FollowUpMessages(req.actor(), req.path_ids.at("id")));
      }});
  routes.push_back(Route{
      .method = Method::kGet, .path = "/api/v1/call-queue",
      .summary = "Open call-queue entries: unanswered surveys to follow up by phone, with name, phone and calls so far",
      .tag = "Follow-up", .access = Access::Roles(kStaff),
      .handler = [&services](Request& req) -> Result<Reply> { return JsonReply(services.calls.OpenEntries(req.actor())); }});
  routes.push_back(Route{
      .method = Method::kPost, .path = "/api/v1/call-queue/{id}/outcomes",
      .summary = "Log a call: settling outcomes close the entry, 'withdrew' withdraws the course's follow-up; "
                 "answers given by phone are entered as a paper form",
      .tag = "Follow-up", .access = Access::Roles(kStaff), .request_json_schema = &OutcomeBodySchema(),
      .handler = [&services](Request& req) -> Result<Reply> {
        return JsonReply(services.calls.LogOutcome(req.actor(), req.path_ids.at("id"), req.body), 201);
      }});
}

}  // namespace kneeregen::api
