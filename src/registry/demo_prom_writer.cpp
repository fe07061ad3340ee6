// The follow-ups of a synthetic course, and the responses and scores of those answered. Submission times are
// the simulated day, not the server's clock.
#include "registry/demo_prom_writer.hpp"

#include <algorithm>
#include <stdexcept>

#include "clinic/prom_settings.hpp"
#include "core/time.hpp"
#include "registry/followups.hpp"
#include "scoring/instrument_catalogue.hpp"

namespace kneeregen {

namespace {

using scoring::InstrumentDefinition;

// The pain NRS asks which period the patient rated; the demo's patients rate the last week (DOMAIN.md §3).
constexpr const char* kRecallPeriod = "week";

std::string DateText(std::chrono::year_month_day date) { return FormatDate(date); }

const InstrumentDefinition& Definition(const std::string& id) {
  const InstrumentDefinition* d = scoring::FindBuiltInInstrument(id);
  if (!d) throw std::logic_error("no built-in instrument " + id);
  return *d;
}

std::vector<std::string> ById(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

Json Item(int answer) { return answer == kDemoUnanswered ? Json() : Json(answer); }

// Scores answers the scoring engine takes; the generated answers always are (a failure is a demo defect).
scoring::InstrumentScore ScoreOf(const InstrumentDefinition& d, const Json& answers,
                                 const std::string& recall) {
  auto response = scoring::ResponseFromJson(d, answers, recall);
  if (!response) throw std::logic_error("demo answers to " + d.id + " rejected: " + response.error().detail);
  auto score = scoring::Score(d, *response);
  if (!score) throw std::logic_error("demo answers to " + d.id + " not scored: " + score.error().detail);
  return std::move(*score);
}

}  // namespace

DemoPromWriter::DemoPromWriter(WriteTransaction& tx, int64_t clinic_id, DemoSummary& counts)
    : tx_(tx),
      clinic_id_(clinic_id),
      counts_(counts),
      followups_schema_(FollowUpSchema()),
      responses_schema_(PromResponseSchema()),
      scores_schema_(PromScoreSchema()) {
  // The two lists PromSettings::InstrumentsFor chooses between.
  const PromSettings settings = PromSettings::Default();
  baseline_instruments_ = ById(settings.baseline_instruments);
  follow_up_instruments_ = ById(settings.follow_up_instruments);
}

void DemoPromWriter::Insert(const DemoProms& proms, int64_t course_id, int64_t patient_id, int64_t knee_id) {
  followup_["course_id"] = course_id;
  followup_["patient_id"] = patient_id;
  followup_["knee_id"] = knee_id;
  for (const DemoFollowUp& f : proms.followups) {
    followup_["timepoint"] = f.plan.timepoint;
    followup_["anchor_session"] = f.plan.anchor_session;
    followup_["anchor_date"] = DateText(f.plan.anchor_date);
    followup_["due_on"] = DateText(f.plan.due);
    followup_["window_opens"] = DateText(f.plan.window_opens);
    followup_["window_closes"] = DateText(f.plan.window_closes);
    followup_["status"] = f.status;
    if (f.answers)
      followup_["completed_at"] = FormatTimestamp(std::chrono::sys_days{f.answers->submitted_on} +
                                                  std::chrono::minutes{f.answers->submitted_minute});
    else
      followup_["completed_at"] = nullptr;
    const int64_t followup_id = tx_.InsertRecord(followups_schema_, clinic_id_, followup_, true);
    ++counts_.followups;
    if (!f.answers) continue;
    ++counts_.followups_completed;
    InsertResponses(f, followup_id, patient_id);
  }
}

void DemoPromWriter::InsertResponses(const DemoFollowUp& f, int64_t followup_id, int64_t patient_id) {
  const DemoPromAnswers& a = *f.answers;
  response_["followup_id"] = followup_id;
  response_["patient_id"] = patient_id;
  response_["status"] = "submitted";
  response_["entered_by"] = a.by_staff ? "staff" : "patient";
  response_["entered_by_user"] = nullptr;  // a paper form typed in by staff who have no user account here
  response_["submitted_at"] = followup_["completed_at"];  // one timestamp, as CompleteFollowUp stores
  score_["followup_id"] = followup_id;
  score_["patient_id"] = patient_id;
  for (const std::string& id :
       f.plan.timepoint == "baseline" ? baseline_instruments_ : follow_up_instruments_) {
    const InstrumentDefinition& d = Definition(id);
    Json& answers = response_["answers_json"];
    FillAnswers(id, a, answers);
    // CompleteFollowUp's recall period: none where the instrument fixes it, else the one the response names.
    const std::string recall =
        !d.recall_period.empty() ? ""
        : std::find(d.recall_periods.begin(), d.recall_periods.end(), kRecallPeriod) != d.recall_periods.end()
            ? kRecallPeriod
            : d.recall_periods.front();
    const scoring::InstrumentScore score = ScoreOf(d, answers, recall);
    response_["instrument"] = id;
    response_["instrument_version"] = d.version;
    const int64_t response_id = tx_.InsertRecord(responses_schema_, clinic_id_, response_, true);
    ++counts_.prom_responses;
    InsertScores(score, response_id);
    // KOOS carries the WOMAC items: the KOOS-derived WOMAC is scored from the same answers (DOMAIN.md §1.5).
    if (id != "koos") continue;
    const InstrumentDefinition& womac = Definition("womac_from_koos");
    Json items = Json::object();
    for (const auto& item : womac.items)
      if (answers.contains(item.id)) items[item.id] = answers[item.id];
    InsertScores(ScoreOf(womac, items, ""), response_id);
  }
}

void DemoPromWriter::InsertScores(const scoring::InstrumentScore& score, int64_t response_id) {
  score_["response_id"] = response_id;
  score_["instrument"] = score.instrument_id;
  score_["instrument_version"] = score.instrument_version;
  score_["rule"] = score.rule;
  score_["recall_period"] = score.recall_period;
  for (const auto& scale : score.scales) {
    score_["scale"] = scale.scale_id;
    score_["score"] = scale.value ? Json(*scale.value) : Json();
    tx_.InsertRecord(scores_schema_, clinic_id_, score_, true);
    ++counts_.prom_scores;
  }
}

void DemoPromWriter::FillAnswers(const std::string& instrument, const DemoPromAnswers& a, Json& out) const {
  out = Json::object();
  if (instrument == "koos") {
    const InstrumentDefinition& koos = Definition("koos");
    for (size_t i = 0; i < kDemoKoosItems; ++i) out[koos.items[i].id] = Item(a.koos[i]);
  } else if (instrument == "pain_nrs") {
    out["pain"] = a.pain_nrs;
  } else if (instrument == "tegner") {
    out["current"] = a.tegner_current;
    if (a.tegner_pre_injury != kDemoUnanswered) out["pre_injury"] = a.tegner_pre_injury;
  } else if (instrument == "pgic") {
    if (a.pgic == kDemoUnanswered) throw std::logic_error("the demo asks PGIC at follow-ups only");
    out["pgic"] = a.pgic;
  } else {
    throw std::logic_error("the demo has no answers to " + instrument);
  }
}

}  // namespace kneeregen
