// `kneeregen score koos` as a script meets it: the CSV contract (columns in any order, quoted ids, CRLF,
// empty cells), every refusal with its line, column and exit code, --skip-invalid, the two missing-data
// rules, and memory that stays flat while a large file streams through.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "e2e/process_harness.hpp"

extern char** environ;

namespace kneeregen::e2e {
namespace {

std::vector<std::string> KoosItems() {
  std::vector<std::string> items;
  for (auto [prefix, count] : {std::pair<const char*, int>{"P", 9}, {"S", 7}, {"A", 17}, {"SP", 5}, {"Q", 4}})
    for (int i = 1; i <= count; ++i) items.push_back(prefix + std::to_string(i));
  return items;
}

// The header in a shuffled but fixed order, with the id column in the middle.
std::vector<std::string> ShuffledHeader() {
  std::vector<std::string> columns = KoosItems();
  std::reverse(columns.begin(), columns.end());
  std::rotate(columns.begin(), columns.begin() + 11, columns.end());
  columns.insert(columns.begin() + 20, "id");
  return columns;
}

// One CSV row: `raw_id` as it goes in the file (already quoted if needed), every item `fill` unless
// `answers` says otherwise ("" = missing).
std::string Row(const std::vector<std::string>& header, const std::string& raw_id, const std::string& fill,
                const std::map<std::string, std::string>& answers = {}, const std::string& eol = "\r\n") {
  std::string row;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i) row += ',';
    auto it = answers.find(header[i]);
    row += header[i] == "id" ? raw_id : it != answers.end() ? it->second : fill;
  }
  return row + eol;
}

std::string HeaderLine(const std::vector<std::string>& header, const std::string& eol = "\r\n") {
  std::string line;
  for (const auto& h : header) line += (line.empty() ? "" : ",") + h;
  return line + eol;
}

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.File(name), std::ios::binary) << text;
  return dir.File(name);
}

std::string Describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

const std::string kOutputHeader =
    "id,pain,symptoms,adl,sport_rec,qol,womac_pain,womac_stiffness,womac_function\r\n";

CommandResult Score(const std::string& path, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"score", "koos", "--in", path};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunKneeregen(args);
}

TEST(ScoreCli, HelpStatesTheContract) {
  CommandResult r = RunKneeregen({"score", "koos", "--help"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const char* needle :
       {"--in", "--rule", "--skip-invalid", "id,pain,symptoms,adl,sport_rec,qol,womac_pain", "8 bytes",
        "use stdout only when the exit code is 0", "Exit", "0  every row was scored",
        "1  the file could not be opened", "2  invalid input"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << "help lacks: " << needle;
}

TEST(ScoreCli, ScoresShuffledColumnsQuotedIdsCrlfAndEmptyCells) {
  TempDir dir;
  const auto header = ShuffledHeader();
  std::string csv = HeaderLine(header);
  csv += Row(header, "\"Smith, J\"", "1");
  csv += Row(header, "\"say \"\"hi\"\"\"", "0", {{"P1", ""}, {"A1", ""}});
  csv += Row(header, "\"two\r\nlines\"", "", {{"Q1", "3"}, {"Q2", "3"}, {"Q3", "2"}, {"Q4", "4"}});
  csv += Row(header, "domain-pain", "",
             {{"P1", "2"},
              {"P2", "1"},
              {"P3", "1"},
              {"P4", "2"},
              {"P5", "0"},
              {"P6", "1"},
              {"P7", "2"},
              {"P8", "1"},
              {"P9", "1"}});
  CommandResult r = Score(WriteFile(dir, "in.csv", csv));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, kOutputHeader +
                       "\"Smith, J\",75.0000,75.0000,75.0000,75.0000,75.0000,5,2,17\r\n"
                       "\"say \"\"hi\"\"\",100.0000,100.0000,100.0000,100.0000,100.0000,0,0,\r\n"
                       "\"two\r\nlines\",,,,,25.0000,,,\r\n"
                       "domain-pain,69.4444,,,,,5,,\r\n");
  EXPECT_EQ(r.err, "");
}

TEST(ScoreCli, LfLineEndsAndABlankLastLineWork) {
  TempDir dir;
  const auto header = KoosItems();
  std::vector<std::string> with_id = {"id"};
  with_id.insert(with_id.end(), header.begin(), header.end());
  std::string csv = HeaderLine(with_id, "\n") + Row(with_id, "a", "4", {}, "\n") + "\n";
  CommandResult r = Score(WriteFile(dir, "in.csv", csv));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, kOutputHeader + "a,0.0000,0.0000,0.0000,0.0000,0.0000,20,8,68\r\n");
}

struct BadValue {
  std::string value;
  std::string says;
};

TEST(ScoreCli, AnInvalidValueStopsWithItsLineAndColumn) {
  for (const BadValue& bad :
       {BadValue{"5", "is not one of the answers"}, BadValue{"-1", "is not one of the answers"},
        BadValue{"abc", "is not a number"}, BadValue{"2.5", "is not a whole number"},
        BadValue{"2.0", "is not a whole number"}, BadValue{" 2", "spaces"}}) {
    TempDir dir;
    const auto header = ShuffledHeader();
    // The first row's id spans two physical lines, so the bad row starts on line 4.
    std::string csv = HeaderLine(header) + Row(header, "\"first\nrow\"", "1") +
                      Row(header, "second", "1", {{"P3", bad.value}}) + Row(header, "third", "1");
    CommandResult r = Score(WriteFile(dir, "in.csv", csv));
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find("line 4, column P3: \"" + bad.value + "\" "), std::string::npos) << Describe(r);
    EXPECT_NE(r.err.find(bad.says), std::string::npos) << Describe(r);
    EXPECT_NE(r.err.find("not a complete result"), std::string::npos) << Describe(r);
    EXPECT_EQ(r.out.find("third"), std::string::npos) << "nothing after the bad row is scored";
  }
}

