// What the outbox needs from a mail server: hand over one message and learn whether it was accepted. The
// SMTP implementation lives outside the registry (src/mail/, wired by app/), so the registry never links a
// network library and tests can put a transport of their own in its place.
#pragma once

#include <string>

#include "core/result.hpp"

namespace kneeregen {

struct MailMessage {
  std::string to;       // one address
  std::string subject;  // one line of text
  std::string body;     // plain text, lines separated by "\n"
  std::string message_id;  // unique per delivery attempt, for the Message-ID header
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Ok once the server accepted the message. An error's detail names what failed without quoting the
  // server's reply, which may echo the recipient's address, so it is safe to store and log.
  virtual Status Send(const MailMessage& message) = 0;
};

}  // namespace kneeregen
