// AnalyticsService on registries whose answers are known: 12 patients with chosen KOOS Pain scores (means
// and intervals from R 4.x: t.test(a) and t.test(a, b, paired = TRUE), values in the comments), 10 patients
// (everything suppressed), a knee replaced at month 8 (survival::survfit), a second clinic that must not
// leak into counts, filters that refuse bad values, and the expectation report's wording.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "registry/analytics_cells.hpp"
#include "registry/analytics_service.hpp"
#include "registry/expectation_report.hpp"
#include "unit/registry/analytics_fixture.hpp"

namespace kneeregen {
namespace {

using testing_analytics::CourseSpec;
using testing_analytics::RegistryBuilder;

// R: b <- c(40,45,50,38,42,55,47,36,44,52,41,49); a <- c(62,60,71,50,58,80,66,49,57,75,52,70)
const std::vector<double> kBaseline = {40, 45, 50, 38, 42, 55, 47, 36, 44, 52, 41, 49};
const std::vector<double> kTwelveMonths = {62, 60, 71, 50, 58, 80, 66, 49, 57, 75, 52, 70};

Actor Reader(int64_t clinic, Role role = Role::kResearcher) {
  return Actor{.role = role, .clinic_id = clinic};
}

AnalyticsSettings Fixed() {
  AnalyticsSettings s;
  s.as_of = "2026-06-01";
  return s;
}

// `n` courses with the known scores (cycled), followed until 2026-05-01.
void AddKnownCourses(RegistryBuilder& b, int64_t clinic, size_t n, size_t offset = 0) {
  for (size_t i = 0; i < n; ++i) {
    CourseSpec spec;
    spec.pain = {{"baseline", kBaseline[(i + offset) % 12]}, {"12m", kTwelveMonths[(i + offset) % 12]}};
    spec.last_contact = "2026-05-01";
    spec.sessions = i % 2 ? 3 : 1;
    b.AddCourse(clinic, spec);
  }
}

const Json& Point(const Json& outcomes, const std::string& scale, const std::string& timepoint) {
  for (const auto& s : outcomes["figures"]["koos"]["scales"])
    if (s["scale"] == scale)
      for (const auto& p : s["timepoints"])
        if (p["timepoint"] == timepoint) return p;
  throw std::runtime_error("no point " + scale + " " + timepoint);
}

TEST(AnalyticsService, MeanAndPairedChangeOfTwelvePatientsMatchR) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Known");
  AddKnownCourses(b, clinic, 12);
  AnalyticsService analytics(b.store(), Fixed());
  auto out = analytics.Outcomes(Reader(clinic), {});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ((*out)["courses"]["n"], 12);
  const Json& p = Point(*out, "pain", "12m");
  // t.test(a): mean 62.5, 95 % CI 56.1203636803 to 68.8796363197
  EXPECT_EQ(p["score"]["n"], 12);
  EXPECT_NEAR(p["score"]["mean"].get<double>(), 62.5, 1e-9);
  EXPECT_NEAR(p["score"]["ci"]["lower"].get<double>(), 56.1203636803, 1e-6);
  EXPECT_NEAR(p["score"]["ci"]["upper"].get<double>(), 68.8796363197, 1e-6);
  // t.test(a, b, paired = TRUE): 17.5833333333, CI 14.5246869917 to 20.6419796749, p 6.74e-08
  const Json& c = p["change_from_baseline"];
  EXPECT_NEAR(c["mean_change"].get<double>(), 17.5833333333, 1e-6);
  EXPECT_NEAR(c["ci"]["lower"].get<double>(), 14.5246869917, 1e-6);
  EXPECT_NEAR(c["ci"]["upper"].get<double>(), 20.6419796749, 1e-6);
  EXPECT_EQ(p["completeness"]["expected"], 12);
  EXPECT_EQ(p["completeness"]["answered"], 12);
  // 11 of 12 improve by >= 11.3 (sum(a - b >= 11.3) in R): the one non-responder would be revealed.
  const Json& responders = (*out)["figures"]["responders"]["timepoints"];
  bool checked = false;
  for (const auto& t : responders)
    if (t["timepoint"] == "12m") {
      const Json& pain = t["mic_responders"][0]["responders"];
      EXPECT_EQ(pain["suppressed"], true) << pain.dump();
      EXPECT_TRUE(pain["events"].is_null());
      checked = true;
    }
  EXPECT_TRUE(checked);
  EXPECT_EQ((*out)["figures"]["responders"]["mic"]["method"], stats::DefaultKoosMic().method);
}

TEST(AnalyticsService, TenPatientsShowNoNumbers) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Small");
  AddKnownCourses(b, clinic, 10);
  AnalyticsService analytics(b.store(), Fixed());
  auto out = analytics.Outcomes(Reader(clinic), {});
  ASSERT_TRUE(out);
  EXPECT_TRUE((*out)["courses"]["n"].is_null());
  EXPECT_EQ((*out)["courses"]["suppressed"], true);
  const Json& p = Point(*out, "pain", "12m");
  EXPECT_EQ(p["score"]["suppressed"], true);
  EXPECT_TRUE(p["score"]["mean"].is_null());
  EXPECT_TRUE(p["score"]["ci"].is_null());
  EXPECT_EQ(p["change_from_baseline"]["suppressed"], true);
  EXPECT_EQ(p["score"]["reason"], "fewer than 11 patients");
  for (const auto& curve : (*out)["figures"]["knee_survival"]["curves"]) EXPECT_EQ(curve["suppressed"], true);
  // No figure states the cohort's size either.
  for (const auto& [name, figure] : (*out)["figures"].items())
    EXPECT_TRUE(figure["n"].is_null() || figure["n"] == 0) << name;
  // The same registry with a lower minimum shows the numbers: the suppression, not the data, hid them.
  AnalyticsSettings lower = Fixed();
  lower.min_cell = 5;
  auto shown = AnalyticsService(b.store(), lower).Outcomes(Reader(clinic), {});
  EXPECT_EQ(Point(*shown, "pain", "12m")["score"]["n"], 10);
}