TEST(ScoreCli, HeaderProblemsAreEachNamedAndExitTwo) {
  TempDir dir;
  auto header = KoosItems();
  header.insert(header.begin(), "id");
  auto unknown = header;
  unknown[5] = "X9";
  CommandResult r = Score(WriteFile(dir, "unknown.csv", HeaderLine(unknown) + Row(unknown, "a", "1")));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("line 1, column \"X9\": is not a column"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("line 1, column " + header[5] + ": is missing from the header"), std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.out, "");

  auto repeated = header;
  repeated.push_back("Q2");
  r = Score(WriteFile(dir, "repeated.csv", HeaderLine(repeated) + Row(repeated, "a", "1")),
            {"--skip-invalid"});
  EXPECT_EQ(r.exit_code, 2) << "a bad header is fatal even with --skip-invalid\n" << Describe(r);
  EXPECT_NE(r.err.find("line 1, column Q2: appears more than once"), std::string::npos) << Describe(r);

  r = Score(WriteFile(dir, "empty.csv", ""));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
}

TEST(ScoreCli, ARepeatedIdOrAWrongFieldCountStops) {
  TempDir dir;
  const auto header = ShuffledHeader();
  CommandResult r = Score(
      WriteFile(dir, "dup.csv",
                HeaderLine(header) + Row(header, "a", "1") + Row(header, "b", "1") + Row(header, "a", "2")));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("line 4, column id: \"a\" is a repeated id"), std::string::npos) << Describe(r);

  std::string short_row = Row(header, "c", "1");
  short_row = short_row.substr(0, short_row.rfind(',')) + "\r\n";
  r = Score(WriteFile(dir, "short.csv", HeaderLine(header) + Row(header, "a", "1") + short_row));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("line 3, column " + header.back() + ": the row has 42 fields, the header 43"),
            std::string::npos)
      << Describe(r);
}

