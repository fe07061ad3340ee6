#include "support/smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace kneeregen::testing {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The address between < and > of "MAIL FROM:<a@b> SIZE=10".
std::string Bracketed(const std::string& line) {
  auto open = line.find('<');
  auto close = line.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  return line.substr(open + 1, close - open - 1);
}

// Reads CRLF-terminated lines from a socket, waiting at most a few seconds for each.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  bool Next(std::string& line, const std::atomic<bool>& stopping) {
    while (true) {
      auto end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return true;
      }
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      int waited = 0;
      while (poll(&p, 1, 100) == 0) {
        if (stopping || (waited += 100) > 5000) return false;
      }
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

void Reply(int fd, const std::string& text) {
  std::string out = text + "\r\n";
  (void)send(fd, out.data(), out.size(), MSG_NOSIGNAL);
}

}  // namespace

std::string DecodeBase64(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    auto at = alphabet.find(c);
    if (at == std::string::npos) continue;
    bits = (bits << 6) | static_cast<uint32_t>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

std::string ReceivedMail::Header(const std::string& name) const {
  const std::string wanted = Lower(name) + ":";
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find("\r\n", start);
    if (end == std::string::npos || end == start) break;  // the blank line ends the headers
    std::string line = data.substr(start, end - start);
    if (Lower(line).rfind(wanted, 0) == 0) {
      std::string value = line.substr(wanted.size());
      // Folded continuation lines belong to the same header.
      while (end + 2 < data.size() && (data[end + 2] == ' ' || data[end + 2] == '\t')) {
        size_t next = data.find("\r\n", end + 2);
        value += data.substr(end + 2, next - end - 2);
        end = next;
      }
      return value.substr(value.find_first_not_of(' '));
    }
    start = end + 2;
  }
  return "";
}

std::string ReceivedMail::Body() const {
  auto split = data.find("\r\n\r\n");
  std::string body = split == std::string::npos ? "" : data.substr(split + 4);
  if (Lower(Header("Content-Transfer-Encoding")) == "base64") body = DecodeBase64(body);
  std::string out;
  for (size_t i = 0; i < body.size(); ++i)
    if (!(body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) out += body[i];
  return out;
}

SmtpSink::SmtpSink() {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 16) != 0 || getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) close(listener_);
    throw std::runtime_error("the SMTP sink could not listen on a loopback port");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  stopping_ = true;
  thread_.join();
  close(listener_);
}

std::vector<ReceivedMail> SmtpSink::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

size_t SmtpSink::count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

void SmtpSink::RefuseNext(int n, std::string only_to) {
  std::lock_guard lock(mutex_);
  refuse_ = n;
  refuse_to_ = std::move(only_to);
}

void SmtpSink::Clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

void SmtpSink::Serve() {
  while (!stopping_) {
    pollfd p{.fd = listener_, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    Converse(client);
    close(client);
  }
}

void SmtpSink::Converse(int client) {
  LineReader in(client);
  ReceivedMail mail;
  Reply(client, "220 sink.test ESMTP test sink");
  std::string line;
  while (in.Next(line, stopping_)) {
    const std::string command = Lower(line.substr(0, line.find(' ')));
    if (command == "ehlo") {
      Reply(client, "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760");
    } else if (command == "helo") {
      Reply(client, "250 sink.test");
    } else if (command == "mail") {
      mail = ReceivedMail{.mail_from = Bracketed(line)};
      Reply(client, "250 OK");
    } else if (command == "rcpt") {
      mail.rcpt_to.push_back(Bracketed(line));
      Reply(client, "250 OK");
    } else if (command == "data") {
      Reply(client, "354 End data with <CR><LF>.<CR><LF>");
      std::string body;
      bool ended = false;
      while (in.Next(line, stopping_)) {
        if (line == ".") {
          ended = true;
          break;
        }
        body += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
      }
      if (!ended) return;
      mail.data = std::move(body);
      std::lock_guard lock(mutex_);
      const bool targeted = refuse_to_.empty() || std::find(mail.rcpt_to.begin(), mail.rcpt_to.end(), refuse_to_) !=
                                                       mail.rcpt_to.end();
      if (refuse_ > 0 && targeted) {
        --refuse_;
        Reply(client, "451 4.3.0 try again later");
      } else {
        messages_.push_back(mail);
        Reply(client, "250 OK queued");
      }
    } else if (command == "rset" || command == "noop") {
      Reply(client, "250 OK");
    } else if (command == "quit") {
      Reply(client, "221 bye");
      return;
    } else {
      Reply(client, "502 command not implemented");
    }
  }
}

}  // namespace kneeregen::testing