// Figures count courses, and suppression is about patients: 16 treated knees of 8 patients show nothing,
// while 12 knees of 11 patients (one treated in both) reach the minimum of 11 and show.
TEST(AnalyticsService, BothKneesOfAPatientCountAsOnePatientForSuppression) {
  RegistryBuilder b;
  const int64_t bilateral = b.NewClinic("Both knees");
  for (size_t i = 0; i < 8; ++i) {
    CourseSpec spec;
    spec.pain = {{"baseline", kBaseline[i]}, {"12m", kTwelveMonths[i]}};
    spec.last_contact = "2026-05-01";
    spec.both_knees = true;
    b.AddCourse(bilateral, spec);
  }
  const int64_t mixed = b.NewClinic("Mostly one knee");
  AddKnownCourses(b, mixed, 10);
  CourseSpec both;
  both.pain = {{"baseline", kBaseline[10]}, {"12m", kTwelveMonths[10]}};
  both.last_contact = "2026-05-01";
  both.both_knees = true;
  b.AddCourse(mixed, both);
  AnalyticsService analytics(b.store(), Fixed());

  auto out = analytics.Outcomes(Reader(bilateral), {});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ((*out)["courses"]["suppressed"], true) << (*out)["courses"].dump();
  EXPECT_EQ((*out)["patients"]["suppressed"], true);
  const Json& p = Point(*out, "pain", "12m");
  EXPECT_EQ(p["score"]["suppressed"], true) << "16 knees, 8 patients: " << p["score"].dump();
  EXPECT_TRUE(p["score"]["mean"].is_null());
  EXPECT_EQ(p["change_from_baseline"]["suppressed"], true);
  EXPECT_EQ(p["completeness"]["suppressed"], true);
  for (const auto& curve : (*out)["figures"]["knee_survival"]["curves"]) EXPECT_EQ(curve["suppressed"], true);
  for (const auto& [name, figure] : (*out)["figures"].items())
    EXPECT_TRUE(figure["n"].is_null() || figure["n"] == 0) << name << ": " << figure["n"];
  // With a minimum of 8 the same knees show: 8 patients are enough.
  AnalyticsSettings eight = Fixed();
  eight.min_cell = 8;
  auto shown = AnalyticsService(b.store(), eight).Outcomes(Reader(bilateral), {});
  ASSERT_TRUE(shown);
  EXPECT_EQ(Point(*shown, "pain", "12m")["score"]["n"], 16);
  EXPECT_EQ((*shown)["patients"]["n"], 8);

  auto enough = analytics.Outcomes(Reader(mixed), {});
  ASSERT_TRUE(enough) << enough.error().detail;
  EXPECT_EQ((*enough)["courses"]["n"], 12);
  EXPECT_EQ((*enough)["patients"]["n"], 11);
  EXPECT_EQ(Point(*enough, "pain", "12m")["score"]["n"], 12) << "12 knees of 11 patients";
}

