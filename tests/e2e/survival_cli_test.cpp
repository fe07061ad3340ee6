// `kneeregen survival` as a script meets it: the JSON contract on R's lung data against the answers R
// wrote to tests/golden/survival (regenerate.R), the layout without --group or --covariates, group values
// kept as text, and every refusal of a bad file with exit code 2 and the line it is on.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/process_harness.hpp"

namespace kneeregen::e2e {
namespace {

// Parsed keeping the key order, because the order of the groups is part of the contract.
using json = nlohmann::ordered_json;

const std::string kGoldenDir =
    (std::filesystem::path(__FILE__).parent_path().parent_path() / "golden" / "survival").string() + "/";

json Golden(const std::string& name) {
  std::ifstream in(kGoldenDir + name + ".expected.json");
  if (!in) throw std::runtime_error("cannot open the golden file for " + name);
  return json::parse(in);
}

std::string Describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out.substr(0, 2000) + "\nstderr:\n" +
         r.err;
}

CommandResult Survival(const std::string& path, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"survival", "--in", path};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunKneeregen(args);
}

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.File(name), std::ios::binary) << text;
  return dir.File(name);
}

// 1e-6, relative for values above 1 in size; null only where R has NA.
::testing::AssertionResult Matches(const json& ours, const json& r) {
  if (r.is_null() || ours.is_null())
    return ours.is_null() == r.is_null() ? ::testing::AssertionSuccess()
                                         : ::testing::AssertionFailure() << ours << " vs R " << r;
  const double a = ours.get<double>(), b = r.get<double>();
  if (std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs R " << b;
}

TEST(SurvivalCli, HelpStatesTheContract) {
  CommandResult r = RunKneeregen({"survival", "--help"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const char* needle :
       {"--time", "--event", "--group", "--covariates", "--ties", "order of first appearance",
        "times ascending", "\"all\"", "no \"logrank\" key", "no \"cox\" key", "line L"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle;
}

TEST(SurvivalCli, LungMatchesRCurveByCurveTestAndModel) {
  const json golden = Golden("lung");
  CommandResult r = Survival(kGoldenDir + "lung.csv", {"--time", "time", "--event", "status", "--group",
                                                       "sex", "--covariates", "age,sex,ph.ecog"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.err, "");
  const json out = json::parse(r.out);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one JSON object on one line";

  // Rows: groups in order of first appearance (lung starts with sex 1), times ascending within each.
  const json& km = out["km"];
  size_t row = 0;
  for (const std::string group : {"1", "2"}) {
    const json& curve = golden["km_groups"][group];
    for (size_t i = 0; i < curve["time"].size(); ++i, ++row) {
      ASSERT_LT(row, km.size());
      SCOPED_TRACE("group " + group + ", row " + std::to_string(i));
      EXPECT_EQ(km[row]["group"], group);
      EXPECT_EQ(km[row]["time"].get<double>(), curve["time"][i].get<double>());
      EXPECT_EQ(km[row]["n_risk"], curve["n_risk"][i]);
      EXPECT_EQ(km[row]["n_event"], curve["n_event"][i]);
      EXPECT_TRUE(Matches(km[row]["survival"], curve["survival"][i]));
      EXPECT_TRUE(Matches(km[row]["lower"], curve["lower"][i]));
      EXPECT_TRUE(Matches(km[row]["upper"], curve["upper"][i]));
    }
    EXPECT_TRUE(Matches(out["median"][group], curve["median"])) << group;
    EXPECT_TRUE(Matches(out["median_ci"][group][0], curve["median_lower"])) << group;
    EXPECT_TRUE(Matches(out["median_ci"][group][1], curve["median_upper"])) << group;
  }
  EXPECT_EQ(row, km.size());
  EXPECT_EQ(out["median"].begin().key(), "1");

  EXPECT_TRUE(Matches(out["logrank"]["chisq"], golden["logrank"]["chisq"]));
  EXPECT_EQ(out["logrank"]["df"], golden["logrank"]["df"]);
  EXPECT_TRUE(Matches(out["logrank"]["p"], golden["logrank"]["p"]));

  const json& cox = out["cox"];
  EXPECT_EQ(cox["ties"], "efron");
  EXPECT_EQ(cox["covariates"], json({"age", "sex", "ph.ecog"}));
  EXPECT_EQ(cox["n"], golden["cox_rows"]);
  EXPECT_EQ(cox["rows_left_out"], 1);  // the row without ph.ecog, as R's na.omit
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_TRUE(Matches(cox["coef"][j], golden["cox_efron"]["coef"][j])) << j;
    EXPECT_TRUE(Matches(cox["se"][j], golden["cox_efron"]["se"][j])) << j;
    EXPECT_TRUE(Matches(cox["p"][j], golden["cox_efron"]["p"][j])) << j;
  }
  EXPECT_TRUE(Matches(cox["loglik"][0], golden["cox_efron"]["loglik"][0]));
  EXPECT_TRUE(Matches(cox["loglik"][1], golden["cox_efron"]["loglik"][1]));
}

TEST(SurvivalCli, BreslowTiesOnRequest) {
  const json golden = Golden("knee_registry");
  CommandResult r = Survival(
      kGoldenDir + "knee_registry.csv",
      {"--time", "months", "--event", "tka", "--covariates", "age,kl,bmi,male", "--ties", "breslow"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json out = json::parse(r.out);
  EXPECT_EQ(out["cox"]["ties"], "breslow");
  for (size_t j = 0; j < 4; ++j)
    EXPECT_TRUE(Matches(out["cox"]["coef"][j], golden["cox_breslow"]["coef"][j])) << j;
  EXPECT_TRUE(Matches(out["cox"]["loglik"][1], golden["cox_breslow"]["loglik"][1]));
}

TEST(SurvivalCli, WithoutGroupOneCurveNamedAllAndNoLogRank) {
  const json golden = Golden("lung");
  CommandResult r = Survival(kGoldenDir + "lung.csv", {"--time", "time", "--event", "status"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json out = json::parse(r.out);
  EXPECT_FALSE(out.contains("logrank"));
  EXPECT_FALSE(out.contains("cox"));
  ASSERT_EQ(out["km"].size(), golden["km_all"]["time"].size());
  for (const auto& row : out["km"]) EXPECT_EQ(row["group"], "all");
  EXPECT_TRUE(Matches(out["median"]["all"], golden["km_all"]["median"]));
  EXPECT_TRUE(Matches(out["km"].back()["survival"], golden["km_all"]["survival"].back()));
}

TEST(SurvivalCli, GroupValuesStayTextAndAGroupWithoutEventsHasNoRows) {
  TempDir dir;
  const std::string path =
      WriteFile(dir, "groups.csv", "t,e,arm\r\n5,1,02\r\n3,0,B\r\n4,1,2\r\n\"6\",0,02\r\n7,0,B\r\n2,1,2\r\n");
  CommandResult r = Survival(path, {"--time", "t", "--event", "e", "--group", "arm"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json out = json::parse(r.out);
  std::vector<std::string> order;
  for (auto it = out["median"].begin(); it != out["median"].end(); ++it) order.push_back(it.key());
  EXPECT_EQ(order, (std::vector<std::string>{"02", "B", "2"}));  // "02" and "2" are different groups
  EXPECT_TRUE(out["median"]["B"].is_null());
  for (const auto& row : out["km"]) EXPECT_NE(row["group"], "B");
  EXPECT_EQ(out["km"][0]["group"], "02");
  EXPECT_EQ(out["km"][1]["group"], "2");
  EXPECT_EQ(out["km"][1]["time"], 2);
  EXPECT_EQ(out["km"][2]["time"], 4);
  EXPECT_EQ(out["logrank"]["df"], 2);
}

TEST(SurvivalCli, EveryBadFileStopsWithExitTwoNamingTheLine) {
  TempDir dir;
  struct Case {
    const char* name;
    std::string text;
    std::string says;
  };
  const std::string header = "time,event,arm,age\n";
  const std::vector<Case> cases = {
      {"empty", "", "line 1: the file is empty"},
      {"header only", header, "line 2: the file has a header but no data rows"},
      {"missing column", "time,status,arm,age\n5,1,A,60\n",
       "line 1, column event: is missing from the header"},
      {"negative time", header + "5,1,A,60\n-3,0,A,61\n", "line 3, column time: \"-3\" is negative"},
      {"text time", header + "5,1,A,60\n7,0,A,61\nsoon,1,B,62\n",
       "line 4, column time: \"soon\" is not a number"},
      {"empty time", header + ",1,A,60\n", "line 2, column time: is empty"},
      {"event 2", header + "5,2,A,60\n", "line 2, column event: \"2\" is not an event indicator"},
      {"event yes", header + "5,1,A,60\n5,yes,A,60\n",
       "line 3, column event: \"yes\" is not an event indicator"},
      {"text covariate", header + "5,1,A,60\n6,0,B,old\n", "line 3, column age: \"old\" is not a number"},
      {"short row", header + "5,1,A,60\n6,0,B\n", "line 3, column age: the row has 3 fields, the header 4"},
      {"empty group", header + "5,1,,60\n", "line 2, column arm: is empty"},
      {"open quote", header + "5,1,\"A,60\n", "line 2: a quoted field is never closed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteFile(dir, "bad.csv", c.text);
    CommandResult r =
        Survival(path, {"--time", "time", "--event", "event", "--group", "arm", "--covariates", "age"});
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_EQ(r.out, "") << "nothing on stdout when the file is refused";
    EXPECT_NE(r.err.find("kneeregen: " + c.says), std::string::npos) << Describe(r);
  }
}

TEST(SurvivalCli, AMissingFileOrABadTiesValueIsNotAnInputError) {
  CommandResult missing = Survival("/nonexistent/registry.csv", {"--time", "t", "--event", "e"});
  EXPECT_EQ(missing.exit_code, 1) << Describe(missing);
  CommandResult ties = Survival(kGoldenDir + "lung.csv", {"--time", "time", "--event", "status",
                                                          "--covariates", "age", "--ties", "exact"});
  EXPECT_NE(ties.exit_code, 0);
  EXPECT_NE(ties.exit_code, 2);
}

}  // namespace
}  // namespace kneeregen::e2e
