// PROM follow-up through the real server: a schedule that follows the course's injection dates, survey
// links that move into a cookie, take one submission under a race and fail alike in every bad state,
// answers saved and resumed, scores stored with their instrument version and rule, paper forms flagged
// staff-entered, and withdrawal.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.hpp"
#include "course_fixture.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen::testing {
namespace {

using ApiPromsTest = ApiTest;

Json FollowUps(ApiWorld& w, int64_t course) {
  HttpReply reply = w.Get(RecordPath("treatment-courses", course) + "/followups", &w.SessionFor(Role::kCoordinator));
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  return reply.json()["followups"];
}

Json ByTimepoint(const Json& followups, const std::string& timepoint) {
  for (const auto& f : followups)
    if (f["timepoint"] == timepoint) return f;
  ADD_FAILURE() << "no follow-up " << timepoint << " in " << followups.dump();
  return Json::object();
}

std::string SurveyCookie(const std::string& token) { return std::string("__Host-kneeregen_survey=") + token; }

HttpReply SurveyCall(ApiWorld& w, const std::string& method, const std::string& path, const std::string& token,
                     std::optional<Json> body = std::nullopt, bool burst = false) {
  HttpCall call{.method = method, .path = path, .headers = {{"Cookie", SurveyCookie(token)}},
                .tolerate_no_response = burst};
  if (body) call.body = body->dump();
  return w.Call(call);
}

// A link for follow-up `followup`; returns the token.
std::string Invite(ApiWorld& w, int64_t followup) {
  HttpReply invited = w.Post("/api/v1/followups/" + std::to_string(followup) + "/invitations",
                             &w.SessionFor(Role::kCoordinator), Json::object());
  EXPECT_EQ(invited.status, 201) << invited.Describe();
  return invited.json().value("token", "");
}

// DOMAIN.md §1.3: pain 2,1,1,2,0,1,2,1,1 scores 69.44; QOL 3,3,2,4 scores 25.
Json KoosAnswers() {
  Json koos = {{"P1", 2}, {"P2", 1}, {"P3", 1}, {"P4", 2}, {"P5", 0}, {"P6", 1}, {"P7", 2}, {"P8", 1}, {"P9", 1},
               {"Q1", 3}, {"Q2", 3}, {"Q3", 2}, {"Q4", 4}};
  return koos;
}

TEST_P(ApiPromsTest, TheScheduleFollowsTheFirstInjectionAndMovesWithIt) {
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  Json followups = FollowUps(world(), chain.course);
  ASSERT_EQ(followups.size(), 9u);  // baseline, 6 weeks, 3, 6, 12, 24 months, then yearly to 5 years
  Json baseline = ByTimepoint(followups, "baseline");
  EXPECT_EQ(baseline["due_on"], Today());
  EXPECT_EQ(baseline["window_opens"], DaysFromToday(-30));
  EXPECT_EQ(baseline["window_closes"], Today());
  EXPECT_EQ(baseline["state"], "open");
  Json six_weeks = ByTimepoint(followups, "6w");
  EXPECT_EQ(six_weeks["due_on"], DaysFromToday(42));
  EXPECT_EQ(six_weeks["window_opens"], DaysFromToday(28));
  EXPECT_EQ(six_weeks["state"], "upcoming");

  // Moving the first session moves everything anchored to it.
  HttpReply moved = world().Post(RecordPath("treatment-courses", chain.course) + "/replan",
                                 &world().SessionFor(Role::kClinician), Json{{"session", 1}, {"move_to", DaysFromToday(10)}});
  ASSERT_EQ(moved.status, 200) << moved.Describe();
  followups = FollowUps(world(), chain.course);
  EXPECT_EQ(ByTimepoint(followups, "baseline")["due_on"], DaysFromToday(10));
  EXPECT_EQ(ByTimepoint(followups, "6w")["due_on"], DaysFromToday(52));
  EXPECT_EQ(ByTimepoint(followups, "6w")["id"], six_weeks["id"]);  // the same follow-up, re-planned

  // The session performed today re-anchors the schedule on the day it really happened.
  world().CreateRecord(chain.clinic_id, "treatment-sessions",
                       Json{{"course_id", chain.course}, {"session_number", 1}, {"performed_on", Today()},
                            {"practitioner_id", world().own().id("practitioners")}, {"product_lot", "LOT-F1"}});
  followups = FollowUps(world(), chain.course);
  EXPECT_EQ(ByTimepoint(followups, "6w")["due_on"], DaysFromToday(42));

  // Cancelling the course cancels what is not yet answered.
  ASSERT_EQ(world().Patch(RecordPath("treatment-courses", chain.course), &world().SessionFor(Role::kClinician),
                          Json{{"status", "cancelled"}}).status, 200);
  for (const auto& f : FollowUps(world(), chain.course)) EXPECT_EQ(f["state"], "cancelled") << f.dump();
}

TEST_P(ApiPromsTest, ASurveyLinkMovesIntoACookieSavesAnswersAndIsScoredOnSubmission) {
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  const int64_t baseline = ByTimepoint(FollowUps(world(), chain.course), "baseline")["id"];
  const std::string token = Invite(world(), baseline);
  ASSERT_EQ(token.size(), 43u);

  HttpReply opened = world().Call(HttpCall{.path = "/survey?t=" + token});
  ASSERT_EQ(opened.status, 303) << opened.Describe();
  EXPECT_EQ(opened.Header("Location"), "/survey/form");
  const std::string cookie = opened.Header("Set-Cookie");
  EXPECT_EQ(cookie.rfind(SurveyCookie(token) + ";", 0), 0u) << cookie;
  for (const char* attribute : {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"})
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute;
  EXPECT_EQ(opened.Header("Referrer-Policy"), "no-referrer");

  HttpReply questionnaire = SurveyCall(world(), "GET", "/api/v1/survey", token);
  ASSERT_EQ(questionnaire.status, 200) << questionnaire.Describe();
  Json q = questionnaire.json();
  EXPECT_EQ(q["timepoint"], "baseline");
  std::set<std::string> instruments;
  for (const auto& i : q["instruments"]) instruments.insert(i["id"].get<std::string>());
  EXPECT_EQ(instruments, (std::set<std::string>{"koos", "pain_nrs", "tegner"}));
  EXPECT_EQ(q.dump().find("Okafor"), std::string::npos) << "the questionnaire names nobody";

  // Part now, the rest later.
  Json first_half = {{"answers", {{"koos", {{"P1", 2}, {"P2", 1}, {"P3", 1}, {"P4", 2}}}}}};
  ASSERT_EQ(SurveyCall(world(), "PATCH", "/api/v1/survey/answers", token, first_half).status, 200);
  Json resumed = SurveyCall(world(), "GET", "/api/v1/survey", token).json();
  for (const auto& i : resumed["instruments"])
    if (i["id"] == "koos") EXPECT_EQ(i["answers"]["P4"], 2);

  Json rest = {{"answers", {{"koos", KoosAnswers()}, {"pain_nrs", {{"pain", 6}}}, {"tegner", {{"current", 3}}}}},
               {"recall_periods", {{"pain_nrs", "week"}}}};
  HttpReply submitted = SurveyCall(world(), "POST", "/api/v1/survey/submit", token, rest);
  ASSERT_EQ(submitted.status, 201) << submitted.Describe();
  Json scores = submitted.json()["scores"];
  EXPECT_NEAR(scores["koos"]["pain"].get<double>(), 69.4444, 1e-4);
  EXPECT_DOUBLE_EQ(scores["koos"]["qol"].get<double>(), 25.0);
  EXPECT_TRUE(scores["koos"]["symptoms"].is_null()) << "unanswered subscales stay empty, never 0";
  EXPECT_EQ(scores["womac_from_koos"]["pain"], 5);  // P5..P9 = 0,1,2,1,1
  EXPECT_EQ(scores["pain_nrs"]["pain"], 6);

  Json detail = world().Get("/api/v1/followups/" + std::to_string(baseline), &world().SessionFor(Role::kClinician)).json();
  EXPECT_EQ(detail["state"], "completed");
  EXPECT_EQ(detail.dump().find(Sha256Hex(token)), std::string::npos) << "token hashes stay inside";
  bool found_pain = false;
  for (const auto& s : detail["scores"]) {
    // Every score names the period its answers covered: the one the patient chose for the NRS.
    if (s["instrument"] == "pain_nrs") EXPECT_EQ(s["recall_period"], "week") << s.dump();
    if (s["instrument"] == "koos") EXPECT_EQ(s["recall_period"], "last week") << s.dump();
    if (s["instrument"] != "koos" || s["scale"] != "pain") continue;
    found_pain = true;
    EXPECT_EQ(s["rule"], "2012");
    EXPECT_FALSE(s["instrument_version"].get<std::string>().empty());
    EXPECT_FALSE(s["response_id"].is_null());
  }
  EXPECT_TRUE(found_pain);
  for (const auto& r : detail["responses"]) {
    EXPECT_EQ(r["status"], "submitted");
    EXPECT_EQ(r["entered_by"], "patient");
  }
  // Only the hash is stored.
  auto status = world().store().Read([&](ReadTransaction& tx) -> Status {
    for (const auto& link : AllRecords(tx, SurveyInvitationSchema(), chain.clinic_id, {{"followup_id", baseline}})) {
      EXPECT_EQ(link.dump().find(token), std::string::npos);
      EXPECT_EQ(link["token_hash"], Sha256Hex(token));
    }
    return Ok{};
  });
  ASSERT_TRUE(status.ok());

  ExpectProblem(SurveyCall(world(), "POST", "/api/v1/survey/submit", token, rest), 409, "conflict");
}

TEST_P(ApiPromsTest, EveryBadLinkLooksTheSameAndBadAnswersStoreNothing) {
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  Json followups = FollowUps(world(), chain.course);
  const int64_t baseline = ByTimepoint(followups, "baseline")["id"];
  const int64_t three_months = ByTimepoint(followups, "3m")["id"];

  HttpReply unknown = SurveyCall(world(), "GET", "/api/v1/survey", RandomToken());
  ExpectProblem(unknown, 404, "not_found");
  const std::string revoked_token = Invite(world(), baseline);
  const std::string token = Invite(world(), baseline);  // revokes the first
  ExpectProblem(SurveyCall(world(), "GET", "/api/v1/survey", revoked_token), 404, "not_found");
  EXPECT_EQ(SurveyCall(world(), "GET", "/api/v1/survey", revoked_token).without_request_id(), unknown.without_request_id());
  EXPECT_EQ(SurveyCall(world(), "GET", "/api/v1/survey", "short").without_request_id(), unknown.without_request_id());
  HttpReply page = world().Call(HttpCall{.path = "/survey?t=" + revoked_token});
  EXPECT_EQ(page.status, 404);
  EXPECT_EQ(page.body, world().Call(HttpCall{.path = "/survey?t=nonsense"}).body);

  // An expired link.
  const std::string expiring = Invite(world(), three_months);
  auto expire = world().store().Write([&](WriteTransaction& tx) -> Status {
    auto link = *tx.FindSurveyInvitation(Sha256Hex(expiring));
    auto stored = *tx.GetRecord(SurveyInvitationSchema(), link.first, link.second);
    tx.UpdateRecord(SurveyInvitationSchema(), link.first, link.second, Json{{"expires_at", "2026-01-01T00:00:00.000Z"}},
                    stored["version"]);
    return Ok{};
  });
  ASSERT_TRUE(expire.ok());
  EXPECT_EQ(SurveyCall(world(), "GET", "/api/v1/survey", expiring).without_request_id(), unknown.without_request_id());

  auto count_responses = [&] {
    int64_t n = 0;
    auto read = world().store().Read([&](ReadTransaction& tx) -> Status {
      n = static_cast<int64_t>(AllRecords(tx, PromResponseSchema(), chain.clinic_id, {{"followup_id", baseline}}).size());
      return Ok{};
    });
    EXPECT_TRUE(read.ok());
    return n;
  };
  auto refused = [&](const Json& body, const std::string& field) {
    HttpReply reply = SurveyCall(world(), "POST", "/api/v1/survey/submit", token, body);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_TRUE(reply.error_fields().count(field)) << reply.Describe();
  };
  refused(Json{{"answers", {{"koos", {{"P1", 5}}}}}}, "answers/koos/P1");
  refused(Json{{"answers", {{"koos", {{"P1", "two"}}}}}}, "answers/koos/P1");
  refused(Json{{"answers", {{"koos", {{"P99", 1}}}}}}, "answers/koos/P99");
  refused(Json{{"answers", {{"pgic", {{"pgic", 2}}}}}}, "answers/pgic");  // not asked at baseline
  refused(Json{{"answers", {{"koos", {{"P1", 1}}}}}, {"patient_id", world().own().id("patients")}}, "patient_id");
  refused(Json{{"answers", Json::object()}}, "answers");  // nothing answered at all
  EXPECT_EQ(count_responses(), 0);
  ASSERT_EQ(SurveyCall(world(), "POST", "/api/v1/survey/submit", token, Json{{"answers", {{"koos", KoosAnswers()}}}}).status,
            201);
}

TEST_P(ApiPromsTest, TwentyParallelSubmissionsOfOneLinkStoreExactlyOneResponse) {
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  const int64_t baseline = ByTimepoint(FollowUps(world(), chain.course), "baseline")["id"];
  const std::string token = Invite(world(), baseline);
  const Json body = {{"answers", {{"koos", KoosAnswers()}, {"pain_nrs", {{"pain", 5}}}}}};
  std::atomic<int> accepted{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      // Debian's httplib listens with a backlog of 5: a burst of 20 connects can see a reset before the
      // request is read. A client retries those; the request never reached the server.
      HttpReply reply;
      for (int attempt = 0; attempt < 5 && reply.status == 0; ++attempt)
        reply = SurveyCall(world(), "POST", "/api/v1/survey/submit", token, body, true);
      if (reply.status == 201) ++accepted;
      else if (reply.status == 409) ++conflicts;
      else {
        ++other;
        ADD_FAILURE() << reply.Describe();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(conflicts.load(), 19);
  EXPECT_EQ(other.load(), 0);
  auto status = world().store().Read([&](ReadTransaction& tx) -> Status {
    auto responses = AllRecords(tx, PromResponseSchema(), chain.clinic_id, {{"followup_id", baseline}});
    EXPECT_EQ(responses.size(), 2u);  // one per instrument answered, once
    auto scores = AllRecords(tx, PromScoreSchema(), chain.clinic_id, {{"followup_id", baseline}});
    std::set<std::tuple<int64_t, std::string, std::string>> unique;
    for (const auto& s : scores)
      unique.insert({s["response_id"].get<int64_t>(), s["instrument"].get<std::string>(), s["scale"].get<std::string>()});
    EXPECT_EQ(unique.size(), scores.size());
    int submitted_events = 0;
    for (const auto& e : tx.ListAudit(chain.clinic_id, 0, 100000))
      submitted_events += e.action == "survey.submitted" && e.object_id == baseline;
    EXPECT_EQ(submitted_events, 1);
    return Ok{};
  });
  ASSERT_TRUE(status.ok());
}

TEST_P(ApiPromsTest, StaffEnterPaperFormsAndWithdrawalEndsFollowUp) {
  CourseChain chain = NewChain(world(), ChainDepth::kConsented);
  Json followups = FollowUps(world(), chain.course);
  const int64_t baseline = ByTimepoint(followups, "baseline")["id"];
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  const std::string paper = "/api/v1/followups/" + std::to_string(baseline) + "/paper-form";
  HttpReply incomplete = world().Post(paper, &coordinator, Json{{"answers", {{"koos", KoosAnswers()}}}});
  ExpectProblem(incomplete, 400, "validation_failed");  // a paper form lists every instrument, blank or not
  HttpReply entered = world().Post(paper, &coordinator,
                                   Json{{"answers", {{"koos", KoosAnswers()}, {"pain_nrs", Json::object()},
                                                     {"tegner", {{"current", 2}}}}}});
  ASSERT_EQ(entered.status, 201) << entered.Describe();
  EXPECT_EQ(entered.json()["entered_by"], "staff");
  Json detail = world().Get("/api/v1/followups/" + std::to_string(baseline), &coordinator).json();
  for (const auto& r : detail["responses"]) {
    EXPECT_EQ(r["entered_by"], "staff");
    EXPECT_EQ(r["entered_by_user"], coordinator.who.user_id);
  }
  ExpectProblem(world().Post(paper, &coordinator, Json{{"answers", {{"koos", KoosAnswers()}}}}), 409, "conflict");

  const int64_t six_weeks = ByTimepoint(followups, "6w")["id"];
  const std::string token = Invite(world(), six_weeks);
  HttpReply withdrawn = world().Post(RecordPath("treatment-courses", chain.course) + "/withdraw-follow-up",
                                     &coordinator, Json{{"reason", "No longer wishes to be contacted"}});
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.Describe();
  EXPECT_EQ(withdrawn.json()["withdrawn"], 8);
  for (const auto& f : FollowUps(world(), chain.course))
    EXPECT_EQ(f["state"], f["timepoint"] == "baseline" ? "completed" : "withdrawn");
  ExpectProblem(SurveyCall(world(), "GET", "/api/v1/survey", token), 404, "not_found");
  ExpectProblem(world().Post("/api/v1/followups/" + std::to_string(six_weeks) + "/invitations", &coordinator,
                             Json::object()),
                409, "conflict");
  // Another clinic's follow-up reads as missing.
  CourseChain foreign = NewChain(world(), ChainDepth::kCourse, world().foreign().clinic_id);
  ExpectProblem(world().Get(RecordPath("treatment-courses", foreign.course) + "/followups", &coordinator), 404,
                "not_found");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiPromsTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
