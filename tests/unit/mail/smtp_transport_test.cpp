// The SMTP transport against a real SMTP server started by the test (tests/support/smtp_sink): the
// message as the server receives it (headers, encodings, dot-stuffing), refusals and unreachable servers
// as errors that name no address, and the settings it refuses.
#include <gtest/gtest.h>

#include "mail/mail_format.hpp"
#include "mail/smtp_transport.hpp"
#include "support/smtp_sink.hpp"

namespace kneeregen::testing {
namespace {

std::unique_ptr<MailTransport> TransportTo(const std::string& url) {
  auto transport = mail::OpenSmtpTransport(mail::SmtpSettings{.url = url, .from = "clinic@example.org"});
  EXPECT_TRUE(transport.ok());
  return transport.ok() ? std::move(*transport) : nullptr;
}

TEST(SmtpTransport, DeliversTheMessageAsWritten) {
  SmtpSink sink;
  auto transport = TransportTo(sink.url());
  const std::string body = "Hello,\n\n.a line that starts with a dot\nhttps://clinic.example/survey?t=abc\n";
  ASSERT_TRUE(transport->Send(MailMessage{.to = "maria@example.org", .subject = "A short questionnaire",
                                          .body = body, .message_id = "outbox.7.x"}).ok());
  ASSERT_EQ(sink.count(), 1u);
  ReceivedMail mail = sink.messages()[0];
  EXPECT_EQ(mail.mail_from, "clinic@example.org");
  EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"maria@example.org"});
  EXPECT_EQ(mail.Header("Subject"), "A short questionnaire");
  EXPECT_EQ(mail.Header("To"), "<maria@example.org>");
  EXPECT_EQ(mail.Header("Message-ID"), "<outbox.7.x@example.org>");
  EXPECT_EQ(mail.Header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(mail.Header("Content-Transfer-Encoding"), "7bit");
  EXPECT_EQ(mail.Body(), body) << "dot-stuffing is undone by the server";
}

TEST(SmtpTransport, NonAsciiTextIsEncodedSoAnyServerTakesIt) {
  SmtpSink sink;
  auto transport = TransportTo(sink.url());
  const std::string subject = "Fragebogen der Klinik Zürich-Höngg für Sie, bitte bis Freitag ausfüllen — danke";
  const std::string body = "Grüezi,\nbitte füllen Sie den Fragebogen aus.\n";
  ASSERT_TRUE(transport->Send(MailMessage{.to = "a@example.ch", .subject = subject, .body = body, .message_id = "m"}).ok());
  ReceivedMail mail = sink.messages().at(0);
  EXPECT_EQ(mail.Header("Content-Transfer-Encoding"), "base64");
  EXPECT_EQ(mail.Body(), body);
  for (char c : mail.data) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "8-bit byte on the wire";
  // The subject arrives as encoded words that decode back to the text.
  std::string decoded;
  const std::string header = mail.Header("Subject");
  for (size_t at = header.find("=?UTF-8?B?"); at != std::string::npos; at = header.find("=?UTF-8?B?", at)) {
    size_t end = header.find("?=", at + 10);
    EXPECT_LE(end + 2 - at, 75u) << "an encoded word is at most 75 characters";
    decoded += DecodeBase64(header.substr(at + 10, end - at - 10));
    at = end;
  }
  EXPECT_EQ(decoded, subject);
}

TEST(SmtpTransport, ARefusalIsAnErrorWithTheReplyCodeAndNoAddress) {
  SmtpSink sink;
  sink.RefuseNext(1);
  auto transport = TransportTo(sink.url());
  Status refused = transport->Send(MailMessage{.to = "maria@example.org", .subject = "s", .body = "b", .message_id = "m"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("451"), std::string::npos) << refused.error().detail;
  EXPECT_EQ(refused.error().detail.find("maria"), std::string::npos);
  EXPECT_EQ(sink.count(), 0u);
  EXPECT_TRUE(transport->Send(MailMessage{.to = "maria@example.org", .subject = "s", .body = "b", .message_id = "m2"}).ok());
  EXPECT_EQ(sink.count(), 1u);
}

TEST(SmtpTransport, AnUnreachableServerIsAnError) {
  int port = 0;
  { SmtpSink closed; port = closed.port(); }  // nobody listens there any more
  auto transport = TransportTo("smtp://127.0.0.1:" + std::to_string(port));
  Status failed = transport->Send(MailMessage{.to = "maria@example.org", .subject = "s", .body = "b", .message_id = "m"});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
}

TEST(SmtpTransport, BadSettingsAreRefusedNamingTheOption) {
  auto bad = mail::OpenSmtpTransport(mail::SmtpSettings{.url = "http://mail.example", .from = "not an address"});
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& f : bad.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"smtp-url", "mail-from"}));
}

TEST(MailFormat, HeadersStayOnOneLineAndDatesAreRfc5322) {
  std::string message = mail::FormatMessage(
      "clinic@example.org", MailMessage{.to = "a@example.org\r\nBcc: x@example.org", .subject = "Hi\r\nBcc: y@example.org",
                                        .body = "b", .message_id = "m"},
      *ParseTimestamp("2026-03-03T09:30:05.000Z"));
  EXPECT_EQ(message.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(message.find("Date: Tue, 03 Mar 2026 09:30:05 +0000\r\n"), std::string::npos);
  EXPECT_EQ(mail::Base64("ab"), "YWI=");
  EXPECT_EQ(mail::Base64("abc"), "YWJj");
  EXPECT_EQ(mail::Base64("a"), "YQ==");
}

}  // namespace
}  // namespace kneeregen::testing
