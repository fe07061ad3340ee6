// How a clinic runs its PROM follow-up: the schedule, which instruments are asked at baseline and at
// follow-ups, how long a survey link stays valid, when reminders go out and when a patient who has not
// answered moves to the staff call queue. Defaults are ours (DOMAIN.md §8), not a standard; every number
// is the clinic's to change.
#pragma once

#include <string>
#include <vector>

#include "clinic/followup_schedule.hpp"

namespace kneeregen {

struct PromSettings {
  FollowUpSettings schedule = FollowUpSettings::Default();
  std::vector<std::string> baseline_instruments = {"koos", "pain_nrs", "tegner"};
  std::vector<std::string> follow_up_instruments = {"koos", "pain_nrs", "tegner", "pgic"};
  int link_valid_days = 30;
  // Days after the invitation on which a reminder goes out while the survey is still unanswered.
  std::vector<int> reminder_days = {3, 7};
  // Days after the invitation on which an unanswered survey lands in the call queue.
  int call_after_days = 10;

  static PromSettings Default() { return {}; }
  // `known_instruments` are the instrument ids the scoring engine can score.
  static Result<PromSettings> FromJson(const Json& json, const std::vector<std::string>& known_instruments);
  Json ToJson() const;
  const std::vector<std::string>& InstrumentsFor(const std::string& timepoint) const {
    return timepoint == "baseline" ? baseline_instruments : follow_up_instruments;
  }
};

}  // namespace kneeregen
