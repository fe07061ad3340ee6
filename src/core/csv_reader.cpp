#include "core/csv_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace kneeregen {

CsvByteSource CsvFromFileDescriptor(int fd) {
  return [fd](char* buffer, size_t size) -> ptrdiff_t {
    for (;;) {
      ssize_t n = ::read(fd, buffer, size);
      if (n >= 0 || errno != EINTR) return n;
    }
  };
}

CsvReader::CsvReader(CsvByteSource source, CsvReaderOptions options)
    : source_(std::move(source)), options_(options) {
  options_.chunk_bytes = std::max<size_t>(options_.chunk_bytes, 4);
  options_.max_record_bytes = std::max(options_.max_record_bytes, options_.chunk_bytes);
  buffer_.resize(options_.chunk_bytes);
}

CsvStatus CsvReader::Fail(std::string message, uint64_t line) {
  fatal_message_ = std::move(message);
  fatal_line_ = line;
  return CsvStatus::kFatal;
}

CsvStatus CsvReader::Next(CsvRecord& record) {
  if (!fatal_message_.empty()) return CsvStatus::kFatal;
  if (!started_) {
    while (end_ - begin_ < 3 && !eof_)
      if (!Refill()) return CsvStatus::kFatal;
    if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
    started_ = true;
  }
  for (;;) {
    if (begin_ == end_ && eof_) return CsvStatus::kEnd;
    switch (ParseRecord(record)) {
      case Parse::kComplete:
        if (options_.skip_blank_lines && IsBlank(record)) continue;
        if (!doubled_quotes_.empty()) Unescape(record);
        return CsvStatus::kRecord;
      case Parse::kNeedMore:
        if (!Refill()) return CsvStatus::kFatal;
        break;
      case Parse::kFatal:
        return CsvStatus::kFatal;
    }
  }
}

namespace {

// The bytes that end an unquoted field or make it malformed.
constexpr std::array<bool, 256> kUnquotedStops = [] {
  std::array<bool, 256> stops{};
  stops[','] = stops['\n'] = stops['\r'] = stops['"'] = true;
  return stops;
}();

// Appends one field to the record's reused vectors; they only grow, so a warm reader never allocates.
inline void AddField(CsvRecord& record, size_t& count, std::string_view field, uint64_t line) {
  if (count == record.fields.size()) {
    record.fields.resize(count * 2 + 16);
    record.field_lines.resize(count * 2 + 16);
  }
  record.fields[count] = field;
  record.field_lines[count] = line;
  ++count;
}

}  // namespace

// Parses one record starting at begin_, into views of the buffer. Nothing in the buffer changes, so when the
// chunk ends mid-record (kNeedMore) the caller refills and simply parses the record again from its start:
// at most one record per chunk is parsed twice.
CsvReader::Parse CsvReader::ParseRecord(CsvRecord& record) {
  const char* b = buffer_.data();
  size_t p = begin_;
  uint64_t line = line_;
  size_t count = 0;
  doubled_quotes_.clear();
  record.problem = {};
  record.line = line;
  for (;;) {
    const uint64_t field_line = line;
    if (p < end_ && b[p] == '"') {
      const size_t content = ++p;
      for (;;) {
        if (p == end_) {
          if (!eof_) return Parse::kNeedMore;
          Fail("a quoted field is never closed", field_line);
          return Parse::kFatal;
        }
        const char c = b[p];
        if (c == '"') {
          if (p + 1 == end_ && !eof_) return Parse::kNeedMore;
          if (p + 1 < end_ && b[p + 1] == '"') {
            if (doubled_quotes_.empty() || doubled_quotes_.back() != count) doubled_quotes_.push_back(count);
            p += 2;
            continue;
          }
          break;
        }
        if (c == '\r' && p + 1 == end_ && !eof_) return Parse::kNeedMore;
        // A CRLF pair counts once, at its LF.
        if (c == '\n' || (c == '\r' && !(p + 1 < end_ && b[p + 1] == '\n'))) ++line;
        ++p;
      }
      AddField(record, count, std::string_view(b + content, p - content), field_line);
      size_t q = ++p;  // past the closing quote; anything before the next separator is a mistake
      while (q < end_ && b[q] != ',' && b[q] != '\n' && b[q] != '\r') ++q;
      if (q == end_ && !eof_) return Parse::kNeedMore;
      if (q != p && record.ok()) record.problem = {count - 1, line, "text after the closing quote"};
      last_field_quoted_ = true;
      p = q;
    } else {
      size_t q = p;
      while (q < end_ && !kUnquotedStops[static_cast<unsigned char>(b[q])]) ++q;
      if (q < end_ && b[q] == '"') {
        if (record.ok())
          record.problem = {count, line, "a quote inside a field that does not start with one"};
        while (q < end_ && b[q] != ',' && b[q] != '\n' && b[q] != '\r') ++q;
      }
      if (q == end_ && !eof_) return Parse::kNeedMore;
      AddField(record, count, std::string_view(b + p, q - p), field_line);
      last_field_quoted_ = false;
      p = q;
    }
    if (p == end_) break;  // the input ends without a final line end
    const char c = b[p];
    if (c == ',') {
      ++p;
      continue;
    }
    if (c == '\r') {
      if (p + 1 == end_ && !eof_) return Parse::kNeedMore;
      p += (p + 1 < end_ && b[p + 1] == '\n') ? 2 : 1;
    } else {
      ++p;
    }
    ++line;
    break;
  }
  // Shrinking keeps the capacity, so the next record reuses it.
  record.fields.resize(count);
  record.field_lines.resize(count);
  begin_ = p;
  line_ = line;
  return Parse::kComplete;
}

bool CsvReader::Refill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() >= options_.max_record_bytes) {
      Fail("a record is longer than " + std::to_string(options_.max_record_bytes) +
               " bytes (is a quote left open?)",
           line_);
      return false;
    }
    buffer_.resize(std::min(buffer_.size() * 2, options_.max_record_bytes));
  }
  const ptrdiff_t n = source_(buffer_.data() + end_, buffer_.size() - end_);
  if (n < 0) {
    read_failed_ = true;
    Fail(std::string("cannot read the input: ") + std::strerror(errno), line_);
    return false;
  }
  if (n == 0) eof_ = true;
  end_ += static_cast<size_t>(n);
  return true;
}

bool CsvReader::IsBlank(const CsvRecord& record) const {
  return record.fields.size() == 1 && record.fields[0].empty() && !last_field_quoted_ && record.ok();
}

// Quoted fields with doubled quotes get their one-quote form in the record's own storage.
void CsvReader::Unescape(CsvRecord& record) const {
  size_t bytes = 0;
  for (size_t i : doubled_quotes_) bytes += record.fields[i].size();
  record.unescaped_.clear();
  record.unescaped_.reserve(bytes);  // up front, so the views below stay valid while fields are appended
  for (size_t i : doubled_quotes_) {
    const std::string_view raw = record.fields[i];
    const size_t start = record.unescaped_.size();
    for (size_t k = 0; k < raw.size(); ++k) {
      record.unescaped_.push_back(raw[k]);
      if (raw[k] == '"') ++k;  // the second quote of a doubled pair
    }
    record.fields[i] = std::string_view(record.unescaped_.data() + start, record.unescaped_.size() - start);
  }
}

}  // namespace kneeregen
