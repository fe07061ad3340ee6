// A real SMTP server for tests, on a loopback ephemeral port: it speaks enough of RFC 5321 (EHLO/HELO,
// MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT) for libcurl to deliver to it, and keeps
// every message it accepts. It can be told to refuse the next messages, to test retries.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kneeregen::testing {

struct ReceivedMail {
  std::string mail_from;             // the envelope sender, without brackets
  std::vector<std::string> rcpt_to;  // envelope recipients, without brackets
  std::string data;                  // the message as received, CRLF line ends, dots unstuffed

  // A header's value ("" when absent); the name is matched case-insensitively.
  std::string Header(const std::string& name) const;
  // The body, decoded when it was sent as base64, with LF line ends.
  std::string Body() const;
};

class SmtpSink {
 public:
  SmtpSink();  // listening when constructed; throws std::runtime_error when it can't bind
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::vector<ReceivedMail> messages() const;
  size_t count() const;
  // Answers the end of the next `n` messages' DATA with a temporary failure (451) instead of accepting;
  // only messages to `only_to` when it is set.
  void RefuseNext(int n, std::string only_to = "");
  void Clear();

 private:
  void Serve();
  void Converse(int client);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedMail> messages_;
  int refuse_ = 0;
  std::string refuse_to_;
  std::thread thread_;
};

// Standard base64 (RFC 4648) decoding; characters outside the alphabet (line breaks) are skipped.
std::string DecodeBase64(const std::string& text);

}  // namespace kneeregen::testing
