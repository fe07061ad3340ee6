// The streaming RFC 4180 reader: quoting, every kind of line end, physical line numbers, recovery from a
// quoting mistake, and the same records whatever the chunk size or however short the reads.
#include "core/csv_reader.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "unit/scoring/allocation_count.hpp"

namespace kneeregen {
namespace {

// A source over `data` that hands out at most `max_read` bytes per call, like a pipe.
CsvByteSource FromString(std::string data, size_t max_read = SIZE_MAX) {
  auto offset = std::make_shared<size_t>(0);
  return [data = std::move(data), offset, max_read](char* buffer, size_t size) -> ptrdiff_t {
    const size_t n = std::min({size, max_read, data.size() - *offset});
    std::memcpy(buffer, data.data() + *offset, n);
    *offset += n;
    return static_cast<ptrdiff_t>(n);
  };
}

struct Read {
  std::vector<std::vector<std::string>> records;
  std::vector<uint64_t> lines;
  std::vector<std::string> problems;  // "line:field:message" per record, empty when fine
  CsvStatus end = CsvStatus::kEnd;
  std::string fatal;
};

Read ReadAll(CsvReader reader) {
  Read out;
  CsvRecord record;
  CsvStatus status;
  while ((status = reader.Next(record)) == CsvStatus::kRecord) {
    out.records.emplace_back(record.fields.begin(), record.fields.end());
    out.lines.push_back(record.line);
    out.problems.push_back(record.ok()
                               ? ""
                               : std::to_string(record.problem.line) + ":" +
                                     std::to_string(record.problem.field) + ":" + record.problem.message);
  }
  out.end = status;
  if (status == CsvStatus::kFatal)
    out.fatal = std::to_string(reader.fatal_line()) + ": " + reader.fatal_message();
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

const std::string kTricky =
    "id,P1,note\r\n"
    "\"a,b\",1,\"say \"\"hi\"\"\"\r\n"
    "\"multi\nline\",2,\r\n"
    "plain,,\"\"\n"
    "\n"
    "last,4,x";

const Rows kTrickyRows = {{"id", "P1", "note"},
                          {"a,b", "1", "say \"hi\""},
                          {"multi\nline", "2", ""},
                          {"plain", "", ""},
                          {"last", "4", "x"}};

TEST(CsvReader, ReadsQuotedFieldsAndEveryLineEnd) {
  Read r = ReadAll(CsvReader(FromString(kTricky)));
  EXPECT_EQ(r.records, kTrickyRows);
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 2, 3, 5, 7}));  // line 6 is blank
  EXPECT_EQ(r.end, CsvStatus::kEnd);
}

TEST(CsvReader, SameRecordsForEveryChunkSizeAndShortReads) {
  for (size_t chunk = 4; chunk <= kTricky.size() + 1; ++chunk) {
    for (size_t max_read : {size_t{1}, size_t{3}, SIZE_MAX}) {
      Read r =
          ReadAll(CsvReader(FromString(kTricky, max_read), {.chunk_bytes = chunk, .max_record_bytes = 64}));
      EXPECT_EQ(r.records, kTrickyRows) << "chunk " << chunk << ", reads of " << max_read;
      EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 2, 3, 5, 7})) << "chunk " << chunk;
    }
  }
}

TEST(CsvReader, FieldLinesCountLineBreaksInsideQuotes) {
  CsvReader reader(FromString("a,\"x\r\ny\rz\",b\nc,d,e\n"));
  CsvRecord record;
  ASSERT_EQ(reader.Next(record), CsvStatus::kRecord);
  EXPECT_EQ(record.field_lines, (std::vector<uint64_t>{1, 1, 3}));
  EXPECT_EQ(record.fields[1], "x\r\ny\rz");
  ASSERT_EQ(reader.Next(record), CsvStatus::kRecord);
  EXPECT_EQ(record.line, 4u);
}

TEST(CsvReader, LoneCarriageReturnsEndLines) {
  Read r = ReadAll(CsvReader(FromString("a,b\rc,d\r")));
  EXPECT_EQ(r.records, (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 2}));
}

TEST(CsvReader, SkipsAByteOrderMarkAndKeepsTrailingEmptyFields) {
  Read r = ReadAll(CsvReader(FromString("\xEF\xBB\xBFid,x,\n1,,\n")));
  EXPECT_EQ(r.records, (Rows{{"id", "x", ""}, {"1", "", ""}}));
}

TEST(CsvReader, BlankLinesCanBeRecords) {
  Read r = ReadAll(CsvReader(FromString("a\n\nb\n"), {.skip_blank_lines = false}));
  EXPECT_EQ(r.records, (Rows{{"a"}, {""}, {"b"}}));
}

TEST(CsvReader, StepsOverAQuotingMistakeToTheNextRecord) {
  Read r = ReadAll(CsvReader(FromString("id,v\n\"a\"x,1\nb,2\"\nc,3\n")));
  EXPECT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.problems[1], "2:0:text after the closing quote");
  EXPECT_EQ(r.problems[2], "3:1:a quote inside a field that does not start with one");
  EXPECT_EQ(r.records[3], (std::vector<std::string>{"c", "3"}));
  EXPECT_EQ(r.problems[3], "");
}

TEST(CsvReader, AQuoteNeverClosedIsFatalAtTheLineItOpened) {
  Read r = ReadAll(CsvReader(FromString("id,v\na,1\nb,\"2\nc,3\n")));
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.end, CsvStatus::kFatal);
  EXPECT_EQ(r.fatal, "3: a quoted field is never closed");
}

TEST(CsvReader, ARecordLongerThanTheLimitIsFatal) {
  Read r = ReadAll(CsvReader(FromString("a,b\n\"" + std::string(100, 'x') + "\"\n"),
                             {.chunk_bytes = 8, .max_record_bytes = 32}));
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.end, CsvStatus::kFatal);
  EXPECT_NE(r.fatal.find("longer than 32 bytes"), std::string::npos) << r.fatal;
}

TEST(CsvReader, AReadErrorIsFatalAndSaysSo) {
  CsvReader reader([](char*, size_t) -> ptrdiff_t {
    errno = EIO;
    return -1;
  });
  CsvRecord record;
  EXPECT_EQ(reader.Next(record), CsvStatus::kFatal);
  EXPECT_TRUE(reader.read_failed());
}

TEST(CsvReader, NoAllocationPerRecordOnceWarm) {
  std::string data = "id,a,b\n";
  for (int i = 0; i < 20000; ++i) data += "\"id " + std::to_string(i) + "\"\"\",1,\n";
  CsvReader reader(FromString(std::move(data)), {.chunk_bytes = 4096});
  CsvRecord record;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(reader.Next(record), CsvStatus::kRecord);
  const size_t before = testing::AllocationCount();
  size_t records = 0;
  while (reader.Next(record) == CsvStatus::kRecord) ++records;
  EXPECT_EQ(records, 19991u);
  EXPECT_EQ(testing::AllocationCount(), before);
}

}  // namespace
}  // namespace kneeregen
