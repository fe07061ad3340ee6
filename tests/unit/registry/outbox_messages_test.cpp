// The pure parts of the outbox: the wording of survey emails (a link and nothing about the patient), the
// addresses and URLs it accepts, and the retry delays.
#include <gtest/gtest.h>

#include "registry/outbox_messages.hpp"

namespace kneeregen {
namespace {

TEST(OutboxMessages, TheWordingNamesTheClinicAndCarriesTheLinkOnce) {
  const std::string link = SurveyLink("https://clinic.example/", kSurveyTokenPlaceholder);
  EXPECT_EQ(link, "https://clinic.example/survey?t={survey_token}");
  MessageText invitation = SurveyMessageText(MessageKind::kInvitation, "Riverside Clinic", link);
  EXPECT_EQ(invitation.subject, "A short questionnaire from Riverside Clinic");
  EXPECT_NE(invitation.body.find("Riverside Clinic asks you to answer a short questionnaire."), std::string::npos);
  const std::string sent = WithSurveyToken(invitation.body, "TOKEN123");
  EXPECT_NE(sent.find("https://clinic.example/survey?t=TOKEN123\n"), std::string::npos);
  EXPECT_EQ(sent.find(kSurveyTokenPlaceholder), std::string::npos);
  MessageText reminder = SurveyMessageText(MessageKind::kReminder, "Riverside Clinic", link);
  EXPECT_EQ(reminder.subject, "Reminder: a short questionnaire from Riverside Clinic");
  EXPECT_NE(reminder.body.find("This is a reminder"), std::string::npos);
}

TEST(OutboxMessages, TheFixedWordingSaysNothingAboutHealth) {
  for (MessageKind kind : {MessageKind::kInvitation, MessageKind::kReminder}) {
    MessageText text = SurveyMessageText(kind, "C", "L");
    std::string all = text.subject + "\n" + text.body;
    for (auto& c : all) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word : {"knee", "pain", "koos", "score", "injection", "treatment", "marrow", "cell", "surgery",
                             "diagnos", "result", "baseline", "month", "week"})
      EXPECT_EQ(all.find(word), std::string::npos) << word;
  }
}

TEST(OutboxMessages, AClinicNameCannotAddHeaderLines) {
  MessageText text = SurveyMessageText(MessageKind::kInvitation, "Evil\r\nBcc: all@example.org", "L");
  EXPECT_EQ(text.subject.find('\n'), std::string::npos);
  EXPECT_EQ(text.subject.find('\r'), std::string::npos);
  EXPECT_EQ(SurveyMessageText(MessageKind::kInvitation, "", "L").subject, "A short questionnaire from Your clinic");
}

TEST(OutboxMessages, OnlyPlainMailboxAddressesAreUsable) {
  for (const char* good : {"maria@example.org", "a.b+tag@mail.example.co.uk", "o'brien@example.ie"})
    EXPECT_TRUE(IsUsableEmailAddress(good)) << good;
  for (const char* bad : {"", "maria", "maria@", "@example.org", "maria@example", "a@b@example.org",
                          "maria <m@example.org>", "m@example.org, n@example.org", "m@exa mple.org",
                          "m@example.org\r\nRCPT TO:<x@y.z>", "m@.example.org"})
    EXPECT_FALSE(IsUsableEmailAddress(bad)) << bad;
}

TEST(OutboxMessages, PublicUrlsAreAbsoluteHttp) {
  EXPECT_TRUE(IsUsablePublicUrl("https://clinic.example"));
  EXPECT_TRUE(IsUsablePublicUrl("http://127.0.0.1:8080"));
  for (const char* bad : {"", "clinic.example", "ftp://clinic.example", "https://", "https://a b", "javascript:x"})
    EXPECT_FALSE(IsUsablePublicUrl(bad)) << bad;
}

TEST(OutboxMessages, RetriesBackOffByDoubling) {
  RetryPolicy policy;
  EXPECT_EQ(RetryDelay(policy, 1), std::chrono::minutes{5});
  EXPECT_EQ(RetryDelay(policy, 2), std::chrono::minutes{10});
  EXPECT_EQ(RetryDelay(policy, 3), std::chrono::minutes{20});
  EXPECT_EQ(RetryDelay(policy, 4), std::chrono::minutes{40});
  EXPECT_EQ(RetryDelay(policy, 0), std::chrono::minutes{5});
  EXPECT_EQ(RetryDelay(policy, 1000), std::chrono::minutes{5 * 65536}) << "bounded, no overflow";
}

}  // namespace
}  // namespace kneeregen
