// Registry analytics through the real server: a researcher reads aggregates with nothing identifying in
// them, another clinic's courses never change the counts, bad filters are refused naming the parameter,
// and the expectation report answers over the API without promising anything.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "course_fixture.hpp"

namespace kneeregen::testing {
namespace {

using ApiAnalyticsTest = ApiTest;

// Treated courses (consented, one session performed) in `clinic_id`.
void TreatCourses(ApiWorld& w, int64_t clinic_id, int count) {
  for (int i = 0; i < count; ++i) {
    CourseChain chain = NewChain(w, ChainDepth::kConsented, clinic_id);
    RecordSession(w, chain, "LOT-AN-" + std::to_string(w.Next()));
  }
}

Json Outcomes(ApiWorld& w, Role role, const std::string& query = "") {
  HttpReply reply = w.Get("/api/v1/analytics/outcomes" + query, &w.SessionFor(role));
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  return reply.json();
}

void ExpectNothingIdentifying(const Json& value) {
  static const std::set<std::string> keys = {"id",    "patient_id", "knee_id",     "course_id",
                                             "mrn",   "given_name", "family_name", "birth_date",
                                             "email", "phone",      "full_name"};
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      EXPECT_EQ(keys.count(key), 0u) << key;
      ExpectNothingIdentifying(child);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) ExpectNothingIdentifying(child);
  }
}

TEST_P(ApiAnalyticsTest, EveryReadingRoleGetsAggregatesAndAnotherClinicNeverCounts) {
  TreatCourses(world(), world().own().clinic_id, 12);
  const Json before = Outcomes(world(), Role::kResearcher);
  ASSERT_TRUE(before["courses"]["n"].is_number()) << before["courses"].dump();
  const int own_courses = before["courses"]["n"];
  EXPECT_GE(own_courses, 12);
  ExpectNothingIdentifying(before);
  EXPECT_EQ(before.dump().find("CRS-"), std::string::npos) << "an MRN of the fixture patients leaked";

  TreatCourses(world(), world().foreign().clinic_id, 12);
  for (Role role : {Role::kAdmin, Role::kClinician, Role::kCoordinator, Role::kResearcher}) {
    const Json after = Outcomes(world(), role);
    EXPECT_EQ(after["courses"]["n"], own_courses) << "another clinic's courses were counted";
  }
}

TEST_P(ApiAnalyticsTest, BadFiltersAreRefusedNamingTheParameter) {
  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"?kl_grade=9", "kl_grade"},
                                                        {"?shoe_size=44", "shoe_size"},
                                                        {"?sessions=0", "sessions"},
                                                        {"?protocol=999999", "protocol"},
                                                        {"?product=unicorn_dust", "product"},
                                                        {"?first_session_to=yesterday", "first_session_to"},
                                                        {"?kl_grade=2&kl_grade=3", "kl_grade"}}) {
    HttpReply reply =
        world().Get("/api/v1/analytics/outcomes" + query, &world().SessionFor(Role::kResearcher));
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_EQ(reply.error_fields(), (std::set<std::string>{field})) << query << " " << reply.Describe();
  }
  HttpReply missing =
      world().Get("/api/v1/analytics/expectation?kl_grade=2", &world().SessionFor(Role::kClinician));
  ExpectProblem(missing, 400, "validation_failed");
  EXPECT_EQ(missing.error_fields(), (std::set<std::string>{"age", "product"}));
}

TEST_P(ApiAnalyticsTest, TheExpectationReportSaysWhenTheGroupIsTooSmall) {
  HttpReply reply =
      world().Get("/api/v1/analytics/expectation?kl_grade=4&age=71&product=bone_marrow_concentrate",
                  &world().SessionFor(Role::kResearcher));
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  const Json report = reply.json();
  EXPECT_EQ(report["enough"], false);
  EXPECT_FALSE(report.contains("pain_change_12m"));
  EXPECT_NE(report["statement"].get<std::string>().find("too few to say anything"), std::string::npos);
  EXPECT_EQ(report["criteria"]["age_band"], "70-79");
  bool mautner = false;
  for (const auto& e : report["evidence"])
    mautner = mautner || e["source"].get<std::string>().find("Mautner 2023") == 0;
  EXPECT_TRUE(mautner);
  EXPECT_FALSE(std::regex_search(reply.body, std::regex(R"(\bwill\b|guarantee|promise)", std::regex::icase)));
  ExpectNothingIdentifying(report);
}

TEST_P(ApiAnalyticsTest, SignedOutCallersGetNothing) {
  HttpReply reply = world().Get("/api/v1/analytics/outcomes", nullptr);
  ExpectProblem(reply, 401, "unauthenticated");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiAnalyticsTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
