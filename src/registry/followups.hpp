// The stored follow-up schedule of a course. The schedule is re-derived whenever the course's injection
// dates change (planned, moved, cancelled, performed): follow-ups not yet completed or withdrawn take the
// new dates, ones no longer in the plan are cancelled, completed ones never change.
#pragma once

#include <string>
#include <vector>

#include "clinic/prom_settings.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// Record kinds written only by services, with no generic routes: follow-ups, responses, scores and survey
// links (records_proms.cpp).
const RecordSchema& FollowUpSchema();
const RecordSchema& PromResponseSchema();
const RecordSchema& PromScoreSchema();
const RecordSchema& SurveyInvitationSchema();

// The instrument ids PROM settings may name.
const std::vector<std::string>& KnownPromInstruments();

// The clinic's settings in force: its newest prom-settings record, or the defaults.
PromSettings CurrentPromSettings(ReadTransaction& tx, int64_t clinic_id);

// Re-derives and stores the schedule of one course; writes an audit row for `actor` when anything changed.
Status SyncFollowUps(WriteTransaction& tx, const Actor& actor, int64_t course_id);

// "upcoming", "open", "missed", or the stored status when completed, withdrawn or cancelled.
std::string FollowUpStateOn(const Json& followup, const std::string& today);

}  // namespace kneeregen
