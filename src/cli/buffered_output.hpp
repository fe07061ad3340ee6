// Output for commands that stream large results: bytes gather in one reused buffer and go to the file
// descriptor in large writes, instead of one stream operation per cell.
#pragma once

#include <string>
#include <string_view>

namespace kneeregen::cli {

class BufferedOutput {
 public:
  explicit BufferedOutput(int fd, size_t flush_bytes = 1 << 20) : fd_(fd), flush_bytes_(flush_bytes) {
    buffer_.reserve(flush_bytes + 4096);
  }
  ~BufferedOutput() { Flush(); }
  BufferedOutput(const BufferedOutput&) = delete;
  BufferedOutput& operator=(const BufferedOutput&) = delete;

  void Append(std::string_view bytes) { buffer_.append(bytes); }
  void Append(char c) { buffer_.push_back(c); }
  // One CSV field as core/csv.hpp's CsvField writes it (quoted when it holds a comma, a quote or a line
  // break; quotes doubled), without building a string.
  void AppendCsvField(std::string_view value);
  // Call at the end of each row: writes once enough has gathered. False once a write has failed.
  bool EndRow() { return buffer_.size() < flush_bytes_ || Flush(); }
  bool Flush();
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

 private:
  int fd_;
  size_t flush_bytes_;
  std::string buffer_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace kneeregen::cli
