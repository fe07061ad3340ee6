#include "registry/outbox_messages.hpp"

#include <algorithm>

namespace kneeregen {

namespace {

std::string PrintableName(std::string_view name) {
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  return out.empty() ? "Your clinic" : out;
}

}  // namespace

std::string_view MessageKindName(MessageKind kind) {
  return kind == MessageKind::kInvitation ? "invitation" : "reminder";
}

MessageText SurveyMessageText(MessageKind kind, std::string_view clinic_name, std::string_view link) {
  const std::string clinic = PrintableName(clinic_name);
  const bool reminder = kind == MessageKind::kReminder;
  std::string body = "Hello,\n\n";
  body += reminder ? "This is a reminder: " + clinic + " asks you to answer a short questionnaire.\n"
                   : clinic + " asks you to answer a short questionnaire.\n";
  body += "It takes about ten minutes.\n\n";
  body += "Your personal link:\n";
  body += std::string(link) + "\n\n";
  body += "The link is for you alone; please do not forward this email.\n";
  body += "If you have questions, or no longer wish to be contacted, please call " + clinic + ".\n";
  return MessageText{
      .subject = (reminder ? "Reminder: a short questionnaire from " : "A short questionnaire from ") + clinic,
      .body = std::move(body)};
}

std::string WithSurveyToken(std::string_view body, std::string_view token) {
  std::string out(body);
  if (auto at = out.find(kSurveyTokenPlaceholder); at != std::string::npos)
    out.replace(at, kSurveyTokenPlaceholder.size(), token);
  return out;
}

bool IsUsablePublicUrl(std::string_view url) {
  const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  const bool clean = std::none_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>';
  });
  return scheme && clean && url.size() > 8 && url.size() <= 200;
}

std::string SurveyLink(std::string_view public_url, std::string_view token) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/survey?t=" + std::string(token);
}

bool IsUsableEmailAddress(std::string_view address) {
  if (address.size() < 6 || address.size() > 254) return false;
  auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view(".!#$%&'*+/=?^_`{|}~-@").find(c) != std::string_view::npos;
  };
  if (!std::all_of(address.begin(), address.end(), allowed)) return false;
  std::string_view domain = address.substr(at + 1);
  auto dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() && domain.front() != '.';
}

std::chrono::minutes RetryDelay(const RetryPolicy& policy, int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 16);
  return policy.first_delay * (1 << doublings);
}

}  // namespace kneeregen
