// `kneeregen report` as a black box: the binary seeds a small synthetic clinic, prints both reports as text
// within 100 columns and as JSON, and refuses a bad filter naming it, with a non-zero exit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include "core/json_body.hpp"

namespace kneeregen {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

CommandRun Kneeregen(const std::string& arguments) {
  const char* binary = std::getenv("KNEEREGEN_BINARY");
  CommandRun run;
  FILE* pipe = popen((std::string(binary ? binary : "kneeregen") + " " + arguments + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class ReportCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ =
        (std::filesystem::temp_directory_path() / ("kneeregen-report-" + std::to_string(getpid()) + ".db"))
            .string();
    std::filesystem::remove(path_);
    CommandRun seeded = Kneeregen("demo --db sqlite:" + path_ + " --patients 300 --seed 3");
    ASSERT_EQ(seeded.exit_code, 0) << seeded.out;
  }
  static void TearDownTestSuite() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  static std::string db() { return "--db sqlite:" + path_ + " --clinic 1"; }
  static std::string path_;
};
std::string ReportCommand::path_;

void ExpectWithin100Columns(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
}

TEST_F(ReportCommand, OutcomesPrintAsTextAndJson) {
  CommandRun text = Kneeregen("report outcomes " + db());
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_EQ(text.out.rfind("SYNTHETIC DEMO DATA", 0), 0u);
  EXPECT_NE(text.out.find("Observational comparison"), std::string::npos);
  ExpectWithin100Columns(text.out);
  CommandRun json = Kneeregen("report outcomes --format json --kl-grade 3 " + db());
  ASSERT_EQ(json.exit_code, 0) << json.out;
  Json parsed = Json::parse(json.out);
  EXPECT_EQ(parsed["filter"]["kl_grade"], 3);
  EXPECT_EQ(parsed["synthetic"], true);
}

TEST_F(ReportCommand, ExpectationNeverPromisesAndBadValuesFail) {
  CommandRun report =
      Kneeregen("report expectation --kl-grade 2 --age 57 --product bone_marrow_concentrate " + db());
  ASSERT_EQ(report.exit_code, 0) << report.out;
  EXPECT_FALSE(
      std::regex_search(report.out, std::regex(R"(\bwill\b|guarantee|promise|\bcure)", std::regex::icase)))
      << report.out;
  EXPECT_NE(report.out.find("Mautner 2023"), std::string::npos);
  ExpectWithin100Columns(report.out);
  CommandRun bad = Kneeregen("report outcomes --kl-grade 9 " + db());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("kl_grade"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace kneeregen
