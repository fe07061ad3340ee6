#include "registry/survey_service.hpp"

#include <map>

#include "clinic/catalogue.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/prom_answers.hpp"
#include "registry/record_queries.hpp"
#include "registry/survey_links.hpp"

namespace kneeregen {

namespace {

// One answer for every way a link can be unusable, so a caller learns nothing about other people's links.
Error InvalidLink() { return Error::NotFound("this survey link is not valid; ask the clinic for a new one"); }

struct Link {
  int64_t clinic_id = 0;
  Json invitation;
  Json followup;
};

Result<Link> ResolveLink(ReadTransaction& tx, const std::string& token) {
  if (token.size() != 43) return InvalidLink();  // RandomToken()'s length; anything else was never issued
  auto found = tx.FindSurveyInvitation(Sha256Hex(token));
  if (!found) return InvalidLink();
  Link link{.clinic_id = found->first};
  link.invitation = *tx.GetRecord(SurveyInvitationSchema(), link.clinic_id, found->second);
  link.followup = *tx.GetRecord(FollowUpSchema(), link.clinic_id, link.invitation["followup_id"]);
  if (!link.invitation["revoked_at"].is_null() || link.invitation["expires_at"].get<std::string>() <= NowTimestamp())
    return InvalidLink();
  if (!link.invitation["submitted_at"].is_null())
    return Error{ErrorCode::kConflict, "this survey was already submitted", {}};
  if (link.followup["status"] != "scheduled") {
    // PostgreSQL reads each statement at its own moment: a submission through this very link may have
    // committed between the two reads above. Then this is a second submission, not a closed follow-up.
    auto again = tx.GetRecord(SurveyInvitationSchema(), link.clinic_id, link.invitation["id"]);
    if (again && !(*again)["submitted_at"].is_null())
      return Error{ErrorCode::kConflict, "this survey was already submitted", {}};
    return InvalidLink();
  }
  return link;
}

// Who a link acts as in the audit: the patient holding it, never a staff account.
Actor LinkActor(int64_t clinic_id) {
  return Actor{.username = "survey-link", .role = Role::kResearcher, .clinic_id = clinic_id};
}

AuditEntry LinkAudit(const Link& link, std::string action) {
  AuditEntry entry = LinkActor(link.clinic_id).Audit(std::move(action), "followups", link.followup["id"].get<int64_t>());
  entry.role = "patient";
  entry.patient_id = link.followup["patient_id"].get<int64_t>();
  return entry;
}

// Sending links, typing in paper forms and recording a withdrawal is front-desk and clinical work.
const AccessPolicy kFollowUpWork{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator},
                                 .create = {Role::kAdmin, Role::kClinician, Role::kCoordinator}};

Status CheckFollowUpWriter(const Actor& actor) { return kFollowUpWork.Check(actor.role, Action::kCreate); }

Json PublicInvitation(const Json& invitation) {
  Json out = invitation;
  out.erase("token_hash");
  return out;
}

}  // namespace

Result<Json> SurveyService::Invite(const Actor& actor, int64_t followup_id) {
  if (auto permitted = CheckFollowUpWriter(actor); !permitted) return permitted.error();
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id);
    if (!followup) return Error::NotFound();
    if ((*followup)["status"] != "scheduled")
      return Error{ErrorCode::kConflict, "the follow-up is " + (*followup)["status"].get<std::string>(), {}};
    NewSurveyLink link = CreateSurveyLink(tx, actor, *followup, Clock::now(), EarlierLinks::kRevoke);
    AuditEntry entry = actor.Audit("survey.invite", "followups", followup_id);
    entry.patient_id = (*followup)["patient_id"].get<int64_t>();
    entry.after_json = Json{{"invitation_id", link.invitation_id}, {"expires_at", link.expires_at}}.dump();
    tx.AppendAudit(entry);
    result = {{"invitation_id", link.invitation_id},
              {"followup_id", followup_id},
              {"token", link.token},
              {"path", "/survey?t=" + link.token},
              {"expires_at", link.expires_at}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::RevokeLinks(const Actor& actor, int64_t followup_id) {
  if (auto permitted = CheckFollowUpWriter(actor); !permitted) return permitted.error();
  int revoked = 0;
  int cancelled = 0;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id);
    if (!followup) return Error::NotFound();
    revoked = RevokeUnusedLinks(tx, actor.clinic_id, followup_id, NowTimestamp());
    // Staff revoking a follow-up's links are stopping contact about it: its queued emails, whose links
    // would be made as they leave, go too.
    cancelled = CancelQueuedMessages(tx, actor.clinic_id, followup_id, "links revoked");
    if (revoked == 0 && cancelled == 0) return Ok{};
    AuditEntry entry = actor.Audit("survey.revoke", "followups", followup_id);
    entry.patient_id = (*followup)["patient_id"].get<int64_t>();
    entry.after_json = Json{{"revoked", revoked}, {"cancelled_messages", cancelled}}.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return Json{{"followup_id", followup_id}, {"revoked", revoked}, {"cancelled_messages", cancelled}};
}