TEST(AnalyticsService, AKneeReplacedAtMonthEightShowsInKaplanMeier) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Survival");
  for (int i = 0; i < 12; ++i) {
    CourseSpec spec;
    spec.first_session = "2024-01-10";
    spec.last_contact = "2026-05-01";
    if (i == 0) spec.events = {{"total_knee_replacement", "2024-09-10"}};  // 8 months after
    b.AddCourse(clinic, spec);
  }
  auto out = AnalyticsService(b.store(), Fixed()).Outcomes(Reader(clinic), {});
  ASSERT_TRUE(out);
  const Json& all = (*out)["figures"]["knee_survival"]["curves"][0];
  ASSERT_EQ(all["group"], "all");
  EXPECT_EQ(all["n"], 12);
  // survfit(Surv(c(8, rep(28, 11)), c(1, rep(0, 11))) ~ 1): 1 at 6 months; 0.917 (0.773 to 1) at 12.
  const Json& six = all["points"][0];
  const Json& twelve = all["points"][1];
  EXPECT_EQ(six["month"], 6);
  EXPECT_DOUBLE_EQ(six["surgery_free"].get<double>(), 1.0);
  EXPECT_EQ(twelve["n_at_risk"], 11);
  EXPECT_NEAR(twelve["surgery_free"].get<double>(), 11.0 / 12, 1e-9);
  EXPECT_NEAR(twelve["surgery_free_ci"]["lower"].get<double>(), 0.773, 1e-3);
  EXPECT_NEAR(twelve["cumulative_incidence"].get<double>(), 1.0 / 12, 1e-9);
  // At 36 months nobody is followed: not shown.
  EXPECT_EQ(all["points"][3]["suppressed"], true);
}

TEST(AnalyticsService, AnotherClinicNeverCounts) {
  RegistryBuilder b;
  const int64_t own = b.NewClinic("Own");
  const int64_t other = b.NewClinic("Other");
  AddKnownCourses(b, own, 12);
  AddKnownCourses(b, other, 30, 5);
  AnalyticsService analytics(b.store(), Fixed());
  auto mine = analytics.Outcomes(Reader(own), {});
  ASSERT_TRUE(mine);
  EXPECT_EQ((*mine)["courses"]["n"], 12);
  EXPECT_NEAR(Point(*mine, "pain", "12m")["score"]["mean"].get<double>(), 62.5, 1e-9);
  auto theirs = analytics.Outcomes(Reader(other), {});
  EXPECT_EQ((*theirs)["courses"]["n"], 30);
  // A filter naming the other clinic's practitioner is refused, as if it did not exist.
  auto foreign = analytics.Outcomes(Reader(own), {{"practitioner", std::to_string(b.Practitioner(other))}});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().fields.at(0).field, "practitioner");
}

