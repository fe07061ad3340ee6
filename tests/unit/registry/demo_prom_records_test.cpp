// The demo clinic's PROM records are what the server itself would have stored: the schedule SyncFollowUps
// keeps, the rows CompleteFollowUp writes for the same answers, the scores the scoring engine computes from
// the stored answers; everything that happened is dated before the reference date, everything is flagged
// synthetic, and SurveyService (behind the follow-up routes of the API) reads it.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "clinic/prom_settings.hpp"
#include "core/time.hpp"
#include "registry/prom_answers.hpp"
#include "registry/survey_service.hpp"
#include "scoring/instrument_catalogue.hpp"
#include "scoring/score.hpp"
#include "unit/registry/demo_fixture.hpp"

namespace kneeregen {
namespace {

using testing_demo::Actors;
using testing_demo::MemoryStore;
using testing_demo::PromSnapshot;
using testing_demo::Seed;
using testing_demo::WithoutWriteTimes;

constexpr const char* kReferenceDate = "2026-11-01";

// The rows scoring `answers` stores, as {instrument, version, rule, scale, value}: every scale of the
// instrument, and for KOOS the KOOS-derived WOMAC from the same answers.
std::vector<Json> EngineScores(const std::string& instrument, const Json& answers) {
  const auto& d = *scoring::FindBuiltInInstrument(instrument);
  std::vector<Json> out;
  auto add = [&](const scoring::InstrumentDefinition& def, const Json& items, const std::string& recall) {
    auto response = scoring::ResponseFromJson(def, items, recall);
    EXPECT_TRUE(response.ok()) << def.id << " " << items.dump();
    if (!response.ok()) return;
    auto score = scoring::Score(def, *response);
    EXPECT_TRUE(score.ok());
    if (!score.ok()) return;
    for (const auto& s : score->scales)
      out.push_back({score->instrument_id, score->instrument_version, score->rule, s.scale_id,
                     s.value ? Json(*s.value) : Json()});
  };
  add(d, answers, d.recall_period.empty() ? "week" : "");
  if (instrument == "koos") {
    const auto& womac = *scoring::FindBuiltInInstrument("womac_from_koos");
    Json items = Json::object();
    for (const auto& item : womac.items)
      if (answers.contains(item.id)) items[item.id] = answers[item.id];
    add(womac, items, "");
  }
  return out;
}

Json ScoreKey(const Json& s) {
  return {s["instrument"], s["instrument_version"], s["rule"], s["scale"], s["score"]};
}

// One clinic of 500 patients for the checks against the server's own functions.
class DemoPromRecords : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = MemoryStore().release();
    summary_ = Seed(*store_, 500, 9);
    records_ = new std::map<std::string, std::vector<Json>>(PromSnapshot(*store_, summary_.clinic_id));
  }
  static void TearDownTestSuite() {
    delete records_;
    delete store_;
  }
  static const std::vector<Json>& Records(const std::string& kind) { return records_->at(kind); }

  static Store* store_;
  static DemoSummary summary_;
  static std::map<std::string, std::vector<Json>>* records_;
};

Store* DemoPromRecords::store_ = nullptr;
DemoSummary DemoPromRecords::summary_;
std::map<std::string, std::vector<Json>>* DemoPromRecords::records_ = nullptr;

TEST_F(DemoPromRecords, CountsMatchTheSummary) {
  EXPECT_EQ(static_cast<int64_t>(Records("followups").size()), summary_.followups);
  EXPECT_EQ(static_cast<int64_t>(Records("prom-responses").size()), summary_.prom_responses);
  EXPECT_EQ(static_cast<int64_t>(Records("prom-scores").size()), summary_.prom_scores);
  int64_t completed = 0;
  for (const auto& f : Records("followups")) completed += f["status"] == "completed";
  EXPECT_EQ(completed, summary_.followups_completed);
  // Baseline and eight timepoints per course (DOMAIN.md §8: 6 weeks, 3, 6, 12, 24 months, then yearly to 5).
  EXPECT_EQ(summary_.followups, 9 * summary_.treatment_courses);
}

