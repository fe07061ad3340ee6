// Survey emails through the real server and a real SMTP sink: an invitation and reminders on the clinic's
// cadence, and the guarantee that no reminder leaves after the survey was completed or the patient
// withdrew, including while a reminder is being sent; messages that carry a link and no health
// information; retries of a failing mail server that lose nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>

#include "core/crypto.hpp"
#include "outbox_fixture.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_messages.hpp"

namespace kneeregen::testing {
namespace {

using ApiOutboxTest = ApiTest;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The rule for what an email may say: exactly the fixed wording with the clinic's name and the link, so in
// particular none of the words below, which would tell a reader something about the patient's health or
// identity.
void ExpectNoHealthInformation(const ReceivedMail& mail, MessageKind kind, const std::string& clinic) {
  const std::string link = SurveyLink("http://127.0.0.1:8080", TokenIn(mail));
  MessageText expected = SurveyMessageText(kind, clinic, link);
  EXPECT_EQ(mail.Body(), expected.body);
  EXPECT_EQ(mail.Header("Subject"), expected.subject);
  std::string text = Lower(mail.Header("Subject") + "\n" + mail.Body());
  for (const std::string& part : {Lower(clinic), Lower(link)})
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part)) text.erase(at, part.size());
  for (const char* word : {"knee", "koos", "pain", "score", "bone", "marrow", "bmc", "stem", "cell", "inject",
                           "arthritis", "cartilage", "baseline", "week", "month", "maria", "okafor", "mrn", "crs-"})
    EXPECT_EQ(text.find(word), std::string::npos) << "the email says '" << word << "':\n" << text;
}

TEST_P(ApiOutboxTest, ASurveyCompletedBetweenTwoRemindersStopsEveryLaterReminder) {
  SmtpSink sink;
  auto transport = SinkTransport(sink);
  const std::string address = UniqueAddress(world());
  CourseChain chain = ChainWithEmail(world(), address);
  const int64_t baseline = FollowUpOf(world(), chain, "baseline");

  HttpReply invited = world().Post(FollowUpPath(baseline, "/email-invitation"), &world().SessionFor(Role::kCoordinator),
                                   Json::object());
  ASSERT_EQ(invited.status, 201) << invited.Describe();
  const auto t0 = Clock::now();
  Json queued = invited.json()["messages"];
  ASSERT_EQ(queued.size(), 3u);  // the invitation and the default reminders on days 3 and 7
  EXPECT_EQ(queued[0]["kind"], "invitation");
  EXPECT_EQ(queued[1]["kind"], "reminder");
  EXPECT_EQ(queued[2]["kind"], "reminder");
  EXPECT_EQ(invited.json()["call_queue"]["status"], "waiting");

  EXPECT_EQ(RunOutbox(world(), t0, *transport).sent, 1);
  ASSERT_EQ(MailTo(sink, address).size(), 1u);
  const ReceivedMail invitation = MailTo(sink, address)[0];
  EXPECT_EQ(invitation.mail_from, "clinic@example.org");
  ExpectNoHealthInformation(invitation, MessageKind::kInvitation, "Own Knee Clinic");

  RunOutbox(world(), t0 + kDay, *transport);
  EXPECT_EQ(MailTo(sink, address).size(), 1u) << "nothing is due on day 1";
  RunOutbox(world(), t0 + 3 * kDay, *transport);
  ASSERT_EQ(MailTo(sink, address).size(), 2u) << "the first reminder leaves on day 3";
  const ReceivedMail reminder = MailTo(sink, address)[1];
  ExpectNoHealthInformation(reminder, MessageKind::kReminder, "Own Knee Clinic");
  EXPECT_NE(TokenIn(reminder), TokenIn(invitation)) << "each email carries a link of its own";

  // The patient answers through the first email's link, between the two reminders.
  HttpReply submitted = SubmitSurvey(world(), TokenIn(invitation));
  ASSERT_EQ(submitted.status, 201) << submitted.Describe();

  RunOutbox(world(), t0 + 7 * kDay, *transport);
  RunOutbox(world(), t0 + 20 * kDay, *transport);
  EXPECT_EQ(MailTo(sink, address).size(), 2u) << "no reminder after the survey was completed";
  Json after = MessagesOf(world(), baseline);
  ASSERT_EQ(after["messages"].size(), 3u);
  EXPECT_EQ(after["messages"][0]["status"], "sent");
  EXPECT_EQ(after["messages"][1]["status"], "sent");
  EXPECT_EQ(after["messages"][2]["status"], "cancelled");
  EXPECT_EQ(after["messages"][2]["cancel_reason"], "completed");
  EXPECT_TRUE(after["messages"][2]["sent_at"].is_null());
  ASSERT_EQ(after["call_queue"].size(), 1u);
  EXPECT_EQ(after["call_queue"][0]["status"], "closed");
  EXPECT_TRUE(after["call_queue"][0]["opened_at"].is_null()) << "an answered survey never reaches the call queue";
  // The reminder's own link died with the completed follow-up.
  EXPECT_EQ(SubmitSurvey(world(), TokenIn(reminder)).status, 404);

  // Staff see kinds and times, never the address, the wording with its link, or a token; and the stored
  // rows hold no raw token either (RELIABILITY.md A7): links are made as the emails leave.
  const std::string staff_view = after.dump();
  for (const std::string& secret : {TokenIn(invitation), TokenIn(reminder), address, std::string("survey?t=")})
    EXPECT_EQ(staff_view.find(secret), std::string::npos) << secret;
  auto read = world().store().Read([&](ReadTransaction& tx) -> Status {
    for (const auto& m : AllRecords(tx, OutboxMessageSchema(), chain.clinic_id, {{"followup_id", baseline}})) {
      EXPECT_EQ(m.dump().find(TokenIn(invitation)), std::string::npos);
      EXPECT_EQ(m.dump().find(TokenIn(reminder)), std::string::npos);
      EXPECT_NE(m["body"].get<std::string>().find(kSurveyTokenPlaceholder), std::string::npos);
    }
    return Ok{};
  });
  ASSERT_TRUE(read.ok());
}