Result<Json> SurveyService::CourseFollowUps(const Actor& actor, int64_t course_id) {
  if (auto permitted = kFollowUpWork.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  Json result;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    if (!tx.GetRecord(KnownSchema("treatment-courses"), actor.clinic_id, course_id)) return Error::NotFound();
    const std::string today = FormatDate(TodayUtc());
    Json items = Json::array();
    for (auto& f : AllRecords(tx, FollowUpSchema(), actor.clinic_id, {{"course_id", course_id}})) {
      f["state"] = FollowUpStateOn(f, today);
      items.push_back(std::move(f));
    }
    std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
      return std::pair(a["due_on"].get<std::string>(), a["id"].get<int64_t>()) <
             std::pair(b["due_on"].get<std::string>(), b["id"].get<int64_t>());
    });
    result = {{"id", course_id}, {"course_id", course_id}, {"followups", items}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::FollowUpDetail(const Actor& actor, int64_t followup_id) {
  if (auto permitted = kFollowUpWork.Check(actor.role, Action::kRead); !permitted) return permitted.error();
  Json result;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id);
    if (!followup) return Error::NotFound();
    result = *followup;
    result["state"] = FollowUpStateOn(*followup, FormatDate(TodayUtc()));
    result["responses"] = AllRecords(tx, PromResponseSchema(), actor.clinic_id, {{"followup_id", followup_id}});
    result["scores"] = AllRecords(tx, PromScoreSchema(), actor.clinic_id, {{"followup_id", followup_id}});
    Json links = Json::array();
    for (const auto& link : AllRecords(tx, SurveyInvitationSchema(), actor.clinic_id, {{"followup_id", followup_id}}))
      links.push_back(PublicInvitation(link));
    result["links"] = links;
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::EnterPaperForm(const Actor& actor, int64_t followup_id, const Json& body) {
  if (auto permitted = CheckFollowUpWriter(actor); !permitted) return permitted.error();
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto followup = tx.GetRecord(FollowUpSchema(), actor.clinic_id, followup_id);
    if (!followup) return Error::NotFound();
    if ((*followup)["status"] != "scheduled")
      return Error{ErrorCode::kConflict, "the follow-up is " + (*followup)["status"].get<std::string>(), {}};
    const PromSettings settings = CurrentPromSettings(tx, actor.clinic_id);
    auto answers = ReadAnswerBody(body, settings.InstrumentsFor((*followup)["timepoint"]), AnswersMode::kFinal);
    if (!answers) return answers.error();
    AuditEntry entry = actor.Audit("survey.paper_form", "followups", followup_id);
    entry.patient_id = (*followup)["patient_id"].get<int64_t>();
    auto completed = CompleteFollowUp(tx, actor.clinic_id, *followup, *answers,
                                      Entry{.by_staff = true, .user_id = actor.user_id}, entry);
    if (!completed) return completed.error();
    result = std::move(*completed);
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::WithdrawFromFollowUp(const Actor& actor, int64_t course_id, const Json& body) {
  if (auto permitted = CheckFollowUpWriter(actor); !permitted) return permitted.error();
  std::vector<FieldError> errors;
  JsonFieldReader r(body, "", errors);
  auto reason = r.Text("reason", false);
  r.Finish();
  if (!errors.empty()) return Error::Validation(std::move(errors));
  int withdrawn = 0;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto done = WithdrawCourseFollowUps(tx, actor, course_id, reason.value_or(""));
    if (!done) return done.error();
    withdrawn = *done;
    return Ok{};
  });
  if (!status) return status.error();
  return Json{{"course_id", course_id}, {"withdrawn", withdrawn}};
}

Status SurveyService::Open(const std::string& token) {
  return store_.Write([&](WriteTransaction& tx) -> Status {
    auto link = ResolveLink(tx, token);
    if (!link) return link.error();
    if (!link->invitation["first_opened_at"].is_null()) return Ok{};
    tx.UpdateRecord(SurveyInvitationSchema(), link->clinic_id, link->invitation["id"],
                    Json{{"first_opened_at", NowTimestamp()}}, link->invitation["version"]);
    return Ok{};
  });
}

Result<Json> SurveyService::Questionnaire(const std::string& token) {
  Json result;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    auto link = ResolveLink(tx, token);
    if (!link) return link.error();
    const PromSettings settings = CurrentPromSettings(tx, link->clinic_id);
    auto drafts = AllRecords(tx, PromResponseSchema(), link->clinic_id, {{"followup_id", link->followup["id"]}});
    result = QuestionnaireJson(link->followup, settings.InstrumentsFor(link->followup["timepoint"]), drafts);
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::SaveAnswers(const std::string& token, const Json& body) {
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto link = ResolveLink(tx, token);
    if (!link) return link.error();
    const PromSettings settings = CurrentPromSettings(tx, link->clinic_id);
    auto answers = ReadAnswerBody(body, settings.InstrumentsFor(link->followup["timepoint"]), AnswersMode::kDraft);
    if (!answers) return answers.error();
    SaveDrafts(tx, link->clinic_id, link->followup, *answers);
    result = {{"saved", true}};
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

Result<Json> SurveyService::Submit(const std::string& token, const Json& body) {
  Json result;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto link = ResolveLink(tx, token);
    if (!link) return link.error();
    const PromSettings settings = CurrentPromSettings(tx, link->clinic_id);
    const auto& instruments = settings.InstrumentsFor(link->followup["timepoint"]);
    auto sent = ReadAnswerBody(body, instruments, AnswersMode::kDraft);
    if (!sent) return sent.error();
    auto drafts = AllRecords(tx, PromResponseSchema(), link->clinic_id, {{"followup_id", link->followup["id"]}});
    auto answers = MergeWithDrafts(*sent, drafts, instruments);
    if (!answers) return answers.error();
    // Claim the link first: of two submissions racing, the second finds the version moved on.
    if (!tx.UpdateRecord(SurveyInvitationSchema(), link->clinic_id, link->invitation["id"],
                         Json{{"submitted_at", NowTimestamp()}}, link->invitation["version"]))
      return Error{ErrorCode::kConflict, "this survey was already submitted", {}};
    auto completed = CompleteFollowUp(tx, link->clinic_id, link->followup, *answers, Entry{.by_staff = false},
                                      LinkAudit(*link, "survey.submitted"));
    if (!completed) return completed.error();
    result = std::move(*completed);
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

}  // namespace kneeregen