TEST_F(DemoPromRecords, EveryStoredScoreIsWhatTheScoringEngineComputes) {
  std::map<int64_t, std::vector<Json>> stored;  // response id -> score keys in id order
  for (const auto& s : Records("prom-scores")) stored[s["response_id"].get<int64_t>()].push_back(ScoreKey(s));
  std::map<int64_t, Json> followups;
  for (const auto& f : Records("followups")) followups[f["id"].get<int64_t>()] = f;
  const PromSettings settings = PromSettings::Default();
  std::map<int64_t, std::set<std::string>> instruments;  // follow-up id -> instruments answered
  for (const auto& r : Records("prom-responses")) {
    const Json& f = followups.at(r["followup_id"].get<int64_t>());
    ASSERT_EQ(f["status"], "completed");
    EXPECT_EQ(r["status"], "submitted");
    EXPECT_EQ(r["submitted_at"], f["completed_at"]);
    EXPECT_EQ(r["patient_id"], f["patient_id"]);
    EXPECT_TRUE(r["entered_by_user"].is_null());
    const std::string instrument = r["instrument"];
    EXPECT_EQ(r["instrument_version"], scoring::FindBuiltInInstrument(instrument)->version);
    instruments[f["id"].get<int64_t>()].insert(instrument);
    ASSERT_EQ(stored[r["id"].get<int64_t>()], EngineScores(instrument, r["answers_json"])) << r["id"];
  }
  size_t completed = 0;
  for (const auto& [id, f] : followups) {
    if (f["status"] != "completed") {
      EXPECT_FALSE(instruments.count(id));
      continue;
    }
    ++completed;
    const auto& asked = settings.InstrumentsFor(f["timepoint"].get<std::string>());
    EXPECT_EQ(instruments[id], std::set<std::string>(asked.begin(), asked.end())) << f["timepoint"];
  }
  EXPECT_GT(completed, 1000u);
}

// The rows the server's own CompleteFollowUp stores for the same answers are the demo's rows (ids and
// timestamps aside). Run in a transaction that is rolled back.
TEST_F(DemoPromRecords, StoresWhatCompleteFollowUpStores) {
  std::map<int64_t, std::vector<Json>> responses, scores;
  for (const auto& r : Records("prom-responses")) responses[r["followup_id"].get<int64_t>()].push_back(r);
  for (const auto& s : Records("prom-scores")) scores[s["followup_id"].get<int64_t>()].push_back(s);
  auto comparable = [](Json r) {
    // The server stores what it is sent as real (synthetic = false); the demo flags everything synthetic.
    for (const char* f : {"id", "followup_id", "response_id", "created_at", "updated_at", "submitted_at",
                          "version", "synthetic"})
      r.erase(f);
    return r;
  };
  int checked = 0, by_staff = 0, baselines = 0;
  const Error rollback{ErrorCode::kConflict, "rolled back by the test", {}};
  for (const auto& f : Records("followups")) {
    if (f["status"] != "completed" || checked == 40) continue;
    const int64_t id = f["id"];
    AnswerSet answers;
    for (const auto& r : responses[id])
      answers.answers[r["instrument"].get<std::string>()] = r["answers_json"];
    answers.recall_periods["pain_nrs"] = "week";
    const bool staff = responses[id].front()["entered_by"] == "staff";
    Status status = store_->Write([&](WriteTransaction& tx) -> Status {
      Json copy = f;
      for (const char* field : {"id", "version", "created_at", "updated_at", "synthetic"}) copy.erase(field);
      copy["timepoint"] = "server_check";
      copy["status"] = "scheduled";
      copy["completed_at"] = nullptr;
      const int64_t copy_id = tx.InsertRecord(FollowUpSchema(), summary_.clinic_id, copy, true);
      auto followup = tx.GetRecord(FollowUpSchema(), summary_.clinic_id, copy_id);
      AuditEntry audit{.username = "demo-test",
                       .role = "clinician",
                       .clinic_id = summary_.clinic_id,
                       .action = "survey.paper_form",
                       .object_type = "followups",
                       .object_id = copy_id};
      auto done =
          CompleteFollowUp(tx, summary_.clinic_id, *followup, answers, Entry{.by_staff = staff}, audit);
      EXPECT_TRUE(done.ok());
      auto server_responses =
          AllRecords(tx, PromResponseSchema(), summary_.clinic_id, {{"followup_id", copy_id}});
      auto server_scores = AllRecords(tx, PromScoreSchema(), summary_.clinic_id, {{"followup_id", copy_id}});
      EXPECT_EQ(server_responses.size(), responses[id].size());
      EXPECT_EQ(server_scores.size(), scores[id].size());
      for (size_t i = 0; i < std::min(server_responses.size(), responses[id].size()); ++i)
        EXPECT_EQ(comparable(server_responses[i]), comparable(responses[id][i])) << id;
      for (size_t i = 0; i < std::min(server_scores.size(), scores[id].size()); ++i)
        EXPECT_EQ(comparable(server_scores[i]), comparable(scores[id][i])) << id;
      return rollback;
    });
    EXPECT_EQ(status.error().detail, rollback.detail);
    ++checked;
    by_staff += staff;
    baselines += f["timepoint"] == "baseline";
  }
  EXPECT_EQ(checked, 40);
  EXPECT_GT(baselines, 0);
  EXPECT_LT(baselines, 40);
}

