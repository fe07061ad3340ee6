// An outgoing email as the bytes an SMTP server receives (RFC 5322 with MIME): plain-text UTF-8, CRLF line
// ends, a subject in RFC 2047 encoded words when it is not ASCII, and a base64 body when it is not ASCII,
// so no server has to support 8-bit mail. Pure, for the SMTP transport and its tests.
#pragma once

#include <string>
#include <string_view>

#include "core/time.hpp"
#include "registry/mail_transport.hpp"

namespace kneeregen::mail {

std::string FormatMessage(std::string_view from, const MailMessage& message, Clock::time_point date);

// "Tue, 03 Mar 2026 09:30:00 +0000".
std::string Rfc5322Date(Clock::time_point t);
std::string Base64(std::string_view bytes);
// A header value on one line: CR, LF and other control characters removed.
std::string OneLine(std::string_view text);

}  // namespace kneeregen::mail
