// MailTransport over SMTP with libcurl: a configurable server (smtp:// or smtps://), optional STARTTLS and
// credentials, and short timeouts, because the outbox talks to the server while it holds a write
// transaction (see outbox_service.hpp).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "registry/mail_transport.hpp"

namespace kneeregen::mail {

struct SmtpSettings {
  std::string url;   // smtp://host:port or smtps://host:port
  std::string from;  // the envelope sender and From: address
  std::string username;  // empty: no authentication
  std::string password;
  bool starttls = false;  // require STARTTLS on an smtp:// connection
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds timeout{10};  // the whole exchange, connect included
};

// A transport for `settings`, or a validation error naming the setting that is wrong.
Result<std::unique_ptr<MailTransport>> OpenSmtpTransport(const SmtpSettings& settings);

}  // namespace kneeregen::mail