TEST(AnalyticsService, FiltersSelectAndBadValuesNameTheParameter) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Filters");
  AddKnownCourses(b, clinic, 24);
  AnalyticsService analytics(b.store(), Fixed());
  auto split = analytics.Outcomes(Reader(clinic), {{"sessions", "3"}});
  ASSERT_TRUE(split);
  EXPECT_EQ((*split)["courses"]["n"], 12);
  EXPECT_EQ((*split)["filter"]["sessions"], 3);
  for (const auto& [name, value, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"kl_grade", "7", "kl_grade"},
           {"colour", "red", "colour"},
           {"age_min", "old", "age_min"},
           {"first_session_from", "2024-02-30", "first_session_from"},
           {"protocol", "999", "protocol"},
           {"product", "snake_oil", "product"},
           {"ligament_sites", "maybe", "ligament_sites"}}) {
    auto refused = analytics.Outcomes(Reader(clinic), {{name, value}});
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(refused.error().fields.at(0).field, field) << name;
  }
}

TEST(AnalyticsService, AdjustedComparisonSaysItIsObservational) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Adjusted");
  AddKnownCourses(b, clinic, 36);
  auto out = AnalyticsService(b.store(), Fixed()).Outcomes(Reader(clinic), {});
  ASSERT_TRUE(out);
  const Json& f = (*out)["figures"]["split_vs_single"];
  EXPECT_NE(f["statement"].get<std::string>().find("Observational"), std::string::npos);
  EXPECT_EQ(f["n"], 36);
  EXPECT_EQ(f["split"]["n"], 18);
}

TEST(AnalyticsService, AdverseEventRatesAndTheOtherKneeMatchR) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Safety");
  for (int i = 0; i < 20; ++i) {
    CourseSpec spec;
    spec.last_contact = "2026-05-01";
    if (i < 4) spec.adverse_grades = {1};
    if (i >= 17) spec.other_knee_events = {{"total_knee_replacement", "2025-03-01"}};
    b.AddCourse(clinic, spec);
  }
  AnalyticsSettings s = Fixed();
  s.min_cell = 1;  // exact values, nothing hidden
  auto out = AnalyticsService(b.store(), s).Outcomes(Reader(clinic), {});
  ASSERT_TRUE(out);
  const Json& any = (*out)["figures"]["adverse_events"]["groups"][0];
  ASSERT_EQ(any["group"], "any");
  // poisson.test(4, 20)$conf.int * 100: 5.4493268681 to 51.2079433770 per 100 sessions
  EXPECT_DOUBLE_EQ(any["per_100_sessions"]["per_100_sessions"].get<double>(), 20.0);
  EXPECT_NEAR(any["per_100_sessions"]["ci"]["lower"].get<double>(), 5.4493268681, 1e-6);
  EXPECT_NEAR(any["per_100_sessions"]["ci"]["upper"].get<double>(), 51.2079433770, 1e-6);
  // prop.test(4, 20, correct = FALSE)$conf.int: 0.0806576626 to 0.4160174323
  EXPECT_NEAR(any["patients_with_event"]["ci"]["lower"].get<double>(), 0.0806576626, 1e-9);
  EXPECT_NEAR(any["patients_with_event"]["ci"]["upper"].get<double>(), 0.4160174323, 1e-9);
  // prop.test(3, 20, correct = FALSE)$conf.int: 0.0523687459 to 0.3604188647
  const Json& other = (*out)["figures"]["knee_survival"]["other_knee_replaced"]["share"];
  EXPECT_EQ(other["events"], 3);
  EXPECT_NEAR(other["ci"]["lower"].get<double>(), 0.0523687459, 1e-9);
  EXPECT_NEAR(other["ci"]["upper"].get<double>(), 0.3604188647, 1e-9);
  // With the default minimum, 4 patients with an event and 3 replaced other knees are small cells.
  auto hidden = AnalyticsService(b.store(), Fixed()).Outcomes(Reader(clinic), {});
  EXPECT_EQ((*hidden)["figures"]["adverse_events"]["groups"][0]["per_100_sessions"]["suppressed"], true);
  EXPECT_TRUE((*hidden)["figures"]["knee_survival"]["other_knee_replaced"]["share"]["estimate"].is_null());
}

