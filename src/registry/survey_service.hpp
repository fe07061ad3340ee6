// PROM collection: survey links for patients and paper forms entered by staff. A link is a 256-bit random
// token of which only the SHA-256 is stored; it is bound to one follow-up, takes exactly one submission,
// expires and can be revoked. Every way a token can be wrong (unknown, expired, revoked, follow-up closed)
// answers the same not-found; a second submission of a used link is a conflict (RELIABILITY.md A7, C3).
#pragma once

#include <string>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

class SurveyService {
 public:
  explicit SurveyService(Store& store) : store_(store) {}

  // Staff. A new link revokes the follow-up's earlier unused ones; the token is returned only here.
  Result<Json> Invite(const Actor& actor, int64_t followup_id);
  // Revokes the follow-up's unused links and cancels its queued emails.
  Result<Json> RevokeLinks(const Actor& actor, int64_t followup_id);
  // A course's follow-ups with their state today.
  Result<Json> CourseFollowUps(const Actor& actor, int64_t course_id);
  // One follow-up with its responses, scores and links (never the token hashes).
  Result<Json> FollowUpDetail(const Actor& actor, int64_t followup_id);
  // A paper form typed in by staff: {"answers": {"koos": {"P1": 2, ...}, ...}}; flagged staff-entered.
  Result<Json> EnterPaperForm(const Actor& actor, int64_t followup_id, const Json& body);
  // The patient stops follow-up: every follow-up not yet answered is withdrawn, its links revoked, its
  // queued emails cancelled and its call-queue entries closed.
  Result<Json> WithdrawFromFollowUp(const Actor& actor, int64_t course_id, const Json& body);

  // Patient, by token. Open() records the first use; the API then moves the token into a cookie.
  Status Open(const std::string& token);
  Result<Json> Questionnaire(const std::string& token);
  // Saves answers so far (per instrument, merged into the draft) until the survey is submitted.
  Result<Json> SaveAnswers(const std::string& token, const Json& body);
  // Submits the draft plus `body`'s answers; scores them and completes the follow-up.
  Result<Json> Submit(const std::string& token, const Json& body);

 private:
  Store& store_;
};

}  // namespace kneeregen