TEST_P(ApiOutboxTest, WithdrawalAndCourseCancellationCancelWhatIsQueued) {
  SmtpSink sink;
  auto transport = SinkTransport(sink);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);

  const std::string withdrawing = UniqueAddress(world());
  CourseChain first = ChainWithEmail(world(), withdrawing);
  const int64_t first_baseline = FollowUpOf(world(), first, "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(first_baseline, "/email-invitation"), &coordinator, Json::object()).status, 201);
  const auto t0 = Clock::now();
  RunOutbox(world(), t0, *transport);
  ASSERT_EQ(MailTo(sink, withdrawing).size(), 1u);
  ASSERT_EQ(world().Post(RecordPath("treatment-courses", first.course) + "/withdraw-follow-up", &coordinator,
                         Json{{"reason", "Asked not to be contacted"}}).status, 200);

  const std::string cancelling = UniqueAddress(world());
  CourseChain second = ChainWithEmail(world(), cancelling);
  const int64_t second_baseline = FollowUpOf(world(), second, "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(second_baseline, "/email-invitation"), &coordinator, Json::object()).status, 201);
  ASSERT_EQ(world().Patch(RecordPath("treatment-courses", second.course), &world().SessionFor(Role::kClinician),
                          Json{{"status", "cancelled"}}).status, 200);

  for (int day : {3, 7, 10, 30}) RunOutbox(world(), t0 + day * kDay, *transport);
  EXPECT_EQ(MailTo(sink, withdrawing).size(), 1u) << "nothing after the withdrawal";
  EXPECT_EQ(MailTo(sink, cancelling).size(), 0u) << "nothing for a cancelled course";
  for (auto [followup, reason] : {std::pair{first_baseline, "withdrawn"}, std::pair{second_baseline, "cancelled"}}) {
    Json seen = MessagesOf(world(), followup);
    for (const auto& m : seen["messages"]) {
      if (m["status"] != "sent") {
        EXPECT_EQ(m["cancel_reason"], reason) << m.dump();
      }
    }
    for (const auto& c : seen["call_queue"]) {
      EXPECT_EQ(c["status"], "closed");
      EXPECT_EQ(c["closed_reason"], reason);
    }
  }
  EXPECT_EQ(SubmitSurvey(world(), TokenIn(MailTo(sink, withdrawing)[0])).status, 404);
  ExpectProblem(world().Post(FollowUpPath(first_baseline, "/email-invitation"), &coordinator, Json::object()), 409,
                "conflict");
}

TEST_P(ApiOutboxTest, AFailingMailServerIsRetriedWithBackoffAndNothingIsLost) {
  SmtpSink sink;
  auto transport = SinkTransport(sink);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);

  // Two refusals, then the server takes the message: sent on the third attempt.
  const std::string flaky = UniqueAddress(world());
  const int64_t recovered = FollowUpOf(world(), ChainWithEmail(world(), flaky), "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(recovered, "/email-invitation"), &coordinator, Json::object()).status, 201);
  const auto t0 = Clock::now();
  sink.RefuseNext(2, flaky);
  EXPECT_EQ(RunOutbox(world(), t0, *transport).retrying, 1);
  Json invitation = MessagesOf(world(), recovered)["messages"][0];
  EXPECT_EQ(invitation["status"], "queued");
  EXPECT_EQ(invitation["attempts"], 1);
  EXPECT_NE(invitation["last_error"].get<std::string>().find("451"), std::string::npos) << invitation.dump();
  EXPECT_EQ(invitation["last_error"].get<std::string>().find('@'), std::string::npos) << "no address in the error";
  RunOutbox(world(), t0 + std::chrono::minutes{4}, *transport);
  EXPECT_EQ(MessagesOf(world(), recovered)["messages"][0]["attempts"], 1) << "not retried before its delay";
  RunOutbox(world(), t0 + std::chrono::minutes{5}, *transport);   // second attempt, refused: next in 10 minutes
  RunOutbox(world(), t0 + std::chrono::minutes{15}, *transport);  // third attempt
  invitation = MessagesOf(world(), recovered)["messages"][0];
  EXPECT_EQ(invitation["status"], "sent");
  EXPECT_EQ(invitation["attempts"], 3);
  EXPECT_TRUE(invitation["last_error"].is_null());
  ASSERT_EQ(MailTo(sink, flaky).size(), 1u);
  EXPECT_EQ(SubmitSurvey(world(), TokenIn(MailTo(sink, flaky)[0])).status, 201) << "the delivered link works";

  // A server that never takes it: five attempts, then failed with the error kept and a call opened.
  const std::string dead = UniqueAddress(world());
  const int64_t failing = FollowUpOf(world(), ChainWithEmail(world(), dead), "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(failing, "/email-invitation"), &coordinator, Json::object()).status, 201);
  const auto t1 = Clock::now();
  sink.RefuseNext(100, dead);
  for (int minutes : {0, 5, 15, 35, 75}) RunOutbox(world(), t1 + std::chrono::minutes{minutes}, *transport);
  Json seen = MessagesOf(world(), failing);
  EXPECT_EQ(seen["messages"][0]["status"], "failed");
  EXPECT_EQ(seen["messages"][0]["attempts"], 5);
  EXPECT_FALSE(seen["messages"][0]["last_error"].get<std::string>().empty());
  EXPECT_EQ(MailTo(sink, dead).size(), 0u);
  bool called = false;
  for (const auto& c : seen["call_queue"]) called = called || (c["status"] == "open" && c["reason"] == "email_failed");
  EXPECT_TRUE(called) << "an invitation that never arrived goes to the call queue: " << seen.dump();
  // No link made for an attempt that failed stays usable.
  auto read = world().store().Read([&](ReadTransaction& tx) -> Status {
    for (const auto& link : AllRecords(tx, SurveyInvitationSchema(), world().own().clinic_id, {{"followup_id", failing}}))
      EXPECT_FALSE(link["revoked_at"].is_null()) << link.dump();
    return Ok{};
  });
  ASSERT_TRUE(read.ok());
}

// Hands messages to `inner`, except that a message to `address` waits, once armed, until released.
class BlockingTransport : public MailTransport {
 public:
  BlockingTransport(MailTransport& inner, std::string address) : inner_(inner), address_(std::move(address)) {}
  Status Send(const MailMessage& message) override {
    if (message.to == address_ && armed_.exchange(false)) {
      entered_.set_value();
      release_.get_future().wait();
    }
    Status sent = inner_.Send(message);
    if (message.to == address_) left_at_ = std::chrono::steady_clock::now();
    return sent;
  }
  void Arm() { armed_ = true; }
  std::future<void> Entered() { return entered_.get_future(); }
  void Release() { release_.set_value(); }
  std::chrono::steady_clock::time_point left_at() const { return left_at_; }

 private:
  MailTransport& inner_;
  std::string address_;
  std::atomic<bool> armed_{false};
  std::promise<void> entered_;
  std::promise<void> release_;
  std::chrono::steady_clock::time_point left_at_;
};

TEST_P(ApiOutboxTest, ASubmissionWhileItsReminderIsBeingSentWaitsUntilTheReminderLeft) {
  SmtpSink sink;
  auto smtp = SinkTransport(sink);
  const std::string address = UniqueAddress(world());
  const int64_t baseline = FollowUpOf(world(), ChainWithEmail(world(), address), "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(baseline, "/email-invitation"), &world().SessionFor(Role::kCoordinator),
                         Json::object()).status, 201);
  const auto t0 = Clock::now();
  RunOutbox(world(), t0, *smtp);
  ASSERT_EQ(MailTo(sink, address).size(), 1u);
  const std::string token = TokenIn(MailTo(sink, address)[0]);

  BlockingTransport blocking(*smtp, address);
  blocking.Arm();
  std::future<void> entered = blocking.Entered();
  auto sender = std::async(std::launch::async, [&] { return RunOutbox(world(), t0 + 3 * kDay, blocking); });
  ASSERT_EQ(entered.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the reminder never started";

  // The patient submits while the sender holds the claimed reminder.
  std::chrono::steady_clock::time_point answered_at;
  auto patient = std::async(std::launch::async, [&] {
    HttpReply reply = SubmitSurvey(world(), token);
    answered_at = std::chrono::steady_clock::now();
    return reply;
  });
  EXPECT_EQ(patient.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout)
      << "the submission must wait for the reminder being sent";
  blocking.Release();
  HttpReply submitted = patient.get();
  OutboxRun run = sender.get();
  ASSERT_EQ(submitted.status, 201) << submitted.Describe();
  EXPECT_GE(run.sent, 1);  // other tests' patients may have mail due too
  EXPECT_LE(blocking.left_at(), answered_at) << "the reminder left before the submission was acknowledged";

  RunOutbox(world(), t0 + 7 * kDay, *smtp);
  EXPECT_EQ(MailTo(sink, address).size(), 2u) << "the reminder in flight left; the later one never does";
  Json seen = MessagesOf(world(), baseline)["messages"];
  EXPECT_EQ(seen[1]["status"], "sent");
  EXPECT_EQ(seen[2]["status"], "cancelled");
}

TEST_P(ApiOutboxTest, StaffReadMessagesOfTheirOwnClinicOnly) {
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  CourseChain foreign = ChainWithEmail(world(), UniqueAddress(world()), world().foreign().clinic_id);
  const int64_t foreign_baseline = FollowUpOf(world(), foreign, "baseline");
  ExpectProblem(world().Get(FollowUpPath(foreign_baseline, "/messages"), &coordinator), 404, "not_found");
  ExpectProblem(world().Post(FollowUpPath(foreign_baseline, "/email-invitation"), &coordinator, Json::object()), 404,
                "not_found");
  ExpectProblem(world().Post(FollowUpPath(foreign_baseline, "/email-invitation"), &world().SessionFor(Role::kResearcher),
                             Json::object()),
                403, "forbidden");
  // A second email invitation replaces what the first still had queued.
  const int64_t own = FollowUpOf(world(), ChainWithEmail(world(), UniqueAddress(world())), "baseline");
  ASSERT_EQ(world().Post(FollowUpPath(own, "/email-invitation"), &coordinator, Json::object()).status, 201);
  ASSERT_EQ(world().Post(FollowUpPath(own, "/email-invitation"), &coordinator, Json::object()).status, 201);
  int queued = 0;
  const Json messages = MessagesOf(world(), own)["messages"];
  for (const auto& m : messages) queued += m["status"] == "queued";
  EXPECT_EQ(queued, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiOutboxTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
