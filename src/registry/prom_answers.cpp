#include "registry/prom_answers.hpp"

#include <algorithm>

#include "clinic/catalogue.hpp"
#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"
#include "scoring/instrument_catalogue.hpp"
#include "scoring/score.hpp"

namespace kneeregen {

namespace {

using scoring::InstrumentDefinition;

const InstrumentDefinition& Definition(const std::string& id) {
  const InstrumentDefinition* d = scoring::FindBuiltInInstrument(id);
  if (!d) throw std::logic_error("no built-in instrument " + id);  // settings only name known instruments
  return *d;
}

std::string RecallPeriodOf(const InstrumentDefinition& d, const AnswerSet& set) {
  if (!d.recall_period.empty()) return "";
  auto it = set.recall_periods.find(d.id);
  return it != set.recall_periods.end() ? it->second : d.recall_periods.front();
}

// Stores one scale score row per scale of `score`.
void StoreScores(WriteTransaction& tx, int64_t clinic_id, const Json& followup, int64_t response_id,
                 const scoring::InstrumentScore& score, Json& summary) {
  for (const auto& scale : score.scales) {
    Json value = scale.value ? Json(*scale.value) : Json();
    tx.InsertRecord(PromScoreSchema(), clinic_id,
                    Json{{"response_id", response_id}, {"followup_id", followup["id"]},
                         {"patient_id", followup["patient_id"]}, {"instrument", score.instrument_id},
                         {"instrument_version", score.instrument_version}, {"rule", score.rule},
                         {"scale", scale.scale_id}, {"score", value}, {"recall_period", score.recall_period}},
                    false);
    summary[score.instrument_id][scale.scale_id] = value;
  }
}

Json OnlyItemsOf(const InstrumentDefinition& d, const Json& answers) {
  Json out = Json::object();
  for (const auto& item : d.items)
    if (answers.contains(item.id)) out[item.id] = answers[item.id];
  return out;
}

}  // namespace

Result<AnswerSet> ReadAnswerBody(const Json& body, const std::vector<std::string>& instruments, AnswersMode mode) {
  std::vector<FieldError> errors;
  JsonFieldReader r(body, "", errors);
  AnswerSet set;
  if (!r.is_object()) return Error::Validation(std::move(errors));
  const Json* answers = r.Value("answers");
  const Json* periods = r.Value("recall_periods", false);
  r.Finish();
  if (answers && !answers->is_object()) errors.push_back({"answers", "must be an object of instruments"});
  if (periods && !periods->is_object()) errors.push_back({"recall_periods", "must be an object"});
  if (!errors.empty()) return Error::Validation(std::move(errors));
  for (const auto& [id, items] : answers->items()) {
    if (std::find(instruments.begin(), instruments.end(), id) == instruments.end()) {
      errors.push_back({"answers/" + id, "is not an instrument of this follow-up"});
      continue;
    }
    std::string period;
    if (periods && periods->contains(id)) {
      const Json& p = (*periods)[id];
      if (p.is_string()) period = p.get<std::string>();
      else errors.push_back({"recall_periods/" + id, "must be a string"});
    }
    const InstrumentDefinition& d = Definition(id);
    if (!period.empty()) {
      if (std::find(d.recall_periods.begin(), d.recall_periods.end(), period) == d.recall_periods.end())
        errors.push_back({"recall_periods/" + id, "is not a recall period of this instrument"});
      else set.recall_periods[id] = period;
    }
    auto response = scoring::ResponseFromJson(d, items, d.recall_period.empty() ? d.recall_periods.front() : "");
    if (!response) {
      for (const auto& e : response.error().fields) errors.push_back({"answers/" + id + "/" + e.field, e.message});
      if (response.error().fields.empty()) errors.push_back({"answers/" + id, response.error().detail});
      continue;
    }
    set.answers[id] = items;
  }
  if (periods)
    for (const auto& [id, value] : periods->items())
      if (!answers->contains(id)) errors.push_back({"recall_periods/" + id, "has no answers beside it"});
  if (mode == AnswersMode::kFinal)
    for (const auto& id : instruments)
      if (!answers->contains(id)) errors.push_back({"answers/" + id, "is required on a paper form (send {} if blank)"});
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return set;
}

void SaveDrafts(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const AnswerSet& sent) {
  auto drafts = AllRecords(tx, PromResponseSchema(), clinic_id, {{"followup_id", followup["id"]}});
  for (const auto& [id, items] : sent.answers) {
    const InstrumentDefinition& d = Definition(id);
    auto it = std::find_if(drafts.begin(), drafts.end(), [&](const Json& r) { return r["instrument"] == id; });
    if (it == drafts.end()) {
      tx.InsertRecord(PromResponseSchema(), clinic_id,
                      Json{{"followup_id", followup["id"]}, {"patient_id", followup["patient_id"]},
                           {"instrument", id}, {"instrument_version", d.version}, {"answers_json", items},
                           {"status", "draft"}, {"entered_by", "patient"}, {"entered_by_user", nullptr},
                           {"submitted_at", nullptr}},
                      false);
      continue;
    }
    Json merged = (*it)["answers_json"];
    merged.update(items);
    tx.UpdateRecord(PromResponseSchema(), clinic_id, (*it)["id"], Json{{"answers_json", merged}}, (*it)["version"]);
  }
}

Result<AnswerSet> MergeWithDrafts(const AnswerSet& sent, const std::vector<Json>& drafts,
                                  const std::vector<std::string>& instruments) {
  AnswerSet merged;
  for (const auto& d : drafts) merged.answers[d["instrument"]] = d["answers_json"];
  for (const auto& [id, items] : sent.answers) merged.answers[id].update(items);
  merged.recall_periods = sent.recall_periods;
  bool any = false;
  for (const auto& id : instruments) {
    auto it = merged.answers.find(id);
    if (it == merged.answers.end()) continue;  // not answered at all: no response is stored for it
    for (const auto& [item, value] : it->second.items()) any = any || !value.is_null();
  }
  if (!any) return Error::Field(ErrorCode::kValidationFailed, "answers", "answer at least one question");
  return merged;
}

Result<Json> CompleteFollowUp(WriteTransaction& tx, int64_t clinic_id, const Json& followup, const AnswerSet& answers,
                              const Entry& entry, AuditEntry audit) {
  const std::string now = NowTimestamp();
  auto drafts = AllRecords(tx, PromResponseSchema(), clinic_id, {{"followup_id", followup["id"]}});
  Json summary = Json::object();
  for (const auto& [id, items] : answers.answers) {
    const InstrumentDefinition& d = Definition(id);
    auto response = scoring::ResponseFromJson(d, items, RecallPeriodOf(d, answers));
    if (!response) return response.error();
    auto score = scoring::Score(d, *response);
    if (!score) return score.error();
    Json record = {{"followup_id", followup["id"]}, {"patient_id", followup["patient_id"]}, {"instrument", id},
                   {"instrument_version", d.version}, {"answers_json", items}, {"status", "submitted"},
                   {"entered_by", entry.by_staff ? "staff" : "patient"},
                   {"entered_by_user", entry.user_id ? Json(*entry.user_id) : Json()}, {"submitted_at", now}};
    auto draft = std::find_if(drafts.begin(), drafts.end(), [&](const Json& r) { return r["instrument"] == id; });
    int64_t response_id = 0;
    if (draft == drafts.end()) {
      response_id = tx.InsertRecord(PromResponseSchema(), clinic_id, record, false);
    } else {
      response_id = (*draft)["id"];
      tx.UpdateRecord(PromResponseSchema(), clinic_id, response_id, record, (*draft)["version"]);
    }
    StoreScores(tx, clinic_id, followup, response_id, *score, summary);
    // KOOS carries the WOMAC items: the KOOS-derived WOMAC is scored from the same answers (DOMAIN.md §1.5).
    if (const InstrumentDefinition* womac = id == "koos" ? scoring::FindBuiltInInstrument("womac_from_koos") : nullptr) {
      auto derived = scoring::ResponseFromJson(*womac, OnlyItemsOf(*womac, items));
      if (!derived) return derived.error();
      auto womac_score = scoring::Score(*womac, *derived);
      if (!womac_score) return womac_score.error();
      StoreScores(tx, clinic_id, followup, response_id, *womac_score, summary);
    }
  }
  // Two links of one follow-up (an email and its reminder) may be submitted at once: the second finds the
  // follow-up's version moved on and stores nothing.
  if (!tx.UpdateRecord(FollowUpSchema(), clinic_id, followup["id"], Json{{"status", "completed"}, {"completed_at", now}},
                       followup["version"]))
    return Error{ErrorCode::kConflict,
                 "the follow-up changed while these answers were stored (answered through another link, or "
                 "re-planned); nothing was stored", {}};
  // Before the audit row: see the lock order in outbox_records.hpp.
  EndFollowUpContact(tx, clinic_id, followup["id"], "completed");
  audit.after_json = Json{{"entered_by", entry.by_staff ? "staff" : "patient"}, {"scores", summary}}.dump();
  tx.AppendAudit(audit);
  return Json{{"followup_id", followup["id"]}, {"status", "completed"}, {"entered_by", entry.by_staff ? "staff" : "patient"},
              {"scores", summary}};
}

Json QuestionnaireJson(const Json& followup, const std::vector<std::string>& instruments,
                       const std::vector<Json>& drafts) {
  Json list = Json::array();
  for (const auto& id : instruments) {
    const InstrumentDefinition& d = Definition(id);
    Json items = Json::array();
    for (const auto& item : d.items) items.push_back({{"id", item.id}, {"min", item.min}, {"max", item.max}});
    Json saved = Json::object();
    for (const auto& draft : drafts)
      if (draft["instrument"] == id) saved = draft["answers_json"];
    list.push_back({{"id", d.id}, {"version", d.version}, {"title", d.title},
                    {"recall_period", d.recall_period.empty() ? Json() : Json(d.recall_period)},
                    {"recall_periods", d.recall_periods}, {"items", items}, {"answers", saved}});
  }
  return {{"timepoint", followup["timepoint"]},
          {"due_on", followup["due_on"]},
          {"window_closes", followup["window_closes"]},
          {"instruments", list}};
}

}  // namespace kneeregen