TEST(AnalyticsCells, ComplementarySuppressionHidesASecondCell) {
  AnalyticsSettings s;
  std::vector<Json> cells = {CountCell(40, Counted::kPatients, s), CountCell(3, Counted::kPatients, s),
                             CountCell(25, Counted::kPatients, s), CountCell(0, Counted::kPatients, s)};
  std::vector<Json*> pointers = {&cells[0], &cells[1], &cells[2], &cells[3]};
  SuppressComplementary(pointers, {40, 3, 25, 0}, s.min_cell);
  EXPECT_EQ(cells[1]["suppressed"], true);
  EXPECT_EQ(cells[2]["suppressed"], true) << "the smallest other cell goes too";
  EXPECT_EQ(cells[0]["suppressed"], false);
  EXPECT_EQ(cells[3]["n"], 0) << "zero reveals nobody";
}

// Words that promise a result; the report may describe what was observed, never what is to come.
const std::regex kPromissory(
    R"(\bwill\b|\bguarantee|\bpromise|\bcure[sd]?\b|\bensure|\bexpect to\b|\bsure to\b|\bproven\b)",
    std::regex::icase);

void ExpectPlainText(const std::string& text) {
  EXPECT_FALSE(std::regex_search(text, kPromissory)) << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
}

TEST(ExpectationReport, TooFewPatientsGivesASentenceAndNoNumbers) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Few");
  AddKnownCourses(b, clinic, 6);
  auto report = AnalyticsService(b.store(), Fixed())
                    .Expectation(Reader(clinic),
                                 {{"kl_grade", "3"}, {"age", "63"}, {"product", "bone_marrow_concentrate"}});
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ((*report)["enough"], false);
  EXPECT_FALSE(report->contains("pain_change_12m"));
  EXPECT_TRUE((*report)["n"]["n"].is_null());
  const std::string text = RenderExpectationText(*report);
  EXPECT_NE(text.find("too few to say anything"), std::string::npos) << text;
  EXPECT_NE(text.find("KL grade 3, age 60-69"), std::string::npos) << text;
  EXPECT_NE(text.find("Mautner 2023"), std::string::npos);
  ExpectPlainText(text);
}

TEST(ExpectationReport, ShowsObservedResultsWithUncertaintyAndNeverPromises) {
  RegistryBuilder b;
  const int64_t clinic = b.NewClinic("Enough", /*synthetic=*/true);
  AddKnownCourses(b, clinic, 24);
  auto report = AnalyticsService(b.store(), Fixed())
                    .Expectation(Reader(clinic),
                                 {{"kl_grade", "3"}, {"age", "63"}, {"product", "bone_marrow_concentrate"}});
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["enough"], true);
  // quantile(a - b): 13, 17.5, 21.25
  EXPECT_DOUBLE_EQ((*report)["pain_change_12m"]["median"].get<double>(), 17.5);
  EXPECT_DOUBLE_EQ((*report)["pain_change_12m"]["q1"].get<double>(), 13);
  EXPECT_DOUBLE_EQ((*report)["pain_change_12m"]["q3"].get<double>(), 21.25);
  EXPECT_EQ((*report)["synthetic"], true);
  const std::string text = RenderExpectationText(*report);
  EXPECT_EQ(text.rfind("SYNTHETIC DEMO DATA", 0), 0u) << text;
  EXPECT_NE(text.find("no cell product did better"), std::string::npos);
  ExpectPlainText(text);
  // Missing and bad parameters are named.
  auto missing = AnalyticsService(b.store(), Fixed()).Expectation(Reader(clinic), {{"kl_grade", "3"}});
  ASSERT_FALSE(missing);
  std::set<std::string> fields;
  for (const auto& f : missing.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"age", "product"}));
}

TEST(ExpectationReport, ThePromissoryCheckCatchesAPromise) {
  std::string text = WrapText("Patients like you will improve.");
  EXPECT_TRUE(std::regex_search(text, kPromissory));
}

}  // namespace
}  // namespace kneeregen
