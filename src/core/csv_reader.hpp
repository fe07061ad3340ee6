// Reading CSV as RFC 4180 describes it, one record at a time, from a byte stream read in fixed-size chunks:
// memory stays flat however long the file is. Fields are views into the chunk, so once the first records
// have sized the reused vectors a record costs no allocation. Written here rather than taken from a library
// because scoring a million-row PROM file has to run near disk speed (the peer it is measured against is
// pandas' C parser), and because the import paths need exact physical line numbers for every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kneeregen {

// Where the bytes come from: fills `buffer` with up to `size` bytes and returns how many, 0 at the end of
// the input, or -1 on a read error (with errno set).
using CsvByteSource = std::function<ptrdiff_t(char* buffer, size_t size)>;

// A source reading an open file descriptor (which the reader does not close); retries on EINTR.
CsvByteSource CsvFromFileDescriptor(int fd);

// A quoting mistake inside a record. The reader steps over it to find where the record ends, so one bad
// record does not lose the rest of the file; the caller decides whether the record counts.
struct CsvSyntaxProblem {
  size_t field = 0;               // index of the field it is in
  uint64_t line = 0;              // physical line it is on
  const char* message = nullptr;  // nullptr: no problem
};

struct CsvRecord {
  // Valid until the next call to CsvReader::Next.
  std::vector<std::string_view> fields;
  std::vector<uint64_t>
      field_lines;           // physical line (1-based, counting every line end) where each field starts
  uint64_t line = 0;         // physical line where the record starts
  CsvSyntaxProblem problem;  // the first quoting mistake in the record, if any

  bool ok() const { return problem.message == nullptr; }

  std::string unescaped_;  // storage for quoted fields that contained doubled quotes
};

struct CsvReaderOptions {
  size_t chunk_bytes = 256 * 1024;
  // A record must fit in this many bytes; a longer one is almost always a quote left open.
  size_t max_record_bytes = 4 * 1024 * 1024;
  // A line with nothing on it is not a record (files often end with one).
  bool skip_blank_lines = true;
};

enum class CsvStatus {
  kRecord,  // `record` holds the next record (check record.ok())
  kEnd,     // no more input
  kFatal,   // reading cannot go on: see fatal_message() and fatal_line()
};

// Accepts CRLF, LF or a lone CR as a line end, inside and outside quotes; a UTF-8 byte-order mark at the
// start is skipped. Inside quotes, a doubled quote stands for one quote and line ends are data.
class CsvReader {
 public:
  explicit CsvReader(CsvByteSource source, CsvReaderOptions options = {});

  CsvStatus Next(CsvRecord& record);

  const std::string& fatal_message() const { return fatal_message_; }
  uint64_t fatal_line() const { return fatal_line_; }
  // The fatal error was the source failing, not the CSV being malformed.
  bool read_failed() const { return read_failed_; }

 private:
  enum class Parse { kComplete, kNeedMore, kFatal };

  Parse ParseRecord(CsvRecord& record);
  bool Refill();  // false on a fatal error
  void Unescape(CsvRecord& record) const;
  bool IsBlank(const CsvRecord& record) const;
  CsvStatus Fail(std::string message, uint64_t line);

  CsvByteSource source_;
  CsvReaderOptions options_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first byte not yet consumed
  size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  bool started_ = false;                // the byte-order mark has been looked for
  uint64_t line_ = 1;                   // physical line at begin_
  std::vector<size_t> doubled_quotes_;  // fields of the current record that hold doubled quotes
  bool last_field_quoted_ = false;
  std::string fatal_message_;
  uint64_t fatal_line_ = 0;
  bool read_failed_ = false;
};

}  // namespace kneeregen
