// Answers to a follow-up's instruments on their way in (from a survey link or a paper form) and the
// scoring that completes the follow-up. Shared by the two paths so a paper form and a link store alike.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/audit.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// {"answers": {"koos": {"P1": 2, ...}, ...}, "recall_periods": {"pain_nrs": "week"}}, checked against the
// instruments of the follow-up.
struct AnswerSet {
  std::map<std::string, Json> answers;  // instrument id -> {item id: value or null}
  std::map<std::string, std::string> recall_periods;
};

enum class AnswersMode {
  kDraft,  // some instruments may be left out
  kFinal,  // every instrument present (a paper form is typed in whole)
};

Result<AnswerSet> ReadAnswerBody(const Json& body, const std::vector<std::string>& instruments, AnswersMode mode);

// Stores `sent` as the follow-up's draft, answer by answer over what was saved before.
void SaveDrafts(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const AnswerSet& sent);
// The drafts with `sent` on top; refuses a submission that answers nothing at all.
Result<AnswerSet> MergeWithDrafts(const AnswerSet& sent, const std::vector<Json>& drafts,
                                  const std::vector<std::string>& instruments);

struct Entry {
  bool by_staff = false;
  std::optional<int64_t> user_id;
};

// Scores every instrument (KOOS also as KOOS-derived WOMAC), stores the responses as submitted with their
// scores, completes the follow-up and appends `audit` (its after_json filled with the scores).
Result<Json> CompleteFollowUp(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const AnswerSet& answers,
                              const Entry& entry, AuditEntry audit);

// What a patient's page needs: the timepoint, each instrument's items and ranges (no licensed wording is
// shipped), and the answers saved so far. Nothing that identifies the patient.
Json QuestionnaireJson(const Json& followup, const std::vector<std::string>& instruments,
                       const std::vector<Json>& drafts);

}  // namespace kneeregen
