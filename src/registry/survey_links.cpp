#include "registry/survey_links.hpp"

#include "core/crypto.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

int RevokeUnusedLinks(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& at) {
  int revoked = 0;
  for (const auto& link : AllRecords(tx, SurveyInvitationSchema(), clinic_id, {{"followup_id", followup_id}})) {
    if (!link["revoked_at"].is_null() || !link["submitted_at"].is_null()) continue;
    tx.UpdateRecord(SurveyInvitationSchema(), clinic_id, link["id"], Json{{"revoked_at", at}}, link["version"]);
    ++revoked;
  }
  return revoked;
}

NewSurveyLink CreateSurveyLink(WriteTransaction& tx, const Actor& actor, const Json& followup, Clock::time_point now,
                               EarlierLinks earlier) {
  const int64_t followup_id = followup["id"];
  if (earlier == EarlierLinks::kRevoke) RevokeUnusedLinks(tx, actor.clinic_id, followup_id, FormatTimestamp(now));
  const PromSettings settings = CurrentPromSettings(tx, actor.clinic_id);
  NewSurveyLink link{.token = RandomToken(),
                     .expires_at = FormatTimestamp(now + std::chrono::days{settings.link_valid_days})};
  link.invitation_id = tx.InsertRecord(SurveyInvitationSchema(), actor.clinic_id,
                                       Json{{"followup_id", followup_id},
                                            {"token_hash", Sha256Hex(link.token)},
                                            {"expires_at", link.expires_at},
                                            {"first_opened_at", nullptr},
                                            {"submitted_at", nullptr},
                                            {"revoked_at", nullptr},
                                            {"created_by", actor.user_id ? Json(*actor.user_id) : Json()}},
                                       false);
  return link;
}

Result<int> WithdrawCourseFollowUps(WriteTransaction& tx, const Actor& actor, int64_t course_id,
                                    const std::string& reason) {
  auto course = tx.GetRecord(KnownSchema("treatment-courses"), actor.clinic_id, course_id);
  if (!course) return Error::NotFound();
  const std::string now = NowTimestamp();
  int withdrawn = 0;
  for (const auto& f : AllRecords(tx, FollowUpSchema(), actor.clinic_id, {{"course_id", course_id}})) {
    if (f["status"] != "scheduled") continue;
    tx.UpdateRecord(FollowUpSchema(), actor.clinic_id, f["id"], Json{{"status", "withdrawn"}}, f["version"]);
    RevokeUnusedLinks(tx, actor.clinic_id, f["id"], now);
    EndFollowUpContact(tx, actor.clinic_id, f["id"], "withdrawn");
    ++withdrawn;
  }
  AuditEntry entry = actor.Audit("followups.withdraw", "treatment-courses", course_id);
  entry.patient_id = (*course)["patient_id"].get<int64_t>();
  entry.after_json = Json{{"withdrawn", withdrawn}}.dump();
  entry.reason = reason;
  tx.AppendAudit(entry);
  return withdrawn;
}

}  // namespace kneeregen
