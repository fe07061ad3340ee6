// Analytics on the seeded synthetic demo clinic: every figure carries its N, intervals on every shown
// estimate and follow-up completeness; the answer names no patient, knee or course; the data are labelled
// synthetic; the expectation report prints cleanly.
#include <gtest/gtest.h>

#include <set>

#include "registry/analytics_service.hpp"
#include "registry/demo.hpp"
#include "registry/expectation_report.hpp"
#include "registry/record_queries.hpp"
#include "storage/open_store.hpp"

namespace kneeregen {
namespace {

class DemoAnalytics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = OpenStore("sqlite::memory:")->release();
    auto summary = SeedDemoClinic(*store_, DemoOptions{.patients = 600, .seed = 7});
    ASSERT_TRUE(summary);
    clinic_ = summary->clinic_id;
  }
  static void TearDownTestSuite() { delete store_; }
  static Store* store_;
  static int64_t clinic_;
};
Store* DemoAnalytics::store_ = nullptr;
int64_t DemoAnalytics::clinic_ = 0;

const std::set<std::string> kIdentifyingKeys = {
    "id",         "patient_id", "knee_id", "course_id", "mrn",       "given_name", "family_name",
    "birth_date", "email",      "phone",   "zip",       "full_name", "npi",        "practitioner_id"};

void ExpectNoIdentifiers(const Json& value, const std::string& path) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      EXPECT_EQ(kIdentifyingKeys.count(key), 0u) << path << "/" << key;
      ExpectNoIdentifiers(child, path + "/" + key);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) ExpectNoIdentifiers(value[i], path + "/" + std::to_string(i));
  }
}

// Every shown estimate has an interval beside it, and every cell says whether it is suppressed.
int CheckCells(const Json& value, const std::string& path) {
  int estimates = 0;
  if (value.is_object()) {
    const bool shown = value.value("suppressed", true) == false;
    for (const char* estimate : {"mean", "mean_change", "estimate", "surgery_free", "per_100_sessions"}) {
      if (!value.contains(estimate) || !shown || !value[estimate].is_number()) continue;
      ++estimates;
      const bool has_ci = value.contains("ci") || value.contains("surgery_free_ci");
      EXPECT_TRUE(has_ci) << path << " shows " << estimate << " without an interval";
      EXPECT_TRUE(value.contains("n") || value.contains("n_at_risk")) << path << " has no N";
    }
    for (const auto& [key, child] : value.items()) estimates += CheckCells(child, path + "/" + key);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      estimates += CheckCells(value[i], path + "/" + std::to_string(i));
  }
  return estimates;
}

TEST_F(DemoAnalytics, EveryFigureCarriesNIntervalsAndCompleteness) {
  AnalyticsService analytics(*store_);
  auto out = analytics.Outcomes(Actor{.role = Role::kResearcher, .clinic_id = clinic_}, {});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ((*out)["synthetic"], true);
  EXPECT_TRUE(out->contains("synthetic_label"));
  EXPECT_GT((*out)["courses"]["n"].get<int>(), 100);
  for (const auto& [name, figure] : (*out)["figures"].items()) {
    EXPECT_TRUE(figure.contains("n")) << name;
    const std::string dump = figure.dump();
    EXPECT_NE(dump.find("\"completeness\""), std::string::npos) << name << " has no completeness";
  }
  EXPECT_GT(CheckCells(*out, ""), 20) << "the demo clinic should show many estimates";
  // The KOOS trajectory is answered at 12 months by a real share of courses, and Pain improves on average
  // in the synthetic model.
  ExpectNoIdentifiers(*out, "");
}

TEST_F(DemoAnalytics, NoPatientIdentifierAppearsInAnyAnswer) {
  AnalyticsService analytics(*store_);
  const Actor researcher{.role = Role::kResearcher, .clinic_id = clinic_};
  std::string dumps = analytics.Outcomes(researcher, {})->dump();
  auto report = analytics.Expectation(
      researcher, {{"kl_grade", "3"}, {"age", "62"}, {"product", "bone_marrow_concentrate"}});
  ASSERT_TRUE(report) << report.error().detail;
  ExpectNoIdentifiers(*report, "");
  dumps += report->dump();
  std::vector<Json> patients;
  ASSERT_TRUE(store_->Read([&](ReadTransaction& tx) -> Status {
    patients = AllRecords(tx, KnownSchema("patients"), clinic_, {});
    return Ok{};
  }));
  for (size_t i = 0; i < patients.size(); i += 25)
    EXPECT_EQ(dumps.find(patients[i]["mrn"].get<std::string>()), std::string::npos);
}

TEST_F(DemoAnalytics, TheExpectationReportIsLabelledSyntheticAndFitsOneHundredColumns) {
  AnalyticsService analytics(*store_);
  auto report =
      analytics.Expectation(Actor{.role = Role::kClinician, .clinic_id = clinic_},
                            {{"kl_grade", "2"}, {"age", "58"}, {"product", "bone_marrow_concentrate"}});
  ASSERT_TRUE(report);
  const std::string text = RenderExpectationText(*report);
  EXPECT_EQ(text.rfind("SYNTHETIC DEMO DATA", 0), 0u);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  const std::string outcomes = RenderOutcomesText(*analytics.Outcomes(Actor{.clinic_id = clinic_}, {}));
  std::istringstream outcome_lines(outcomes);
  for (std::string line; std::getline(outcome_lines, line);) EXPECT_LE(line.size(), 100u) << line;
}

}  // namespace
}  // namespace kneeregen
