#include "mail/smtp_transport.hpp"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "mail/mail_format.hpp"
#include "registry/outbox_messages.hpp"

namespace kneeregen::mail {

namespace {

struct Upload {
  std::string data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

class SmtpTransport : public MailTransport {
 public:
  explicit SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {}

  Status Send(const MailMessage& message) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Error{ErrorCode::kUnavailable, "SMTP: the mail library could not start", {}};
    Upload upload{.data = FormatMessage(settings_.from, message, Clock::now())};
    const std::string from = "<" + settings_.from + ">";
    curl_slist* recipients = curl_slist_append(nullptr, ("<" + OneLine(message.to) + ">").c_str());
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: this runs beside server threads
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    if (settings_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    const CURLcode result = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    if (result == CURLE_OK) return Ok{};
    // libcurl's own text and the reply code only: the server's reply text may quote the recipient.
    std::string detail = std::string("SMTP: ") + curl_easy_strerror(result);
    if (reply > 0) detail += " (server replied " + std::to_string(reply) + ")";
    return Error{ErrorCode::kUnavailable, detail, {}};
  }

 private:
  SmtpSettings settings_;
};

}  // namespace

Result<std::unique_ptr<MailTransport>> OpenSmtpTransport(const SmtpSettings& settings) {
  std::vector<FieldError> errors;
  if (settings.url.rfind("smtp://", 0) != 0 && settings.url.rfind("smtps://", 0) != 0)
    errors.push_back({"smtp-url", "must be smtp://HOST:PORT or smtps://HOST:PORT"});
  if (!IsUsableEmailAddress(settings.from)) errors.push_back({"mail-from", "must be an email address"});
  if (settings.timeout.count() < 1 || settings.connect_timeout.count() < 1)
    errors.push_back({"smtp-timeout", "must be at least one second"});
  if (!errors.empty()) return Error::Validation(std::move(errors));
  static std::once_flag started;
  std::call_once(started, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<MailTransport>(std::make_unique<SmtpTransport>(settings));
}

}  // namespace kneeregen::mail
