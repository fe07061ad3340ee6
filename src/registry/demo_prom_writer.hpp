// Stores the PROM side of the synthetic demo clinic (demo_proms.hpp): each course's follow-ups and, for
// the completed ones, one submitted response per instrument with its scale scores. Answers are scored by the
// scoring engine and stored as CompleteFollowUp (prom_answers.cpp) stores a submitted survey: every scale of
// every instrument (empty where too few items were answered), KOOS also as the KOOS-derived WOMAC under the
// same response. demo_prom_test checks the stored rows against CompleteFollowUp and SyncFollowUps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/demo.hpp"
#include "registry/demo_proms.hpp"
#include "registry/store.hpp"
#include "scoring/score.hpp"

namespace kneeregen {

// Like the other demo writers, keeps one Json per record kind and overwrites its fields.
class DemoPromWriter {
 public:
  DemoPromWriter(WriteTransaction& tx, int64_t clinic_id, DemoSummary& counts);

  void Insert(const DemoProms& proms, int64_t course_id, int64_t patient_id, int64_t knee_id);

 private:
  void InsertResponses(const DemoFollowUp& followup, int64_t followup_id, int64_t patient_id);
  void InsertScores(const scoring::InstrumentScore& score, int64_t response_id);
  // The answers as a survey would send them: {"P1": 2, "P2": null, ...}.
  void FillAnswers(const std::string& instrument, const DemoPromAnswers& answers, Json& out) const;

  WriteTransaction& tx_;
  int64_t clinic_id_;
  DemoSummary& counts_;
  const RecordSchema& followups_schema_;
  const RecordSchema& responses_schema_;
  const RecordSchema& scores_schema_;
  // The default settings' instruments, in the order CompleteFollowUp stores them (by id).
  std::vector<std::string> baseline_instruments_;
  std::vector<std::string> follow_up_instruments_;
  Json followup_ = Json::object();
  Json response_ = Json::object();
  Json score_ = Json::object();
};

}  // namespace kneeregen