// SyncFollowUps, which the server runs whenever a course's sessions change, finds nothing to change in any
// demo course: the stored schedule is the one it would have stored.
TEST_F(DemoPromRecords, FollowUpsAreTheScheduleTheServerKeeps) {
  const Actor actor = Actors::Clinician(summary_.clinic_id);
  const Error rollback{ErrorCode::kConflict, "rolled back by the test", {}};
  int courses = 0;
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    for (const auto& course : AllRecords(tx, KnownSchema("treatment-courses"), summary_.clinic_id, {})) {
      auto before = AllRecords(tx, FollowUpSchema(), summary_.clinic_id, {{"course_id", course["id"]}});
      EXPECT_TRUE(SyncFollowUps(tx, actor, course["id"]).ok());
      auto after = AllRecords(tx, FollowUpSchema(), summary_.clinic_id, {{"course_id", course["id"]}});
      EXPECT_EQ(WithoutWriteTimes(before), WithoutWriteTimes(after)) << "course " << course["id"];
      EXPECT_EQ(after.size(), 9u);
      ++courses;
    }
    EXPECT_EQ(tx.ListAudit(summary_.clinic_id, 0, 10).size(), 1u) << "SyncFollowUps recorded a change";
    return rollback;
  });
  EXPECT_EQ(status.error().detail, rollback.detail);
  EXPECT_EQ(courses, summary_.treatment_courses);
}

// The same, directly: PlanFollowUps of the stored course's injection dates (performed sessions, planned
// dates for sessions not performed, cancelled ones left out).
TEST_F(DemoPromRecords, FollowUpsArePlanFollowUpsOfTheStoredCourse) {
  std::map<int64_t, std::vector<Json>> followups;
  for (const auto& f : Records("followups")) followups[f["course_id"].get<int64_t>()].push_back(f);
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    std::map<int64_t, std::map<int, std::string>> performed;  // course -> session number -> date
    for (const auto& s : AllRecords(tx, KnownSchema("treatment-sessions"), summary_.clinic_id, {}))
      performed[s["course_id"].get<int64_t>()][s["session_number"].get<int>()] = s["performed_on"];
    for (const auto& course : AllRecords(tx, KnownSchema("treatment-courses"), summary_.clinic_id, {})) {
      const int64_t id = course["id"];
      std::vector<std::chrono::year_month_day> dates;
      for (const auto& s : course["plan"]["sessions"]) {
        if (s["status"] != "planned") continue;
        auto it = performed[id].find(s["number"].get<int>());
        dates.push_back(*ParseDate(it != performed[id].end() ? it->second : s["date"].get<std::string>()));
      }
      auto plan = PlanFollowUps(dates, PromSettings::Default().schedule);
      const auto& stored = followups[id];
      EXPECT_EQ(stored.size(), plan.size());
      for (size_t i = 0; i < std::min(plan.size(), stored.size()); ++i) {
        EXPECT_EQ(stored[i]["timepoint"], plan[i].timepoint);
        EXPECT_EQ(stored[i]["anchor_session"], plan[i].anchor_session);
        EXPECT_EQ(stored[i]["anchor_date"], FormatDate(plan[i].anchor_date));
        EXPECT_EQ(stored[i]["due_on"], FormatDate(plan[i].due));
        EXPECT_EQ(stored[i]["window_opens"], FormatDate(plan[i].window_opens));
        EXPECT_EQ(stored[i]["window_closes"], FormatDate(plan[i].window_closes));
        EXPECT_EQ(stored[i]["knee_id"], course["knee_id"]);
        EXPECT_EQ(stored[i]["patient_id"], course["patient_id"]);
        EXPECT_EQ(stored[i]["status"] == "cancelled", course["status"] == "cancelled");
      }
    }
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
}

