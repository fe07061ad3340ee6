// The wording of survey emails and the outbox's retry policy: pure, no storage. A message says that the
// clinic asks for a short questionnaire and gives the link, and nothing else: no name, no diagnosis, no
// product, no body part, no score. An email can be read by whoever sees the inbox or the mail server's
// logs, so what it holds is only what may be known by anyone: that this clinic asked for a questionnaire.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace kneeregen {

enum class MessageKind { kInvitation, kReminder };
std::string_view MessageKindName(MessageKind kind);

// Where the token goes in a stored body's link. Only a token's hash is ever stored, so the token is made
// when the message is sent and put in place of this.
inline constexpr std::string_view kSurveyTokenPlaceholder = "{survey_token}";

struct MessageText {
  std::string subject;
  std::string body;  // holds `link` once
};

// The fixed wording with the clinic's name (control characters removed, so a name can't add header lines)
// and `link` filled in.
MessageText SurveyMessageText(MessageKind kind, std::string_view clinic_name, std::string_view link);
// "https://clinic.example/survey?t=TOKEN" from the server's public URL (a trailing slash is dropped).
std::string SurveyLink(std::string_view public_url, std::string_view token);
// `body` with its token placeholder replaced by `token`.
std::string WithSurveyToken(std::string_view body, std::string_view token);
// True for an absolute http(s) URL without spaces or control characters: what links may start with.
bool IsUsablePublicUrl(std::string_view url);

// True for a plain mailbox address (local@domain.tld, no spaces, quotes, brackets or commas) that can go
// into the SMTP envelope as it is.
bool IsUsableEmailAddress(std::string_view address);

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::minutes first_delay{5};  // doubled after every failure: 5, 10, 20, 40 minutes
  // Messages of one follow-up that fall due together (after the server was down) leave a day apart.
  std::chrono::hours min_gap{24};
};

// How long to wait after `attempts` failed attempts before the next one.
std::chrono::minutes RetryDelay(const RetryPolicy& policy, int attempts);

}  // namespace kneeregen
