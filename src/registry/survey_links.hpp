// Survey-link steps that run inside a caller's write transaction, shared by staff invitations (a link shown
// once on screen), the outbox (a link made as its email leaves) and the call queue (a patient who
// withdraws on the phone).
#pragma once

#include <string>

#include "core/time.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

struct NewSurveyLink {
  int64_t invitation_id = 0;
  std::string token;  // the raw token: returned here once, only its SHA-256 is stored
  std::string expires_at;
};

// Revokes the follow-up's links that are neither used nor revoked, as of `at`; returns how many.
int RevokeUnusedLinks(WriteTransaction& tx, int64_t clinic_id, int64_t followup_id, const std::string& at);

enum class EarlierLinks { kRevoke, kKeep };

// A new link for `followup` (a scheduled follow-up the caller read in `tx`), valid for the clinic's
// link_valid_days from `now`. With kRevoke, the follow-up's unused links are revoked (a staff invitation
// replaces them); queued emails stay, as each makes its own link when it leaves. Writes no audit row: the
// caller records why the link was made.
NewSurveyLink CreateSurveyLink(WriteTransaction& tx, const Actor& actor, const Json& followup, Clock::time_point now,
                               EarlierLinks earlier);

// The patient stops follow-up of a course: every follow-up not yet answered is withdrawn, its links
// revoked, its emails cancelled and its call-queue entries closed; one audit row. Returns how many.
Result<int> WithdrawCourseFollowUps(WriteTransaction& tx, const Actor& actor, int64_t course_id,
                                    const std::string& reason);

}  // namespace kneeregen