TEST_F(DemoPromRecords, WhatHappenedIsDatedBeforeTheReferenceDate) {
  int future_plans = 0;
  for (const auto& f : Records("followups")) {
    EXPECT_LT(f["anchor_date"].get<std::string>(), kReferenceDate);  // injections happened
    if (f["status"] == "completed") {
      const std::string completed = f["completed_at"];
      EXPECT_LT(completed, kReferenceDate);
      EXPECT_GE(completed.substr(0, 10), f["window_opens"].get<std::string>());
      EXPECT_LE(completed.substr(0, 10), f["window_closes"].get<std::string>());
    } else {
      EXPECT_TRUE(f["completed_at"].is_null());
    }
    // The schedule itself reaches past the reference date, as a real clinic's does.
    future_plans += f["window_opens"].get<std::string>() >= kReferenceDate;
    if (f["window_opens"].get<std::string>() >= kReferenceDate) {
      EXPECT_NE(f["status"], "completed");
    }
  }
  EXPECT_GT(future_plans, 0);
  for (const auto& r : Records("prom-responses"))
    EXPECT_LT(r["submitted_at"].get<std::string>(), kReferenceDate);
}

TEST_F(DemoPromRecords, EveryRecordIsFlaggedSynthetic) {
  for (const auto& [kind, records] : *records_)
    for (const auto& r : records) ASSERT_EQ(r["synthetic"], true) << kind << " " << r["id"];
}

// The API reads demo follow-ups through SurveyService (GET /api/v1/followups/{id} and
// /api/v1/treatment-courses/{id}/followups).
TEST_F(DemoPromRecords, SurveyServiceReadsDemoFollowUps) {
  SurveyService service(*store_);
  const Actor actor = Actors::Clinician(summary_.clinic_id);
  const Json* completed = nullptr;
  for (const auto& f : Records("followups"))
    if (f["status"] == "completed" && f["timepoint"] == "12m") completed = &f;
  ASSERT_NE(completed, nullptr);
  auto detail = service.FollowUpDetail(actor, (*completed)["id"]);
  ASSERT_TRUE(detail.ok()) << detail.error().detail;
  EXPECT_EQ((*detail)["state"], "completed");
  EXPECT_EQ((*detail)["responses"].size(), 4u);               // KOOS, pain NRS, Tegner, PGIC
  EXPECT_EQ((*detail)["scores"].size(), 5u + 8 + 1 + 2 + 1);  // KOOS, WOMAC from KOOS, NRS, Tegner, PGIC
  EXPECT_TRUE((*detail)["links"].empty());

  auto course = service.CourseFollowUps(actor, (*completed)["course_id"]);
  ASSERT_TRUE(course.ok()) << course.error().detail;
  ASSERT_EQ((*course)["followups"].size(), 9u);
  std::set<std::string> states;
  for (const auto& f : Records("followups")) {
    auto one = service.FollowUpDetail(actor, f["id"]);
    ASSERT_TRUE(one.ok());
    states.insert((*one)["state"].get<std::string>());
  }
  for (const char* state : {"completed", "missed", "upcoming", "withdrawn", "cancelled"})
    EXPECT_TRUE(states.count(state)) << state;
}

}  // namespace
}  // namespace kneeregen
