// Outbox and call-queue tests: a real SMTP sink started by the test, the real libcurl transport pointed at
// it, and patients with an address of their own, so that what the sink receives for one test's patient can
// be told apart from mail for anyone else's.
#pragma once

#include <string>
#include <vector>

#include "course_fixture.hpp"
#include "mail/smtp_transport.hpp"
#include "registry/followups.hpp"
#include "registry/outbox_records.hpp"
#include "registry/record_queries.hpp"
#include "support/smtp_sink.hpp"

namespace kneeregen::testing {

inline constexpr auto kDay = std::chrono::hours{24};

inline std::unique_ptr<MailTransport> SinkTransport(const SmtpSink& sink) {
  auto transport = mail::OpenSmtpTransport(mail::SmtpSettings{.url = sink.url(), .from = "clinic@example.org"});
  if (!transport) throw std::runtime_error("the SMTP transport refused the sink's settings");
  return std::move(*transport);
}

// A consented course whose patient has the email address `email` (none when empty) and a phone number.
inline CourseChain ChainWithEmail(ApiWorld& w, const std::string& email, int64_t clinic_id = 0) {
  CourseChain chain = NewChain(w, ChainDepth::kConsented, clinic_id);
  Json contact = {{"email", email.empty() ? Json() : Json(email)}, {"phone", "+1 555 010 0199"}};
  auto updated = w.services().records.Update(ApiWorld::Operator(chain.clinic_id), KnownSchema("patients"), chain.patient,
                                             contact, std::nullopt);
  if (!updated) throw std::runtime_error("setting the patient's email failed");
  return chain;
}

inline std::string UniqueAddress(ApiWorld& w) { return "patient" + std::to_string(w.Next()) + "@example.org"; }

inline int64_t FollowUpOf(ApiWorld& w, const CourseChain& chain, const std::string& timepoint) {
  int64_t id = 0;
  auto read = w.store().Read([&](ReadTransaction& tx) -> Status {
    for (const auto& f : AllRecords(tx, FollowUpSchema(), chain.clinic_id, {{"course_id", chain.course}}))
      if (f["timepoint"] == timepoint) id = f["id"];
    return Ok{};
  });
  EXPECT_TRUE(read.ok());
  EXPECT_NE(id, 0) << "no follow-up " << timepoint;
  return id;
}

inline std::string FollowUpPath(int64_t followup, const std::string& rest = "") {
  return "/api/v1/followups/" + std::to_string(followup) + rest;
}

// The outbox rows of a follow-up as staff see them, in id order (invitation, then reminders).
inline Json MessagesOf(ApiWorld& w, int64_t followup) {
  HttpReply reply = w.Get(FollowUpPath(followup, "/messages"), &w.SessionFor(Role::kCoordinator));
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  return reply.json();
}

// What the sink received for `address`, in order.
inline std::vector<ReceivedMail> MailTo(const SmtpSink& sink, const std::string& address) {
  std::vector<ReceivedMail> out;
  for (const auto& m : sink.messages())
    if (m.rcpt_to == std::vector<std::string>{address}) out.push_back(m);
  return out;
}

// The token of the survey link in a received email.
inline std::string TokenIn(const ReceivedMail& mail) {
  const std::string body = mail.Body();
  auto at = body.find("/survey?t=");
  return at == std::string::npos ? "" : body.substr(at + 10, 43);
}

inline OutboxRun RunOutbox(ApiWorld& w, Clock::time_point now, MailTransport& transport) {
  auto run = w.services().outbox.RunDue(now, transport);
  EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().detail);
  return run.ok() ? *run : OutboxRun{};
}

inline HttpReply SubmitSurvey(ApiWorld& w, const std::string& token) {
  Json answers = {{"answers", {{"koos", {{"P1", 2}, {"P2", 1}, {"P3", 1}, {"P4", 2}, {"P5", 0}}}, {"pain_nrs", {{"pain", 4}}}}}};
  return w.Call(HttpCall{.method = "POST", .path = "/api/v1/survey/submit",
                         .body = answers.dump(), .headers = {{"Cookie", "__Host-kneeregen_survey=" + token}}});
}

}  // namespace kneeregen::testing
