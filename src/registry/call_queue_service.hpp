// The staff call queue: patients whose survey is still unanswered call_after_days after the email
// invitation (or who have no usable email address) are listed with their phone number, and every call is
// logged with its outcome. Completing or withdrawing the follow-up closes the entry.
#pragma once

#include <string>
#include <vector>

#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

class CallQueueService {
 public:
  explicit CallQueueService(Store& store) : store_(store) {}

  // The clinic's open entries, oldest first, with the patient's name and phone and the calls so far.
  Result<Json> OpenEntries(const Actor& actor);
  // Logs one call: {"outcome": ..., "note": "..."}. Outcomes that settle the call close the entry
  // (reached_will_answer, declined, wrong_number); "withdrew" withdraws the course's follow-up; the rest
  // leave it open for another call. After reached_answered_by_phone, staff enter the answers as a paper form.
  Result<Json> LogOutcome(const Actor& actor, int64_t entry_id, const Json& body);

 private:
  Store& store_;
};

// Every outcome a call may have.
const std::vector<std::string>& CallOutcomes();

}  // namespace kneeregen
