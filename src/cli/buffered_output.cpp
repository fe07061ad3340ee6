#include "cli/buffered_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kneeregen::cli {

void BufferedOutput::AppendCsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    buffer_.append(value);
    return;
  }
  buffer_.push_back('"');
  for (char c : value) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

bool BufferedOutput::Flush() {
  size_t done = 0;
  while (!failed_ && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      error_ = std::strerror(errno);
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return !failed_;
}

}  // namespace kneeregen::cli