TEST(ScoreCli, SkipInvalidScoresTheRestReportsEachAndExitsZero) {
  TempDir dir;
  const auto header = ShuffledHeader();
  std::string csv = HeaderLine(header) + Row(header, "ok1", "1") +
                    Row(header, "bad-value", "1", {{"SP2", "9"}}) + Row(header, "ok2", "0") +
                    Row(header, "ok1", "0") + Row(header, "", "1") +
                    Row(header, "two-bad", "1", {{"A3", "x"}, {"Q1", "7"}}) + Row(header, "ok3", "4");
  CommandResult r = Score(WriteFile(dir, "in.csv", csv), {"--skip-invalid"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, kOutputHeader + "ok1,75.0000,75.0000,75.0000,75.0000,75.0000,5,2,17\r\n" +
                       "ok2,100.0000,100.0000,100.0000,100.0000,100.0000,0,0,0\r\n" +
                       "ok3,0.0000,0.0000,0.0000,0.0000,0.0000,20,8,68\r\n");
  for (const char* needle : {"line 3, column SP2: \"9\"", "line 5, column id: \"ok1\" is a repeated id",
                             "line 6, column id: is empty", "(and 1 more in this row)",
                             "scored 3 rows; left out 4 rows that were invalid"})
    EXPECT_NE(r.err.find(needle), std::string::npos) << needle << "\n" << Describe(r);
}

TEST(ScoreCli, Rule1998NeedsMoreAnswersThan2012) {
  TempDir dir;
  const auto header = ShuffledHeader();
  std::string csv = HeaderLine(header) + Row(header, "two-missing", "1", {{"P2", ""}, {"P7", ""}}) +
                    Row(header, "three-missing", "1", {{"P2", ""}, {"P7", ""}, {"P9", ""}});
  const std::string path = WriteFile(dir, "in.csv", csv);
  CommandResult r2012 = Score(path, {"--rule", "2012"});
  CommandResult r1998 = Score(path, {"--rule", "1998"});
  ASSERT_EQ(r2012.exit_code, 0) << Describe(r2012);
  ASSERT_EQ(r1998.exit_code, 0) << Describe(r1998);
  // Two missing pain items (7 of 9 answered) are within both rules; three missing only within 2012's.
  EXPECT_EQ(r2012.out, kOutputHeader + "two-missing,75.0000,75.0000,75.0000,75.0000,75.0000,,2,17\r\n" +
                           "three-missing,75.0000,75.0000,75.0000,75.0000,75.0000,,2,17\r\n");
  EXPECT_EQ(r1998.out, kOutputHeader + "two-missing,75.0000,75.0000,75.0000,75.0000,75.0000,,2,17\r\n" +
                           "three-missing,,75.0000,75.0000,75.0000,75.0000,,2,17\r\n");
  EXPECT_EQ(Score(path).out, r2012.out) << "2012 is the default";
  EXPECT_NE(Score(path, {"--rule", "2000"}).exit_code, 0);
}

TEST(ScoreCli, AMissingFileExitsOne) {
  CommandResult r = Score("/nonexistent-kneeregen-dir/in.csv");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << Describe(r);
}

// How much more a 200,000-row file may take than a 1,000-row one. The id-hash table for 200,000 ids is 4 MiB
// (plus 2 MiB while it doubles); holding the file would add more than 35 MiB. Sanitizer builds shadow what
// they touch (TSan by several times) and ASan keeps freed blocks in quarantine, so they get more room.
#if defined(__SANITIZE_THREAD__)
constexpr long kRoomKib = 48 * 1024;
#elif defined(__SANITIZE_ADDRESS__)
constexpr long kRoomKib = 24 * 1024;
#else
constexpr long kRoomKib = 12 * 1024;
#endif

// Runs the binary with stdout to a file and returns its exit code and peak resident set (KiB).
std::pair<int, long> RunMeasured(const std::vector<std::string>& args, const std::string& out_path) {
  std::vector<std::string> argv_storage = {KneeregenBinary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return {-1, 0};
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  return {ExitCodeOf(status), usage.ru_maxrss};
}

std::string GeneratedFile(const TempDir& dir, const std::string& name, int rows) {
  const auto header = ShuffledHeader();
  std::ofstream out(dir.File(name), std::ios::binary);
  out << HeaderLine(header);
  const std::string padding(120, 'x');  // long ids make the file far larger than the memory bound below
  for (int i = 0; i < rows; ++i)
    out << Row(header, "patient-" + std::to_string(i) + "-" + padding, std::to_string(i % 5),
               {{"P3", i % 7 == 0 ? "" : "2"}});
  return dir.File(name);
}

TEST(ScoreCli, MemoryStaysFlatWhileALargeFileStreams) {
  TempDir dir;
  const std::string small = GeneratedFile(dir, "small.csv", 1000);
  const std::string large = GeneratedFile(dir, "large.csv", 200000);
  const auto large_bytes = static_cast<long>(std::ifstream(large, std::ios::ate | std::ios::binary).tellg());
  ASSERT_GT(large_bytes, 35L << 20);
  auto [small_exit, small_kib] = RunMeasured({"score", "koos", "--in", small}, dir.File("small.out"));
  auto [large_exit, large_kib] = RunMeasured({"score", "koos", "--in", large}, dir.File("large.out"));
  ASSERT_EQ(small_exit, 0);
  ASSERT_EQ(large_exit, 0);
  const std::string output = ReadFile(dir.File("large.out"));
  EXPECT_EQ(CountOccurrences(output, "\r\n"), 200001u);
  EXPECT_LT(large_kib - small_kib, kRoomKib)
      << "peak RSS " << small_kib << " KiB for 1,000 rows, " << large_kib << " KiB for 200,000 rows ("
      << (large_bytes >> 20) << " MiB)";
}

}  // namespace
}  // namespace kneeregen::e2e
