#include "clinic/candidacy.hpp"

#include <gtest/gtest.h>

#include "support/golden.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <set>

namespace kneeregen {
namespace {

// The golden file names inputs the way an API body would; a key this reader does not know fails the test,
// so a typo in the table cannot silently drop a finding.
void ExpectOnlyKeys(const Json& j, std::initializer_list<const char*> allowed, const std::string& where) {
  for (const auto& [key, value] : j.items())
    EXPECT_TRUE(std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
        << where << ": unknown key " << key;
}

CandidacyInput InputFromJson(const Json& j, const std::string& where) {
  ExpectOnlyKeys(j, {"age_years", "knees", "bmi", "tegner_current", "goal", "prior_knee_surgery", "contraindications"},
                 where);
  CandidacyInput in;
  in.age_years = j.at("age_years").get<int>();
  for (const auto& k : j.at("knees")) {
    ExpectOnlyKeys(k, {"side", "kl_grade", "lesions"}, where);
    KneeFindings knee;
    knee.side = ParseSide(k.at("side").get<std::string>()).value();
    if (k.contains("kl_grade")) knee.kl_grade = k["kl_grade"].get<int>();
    for (const auto& l : k.value("lesions", Json::array()))
      knee.lesions.push_back({l.at("icrs_grade").get<std::string>(), l.at("area_cm2").get<double>()});
    in.knees.push_back(knee);
  }
  if (j.contains("bmi")) in.bmi = j["bmi"].get<double>();
  if (j.contains("tegner_current")) in.tegner_current = j["tegner_current"].get<int>();
  if (j.contains("goal")) in.goal = ParseGoal(j["goal"].get<std::string>()).value();
  in.prior_knee_surgery = j.value("prior_knee_surgery", false);
  const Json c = j.value("contraindications", Json::object());
  ExpectOnlyKeys(c,
                 {"active_infection", "active_malignancy", "months_since_malignancy_treatment", "pregnancy",
                  "systemic_immunosuppression", "bleeding_disorder_or_anticoagulation",
                  "weeks_since_intra_articular_steroid"},
                 where);
  auto& ci = in.contraindications;
  ci.active_infection = c.value("active_infection", false);
  ci.active_malignancy = c.value("active_malignancy", false);
  if (c.contains("months_since_malignancy_treatment"))
    ci.months_since_malignancy_treatment = c["months_since_malignancy_treatment"].get<int>();
  ci.pregnancy = c.value("pregnancy", false);
  ci.systemic_immunosuppression = c.value("systemic_immunosuppression", false);
  ci.bleeding_disorder_or_anticoagulation = c.value("bleeding_disorder_or_anticoagulation", false);
  if (c.contains("weeks_since_intra_articular_steroid"))
    ci.weeks_since_intra_articular_steroid = c["weeks_since_intra_articular_steroid"].get<int>();
  return in;
}

Json LoadGolden() { return testing::LoadGolden("candidacy_cases.json"); }

std::set<std::string> RuleIds(const Screening& s) {
  std::set<std::string> ids;
  for (const auto& r : s.reasons) ids.insert(r.rule_id);
  return ids;
}

std::vector<std::string> FieldsOf(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

CandidacyInput EarlyOa() {
  CandidacyInput in;
  in.age_years = 50;
  in.knees.push_back({KneeSide::kRight, 2, {}});
  return in;
}

TEST(CandidacyGolden, EveryCaseGivesItsTierAndExactlyItsRules) {
  Json golden = LoadGolden();
  ASSERT_EQ(golden.at("rules_version"), DefaultCandidacyRules().version);
  ASSERT_GE(golden.at("cases").size(), 25u);
  for (const auto& c : golden.at("cases")) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    ASSERT_FALSE(c.value("source", "").empty()) << "every case names the text it encodes";

    CandidacyRules rules = DefaultCandidacyRules();
    if (c.contains("rule_overrides")) {
      Json merged = ToJson(rules);
      merged.update(c["rule_overrides"]);
      auto parsed = ParseCandidacyRules(merged);
      ASSERT_TRUE(parsed);
      ASSERT_NE(parsed->version, rules.version) << "changed rules need a new version";
      rules = *parsed;
    }

    CandidacyInput input = InputFromJson(c.at("input"), name);
    ASSERT_TRUE(ValidateCandidacyInput(input));
    Screening s = Screen(input, rules);

    EXPECT_EQ(TierName(s.tier), c.at("expected_tier").get<std::string>());
    auto expected_ids = c.at("expected_rule_ids").get<std::vector<std::string>>();
    EXPECT_EQ(RuleIds(s), std::set<std::string>(expected_ids.begin(), expected_ids.end()));
    EXPECT_EQ(s.rules_version, rules.version);
  }
}

TEST(CandidacyScreen, TierIsTheWorstImpliedAndEveryReasonIsKept) {
  CandidacyInput in = EarlyOa();
  in.knees.push_back({KneeSide::kLeft, 4, {}});
  in.bmi = 40;
  in.contraindications.pregnancy = true;
  Screening s = Screen(in);
  EXPECT_EQ(s.tier, Tier::kNotACandidate);
  ASSERT_EQ(s.reasons.size(), 4u);  // pregnancy, two knees, BMI
  auto worst = std::min_element(s.reasons.begin(), s.reasons.end(),
                                [](const Reason& a, const Reason& b) { return a.implies < b.implies; });
  EXPECT_EQ(worst->implies, s.tier);
}

TEST(CandidacyScreen, ReasonsNameTheKneeAndTheNumbers) {
  CandidacyInput in = EarlyOa();
  in.knees[0].side = KneeSide::kLeft;
  in.knees[0].kl_grade.reset();
  in.bmi = 38.24;
  Screening s = Screen(in);
  ASSERT_EQ(s.reasons.size(), 2u);
  EXPECT_NE(s.reasons[0].text.find("left knee needs a standing radiograph graded for Kellgren–Lawrence"),
            std::string::npos);
  EXPECT_NE(s.reasons[1].text.find("38.2 (above 35)"), std::string::npos);
}

TEST(CandidacyScreen, WithoutAnyKneeFallsBackToClinicianReview) {
  CandidacyInput in = EarlyOa();
  in.knees.clear();
  Screening s = Screen(in);
  ASSERT_EQ(s.reasons.size(), 1u);
  EXPECT_EQ(s.reasons[0].rule_id, "screening.no_rule");
  EXPECT_EQ(s.tier, Tier::kPossible);
}

TEST(CandidacyScreen, NoReasonTextPromisesAResult) {
  // Build inputs that fire every rule, under default and stretched rules, and read every text.
  CandidacyInput all = EarlyOa();
  all.age_years = 80;
  all.bmi = 45;
  all.tegner_current = 0;
  all.prior_knee_surgery = true;
  all.goal = TreatmentGoal::kAvoidOrDelayReplacement;
  all.knees = {{KneeSide::kLeft, 4, {{"4", 8.0}}}, {KneeSide::kRight, std::nullopt, {}}};
  all.contraindications = {true, true, 3, true, true, true, 1};
  std::vector<CandidacyInput> inputs = {all, EarlyOa()};
  for (int kl : {0, 1, 3}) {
    CandidacyInput in = EarlyOa();
    in.knees[0].kl_grade = kl;
    inputs.push_back(in);
  }
  CandidacyInput empty = EarlyOa();
  empty.knees.clear();
  inputs.push_back(empty);

  const char* banned[] = {"cure", "regrow", "regenerate", "guarantee", "will restore", "will heal",
                          "will fix", "new cartilage", "permanent", "100%"};
  std::set<std::string> seen;
  for (const auto& in : inputs)
    for (const auto& r : Screen(in).reasons) {
      seen.insert(r.rule_id);
      std::string lower = r.text;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      for (const char* word : banned) EXPECT_EQ(lower.find(word), std::string::npos) << r.rule_id << ": " << word;
      EXPECT_GT(r.text.size(), 40u) << r.rule_id << " needs a real explanation";
    }
  EXPECT_EQ(seen.size(), 19u) << "every rule's text was read";
}

TEST(CandidacyScreen, AdvancedKneeTextsSayEvidenceIsLimited) {
  CandidacyInput in = EarlyOa();
  in.knees[0].kl_grade = 4;
  in.goal = TreatmentGoal::kAvoidOrDelayReplacement;
  Screening s = Screen(in);
  ASSERT_EQ(s.reasons.size(), 2u);
  EXPECT_NE(s.reasons[0].text.find("evidence is limited"), std::string::npos);
  EXPECT_NE(s.reasons[1].text.find("observational"), std::string::npos);
}

TEST(CandidacyRules, DefaultsRoundTripThroughJson) {
  CandidacyRules defaults = DefaultCandidacyRules();
  Json j = ToJson(defaults);
  EXPECT_EQ(j.at("steroid_washout_weeks"), 12);
  EXPECT_EQ(j.at("bmi_caution_above"), 35.0);
  auto back = ParseCandidacyRules(j);
  ASSERT_TRUE(back);
  EXPECT_EQ(ToJson(*back), j);
  EXPECT_EQ(back->version, defaults.version);
}

TEST(CandidacyRules, RejectsUnknownKeysWrongTypesAndOutOfRangeNamingEachKey) {
  Json j = ToJson(DefaultCandidacyRules());
  j["steroid_washout_days"] = 84;
  j["steroid_washout_weeks"] = "12";
  j["favourable_max_kl"] = 5;
  j["bmi_caution_above"] = 0;
  j["large_lesion_cm2"] = 0;
  j["age_caution_above"] = 70.5;
  j["version"] = "";
  j.erase("possible_max_kl");
  auto r = ParseCandidacyRules(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  auto fields = FieldsOf(r.error());
  std::set<std::string> got(fields.begin(), fields.end());
  EXPECT_EQ(got, (std::set<std::string>{"steroid_washout_days", "steroid_washout_weeks", "favourable_max_kl",
                                        "bmi_caution_above", "large_lesion_cm2", "age_caution_above", "version",
                                        "possible_max_kl"}));
  EXPECT_EQ(fields.size(), got.size()) << "one error per key";
  EXPECT_FALSE(ParseCandidacyRules(Json::array()));
}

TEST(CandidacyRules, RejectsKlCutOffsInTheWrongOrder) {
  Json j = ToJson(DefaultCandidacyRules());
  j["favourable_max_kl"] = 3;
  j["possible_max_kl"] = 2;
  auto r = ParseCandidacyRules(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(FieldsOf(r.error()), std::vector<std::string>{"possible_max_kl"});
}

TEST(CandidacyRules, ClinicRulesChangeTheOutcomeAndAreRecorded) {
  CandidacyInput in = EarlyOa();
  in.contraindications.weeks_since_intra_articular_steroid = 8;
  EXPECT_EQ(Screen(in).tier, Tier::kNotACandidate);

  Json j = ToJson(DefaultCandidacyRules());
  j["version"] = "clinic-7";
  j["steroid_washout_weeks"] = 6;
  j["favourable_max_kl"] = 1;
  auto rules = ParseCandidacyRules(j);
  ASSERT_TRUE(rules);
  Screening s = Screen(in, *rules);
  EXPECT_EQ(s.rules_version, "clinic-7");
  EXPECT_EQ(RuleIds(s), std::set<std::string>{"kl.moderate_oa"});  // KL 2 is now above the favourable range
  EXPECT_EQ(s.tier, Tier::kPossible);

  j["low_activity_tegner_max"] = -1;  // the caution switched off
  in.tegner_current = 0;
  EXPECT_EQ(RuleIds(Screen(in, *ParseCandidacyRules(j))), std::set<std::string>{"kl.moderate_oa"});
}

TEST(CandidacyValidation, AcceptsAnOrdinaryPatient) {
  CandidacyInput in = EarlyOa();
  in.bmi = 27.5;
  in.tegner_current = 4;
  in.knees[0].lesions = {{"3A", 2.0}, {"1B", 0.5}};
  in.contraindications.weeks_since_intra_articular_steroid = 0;
  EXPECT_TRUE(ValidateCandidacyInput(in));
}

TEST(CandidacyValidation, NamesEveryImpossibleField) {
  CandidacyInput in = EarlyOa();
  in.age_years = 17;
  in.bmi = 9;
  in.tegner_current = 11;
  in.knees[0].kl_grade = 5;
  in.knees[0].lesions = {{"5", 2.0}, {"2", 0}, {"3b", 41}, {"2", std::numeric_limits<double>::quiet_NaN()}};
  in.knees.push_back({KneeSide::kRight, -1, {}});
  in.contraindications.weeks_since_intra_articular_steroid = -2;
  in.contraindications.months_since_malignancy_treatment = -1;
  auto r = ValidateCandidacyInput(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(FieldsOf(r.error()),
            (std::vector<std::string>{"age_years", "knees/0/kl_grade", "knees/0/lesions/0/icrs_grade",
                                      "knees/0/lesions/1/area_cm2", "knees/0/lesions/2/icrs_grade",
                                      "knees/0/lesions/2/area_cm2", "knees/0/lesions/3/area_cm2", "knees/1/side",
                                      "knees/1/kl_grade", "bmi", "tegner_current",
                                      "contraindications/weeks_since_intra_articular_steroid",
                                      "contraindications/months_since_malignancy_treatment"}));
}

TEST(CandidacyValidation, BoundsAndKneeCount) {
  CandidacyInput in = EarlyOa();
  in.age_years = 111;
  in.bmi = 81;
  in.knees.clear();
  auto r = ValidateCandidacyInput(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(FieldsOf(r.error()), (std::vector<std::string>{"age_years", "knees", "bmi"}));

  in = EarlyOa();
  in.age_years = 110;
  in.bmi = 80;
  in.tegner_current = 10;
  in.knees[0].lesions = {{"4", 40}};
  EXPECT_TRUE(ValidateCandidacyInput(in));
  in.knees.push_back({KneeSide::kLeft, 1, {}});
  in.knees.push_back({KneeSide::kLeft, 1, {}});
  EXPECT_FALSE(ValidateCandidacyInput(in));
}

TEST(CandidacyNames, RoundTrip) {
  for (Tier t : {Tier::kNotACandidate, Tier::kSymptomReliefOnly, Tier::kPossible, Tier::kFavourable})
    EXPECT_EQ(ParseTier(TierName(t)), t);
  for (auto g : {TreatmentGoal::kAvoidOrDelayReplacement, TreatmentGoal::kPainRelief, TreatmentGoal::kReturnToActivity})
    EXPECT_EQ(ParseGoal(GoalName(g)), g);
  EXPECT_EQ(ParseSide("left"), KneeSide::kLeft);
  EXPECT_FALSE(ParseTier("excellent"));
  EXPECT_FALSE(ParseSide("both"));
}

}  // namespace
}  // namespace kneeregen
