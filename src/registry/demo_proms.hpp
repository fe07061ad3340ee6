// The PROM side of the synthetic demo clinic, as plain values before any record exists: for each treatment
// course its follow-up schedule (exactly as the server would store it) and, for the follow-ups a patient
// answered, the answers to the clinic's instruments. Pure and deterministic like demo_treatment.hpp: the
// PROMs of patient `number` of seed `seed` come from their own random stream, so the cohort and the
// treatment are the same as without them.
//
// The schedule is PlanFollowUps (clinic/followup_schedule.hpp) with the default PROM settings on the
// course's injection dates, the rule SyncFollowUps applies (followups.cpp). Scores are not made here: the
// writer (demo_prom_writer.cpp) scores the answers with the scoring engine, as a submitted survey is scored.
// The trajectories, response rates and their sources are in demo_proms.cpp.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "clinic/followup_schedule.hpp"
#include "registry/demo_cohort.hpp"
#include "registry/demo_treatment.hpp"

namespace kneeregen {

// The seed of the PROM streams: DemoStreamSeed(DemoStreamSeed(seed, kDemoPromStreams), number), apart
// from the cohort's and the treatment's families (demo_treatment.hpp).
inline constexpr uint64_t kDemoPromStreams = uint64_t{1} << 61;

inline constexpr size_t kDemoKoosItems = 42;
// An item left blank, or an instrument item not asked at this timepoint.
inline constexpr int kDemoUnanswered = -1;

// What a patient (or staff typing in a paper form) answered at one follow-up, for the default instruments:
// KOOS, pain NRS, Tegner, and PGIC at follow-ups after the baseline.
struct DemoPromAnswers {
  Days submitted_on;
  int submitted_minute = 0;                // minutes after midnight UTC
  bool by_staff = false;                   // a paper form typed in by staff
  std::array<int, kDemoKoosItems> koos{};  // in the KOOS definition's item order; kDemoUnanswered when blank
  int pain_nrs = 0;                        // 0-10 over the last week
  int tegner_current = 0;
  int tegner_pre_injury = kDemoUnanswered;  // asked at the baseline only
  int pgic = kDemoUnanswered;               // 1-7; asked at follow-ups only
};

struct DemoFollowUp {
  PlannedFollowUp plan;
  std::string_view status;                 // "scheduled", "completed", "withdrawn" or "cancelled", as stored
  std::optional<DemoPromAnswers> answers;  // for a completed follow-up
};

struct DemoProms {
  std::vector<DemoFollowUp> followups;  // in PlanFollowUps order; empty for an untreated patient
};

// The injection dates SyncFollowUps plans a course's follow-ups from: in session order, the performed date
// of each session still planned, or its planned date when not (yet) performed; cancelled sessions are left
// out. A course cancelled before starting keeps the dates it was planned with.
std::vector<std::chrono::year_month_day> DemoInjectionDates(const DemoTreatment& course);

// Fills `out` (reused between calls) with the follow-ups and answers of the course in `course`.
void GenerateDemoProms(uint64_t seed, const DemoPatient& patient, const DemoTreatment& course,
                       DemoProms& out);

}  // namespace kneeregen
