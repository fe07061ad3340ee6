// The staff call queue through the real server: a survey still unanswered call_after_days after the email
// invitation opens an entry with the patient's name and phone; calls are logged with their outcome;
// answering, withdrawing and settling outcomes close it; another clinic's entries read as missing.
#include <gtest/gtest.h>

#include "outbox_fixture.hpp"

namespace kneeregen::testing {
namespace {

using ApiCallQueueTest = ApiTest;

// The open entry of `followup` in the clinic's call queue, or null.
Json QueueEntryFor(ApiWorld& w, const Session& session, int64_t followup) {
  HttpReply reply = w.Get("/api/v1/call-queue", &session);
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  const Json body = reply.json();
  for (const auto& entry : body["items"])
    if (entry["followup_id"] == followup) return entry;
  return nullptr;
}

std::string OutcomesPath(int64_t entry) { return "/api/v1/call-queue/" + std::to_string(entry) + "/outcomes"; }

TEST_P(ApiCallQueueTest, AnUnansweredSurveyReachesTheQueueAfterTheLastReminderAndCallsAreLogged) {
  SmtpSink sink;
  auto transport = SinkTransport(sink);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  const std::string address = UniqueAddress(world());
  CourseChain chain = ChainWithEmail(world(), address);
  const int64_t baseline = FollowUpOf(world(), chain, "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(baseline, "/email-invitation"), &coordinator, Json::object()).status, 201);
  const auto t0 = Clock::now();
  for (int day : {0, 3, 7, 9}) RunOutbox(world(), t0 + day * kDay, *transport);
  EXPECT_EQ(MailTo(sink, address).size(), 3u);
  EXPECT_TRUE(QueueEntryFor(world(), coordinator, baseline).is_null()) << "not before call_after_days (10)";

  EXPECT_GE(RunOutbox(world(), t0 + 10 * kDay, *transport).calls_opened, 1);
  Json entry = QueueEntryFor(world(), coordinator, baseline);
  ASSERT_FALSE(entry.is_null());
  EXPECT_EQ(entry["reason"], "no_answer_after_reminders");
  EXPECT_EQ(entry["patient"]["family_name"], "Okafor");
  EXPECT_FALSE(entry["patient"]["phone"].is_null()) << "staff need the number to call";
  EXPECT_EQ(entry["followup"]["timepoint"], "baseline");
  const int64_t id = entry["id"];

  HttpReply no_answer = world().Post(OutcomesPath(id), &coordinator, Json{{"outcome", "no_answer"}});
  ASSERT_EQ(no_answer.status, 201) << no_answer.Describe();
  EXPECT_EQ(no_answer.json()["entry"]["status"], "open");
  HttpReply left = world().Post(OutcomesPath(id), &world().SessionFor(Role::kClinician),
                                Json{{"outcome", "left_message"}, {"note", "Voicemail, will try Thursday"}});
  ASSERT_EQ(left.status, 201) << left.Describe();
  HttpReply bad = world().Post(OutcomesPath(id), &coordinator, Json{{"outcome", "shouted"}});
  ExpectProblem(bad, 400, "validation_failed");
  EXPECT_EQ(bad.error_fields(), std::set<std::string>{"outcome"});
  ExpectProblem(world().Post(OutcomesPath(id), &coordinator, Json{{"outcome", "no_answer"}, {"caller", "me"}}), 400,
                "validation_failed");

  Json listed = QueueEntryFor(world(), coordinator, baseline);
  ASSERT_EQ(listed["calls"].size(), 2u);
  EXPECT_EQ(listed["calls"][0]["outcome"], "no_answer");
  EXPECT_EQ(listed["calls"][0]["called_by"], coordinator.who.user_id);
  EXPECT_EQ(listed["calls"][1]["note"], "Voicemail, will try Thursday");

  // Answers given on the phone are typed in as a paper form, which completes the follow-up and closes the entry.
  HttpReply by_phone = world().Post(OutcomesPath(id), &coordinator, Json{{"outcome", "reached_answered_by_phone"}});
  ASSERT_EQ(by_phone.status, 201);
  EXPECT_NE(by_phone.json()["next_step"].get<std::string>().find("/paper-form"), std::string::npos);
  HttpReply paper = world().Post(FollowUpPath(baseline, "/paper-form"), &coordinator,
                                 Json{{"answers", {{"koos", {{"P1", 1}}}, {"pain_nrs", {{"pain", 3}}}, {"tegner", Json::object()}}}});
  ASSERT_EQ(paper.status, 201) << paper.Describe();
  EXPECT_TRUE(QueueEntryFor(world(), coordinator, baseline).is_null());
  Json closed = MessagesOf(world(), baseline)["call_queue"][0];
  EXPECT_EQ(closed["status"], "closed");
  EXPECT_EQ(closed["closed_reason"], "completed");
  EXPECT_EQ(closed["calls"].size(), 3u);
  ExpectProblem(world().Post(OutcomesPath(id), &coordinator, Json{{"outcome", "no_answer"}}), 409, "conflict");
}

TEST_P(ApiCallQueueTest, APatientWithoutEmailIsCalledInsteadAndMayWithdrawOnThePhone) {
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  CourseChain chain = ChainWithEmail(world(), "");
  const int64_t baseline = FollowUpOf(world(), chain, "baseline");
  HttpReply invited = world().Post(FollowUpPath(baseline, "/email-invitation"), &coordinator, Json::object());
  ASSERT_EQ(invited.status, 201) << invited.Describe();
  EXPECT_TRUE(invited.json()["messages"].empty()) << "no email address, no messages";
  EXPECT_EQ(invited.json()["call_queue"]["status"], "open");
  EXPECT_EQ(invited.json()["call_queue"]["reason"], "no_email_address");
  Json entry = QueueEntryFor(world(), coordinator, baseline);
  ASSERT_FALSE(entry.is_null());

  HttpReply withdrew = world().Post(OutcomesPath(entry["id"]), &coordinator, Json{{"outcome", "withdrew"}});
  ASSERT_EQ(withdrew.status, 201) << withdrew.Describe();
  EXPECT_EQ(withdrew.json()["entry"]["status"], "closed");
  EXPECT_EQ(withdrew.json()["entry"]["closed_reason"], "withdrawn");
  HttpReply followups = world().Get(RecordPath("treatment-courses", chain.course) + "/followups", &coordinator);
  const Json schedule = followups.json();
  for (const auto& f : schedule["followups"]) EXPECT_EQ(f["state"], "withdrawn") << f.dump();
}

TEST_P(ApiCallQueueTest, SettlingOutcomesCloseTheEntryAndAnotherClinicsEntriesReadAsMissing) {
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  const int64_t own = FollowUpOf(world(), ChainWithEmail(world(), ""), "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(own, "/email-invitation"), &coordinator, Json::object()).status, 201);
  const int64_t own_entry = QueueEntryFor(world(), coordinator, own)["id"];

  // The other clinic's entry, made by its own staff.
  CourseChain foreign = ChainWithEmail(world(), "", world().foreign().clinic_id);
  const int64_t foreign_followup = FollowUpOf(world(), foreign, "baseline");
  auto invited = world().services().outbox.InviteByEmail(ApiWorld::Operator(foreign.clinic_id), foreign_followup,
                                                          "https://foreign.example");
  ASSERT_TRUE(invited.ok());
  const int64_t foreign_entry = (*invited)["call_queue"]["id"];
  ExpectProblem(world().Post(OutcomesPath(foreign_entry), &coordinator, Json{{"outcome", "no_answer"}}), 404, "not_found");
  HttpReply listed = world().Get("/api/v1/call-queue", &coordinator);
  const Json items = listed.json()["items"];
  for (const auto& e : items) EXPECT_NE(e["id"], foreign_entry) << "another clinic's entry listed";
  ExpectProblem(world().Get("/api/v1/call-queue", &world().SessionFor(Role::kResearcher)), 403, "forbidden");

  HttpReply declined = world().Post(OutcomesPath(own_entry), &coordinator, Json{{"outcome", "declined"}});
  ASSERT_EQ(declined.status, 201);
  EXPECT_EQ(declined.json()["entry"]["closed_reason"], "declined");
  EXPECT_TRUE(QueueEntryFor(world(), coordinator, own).is_null());
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiCallQueueTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
