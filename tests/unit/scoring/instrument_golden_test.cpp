// Every built-in instrument against its golden file in tests/golden/scoring/: each case gives answers (or
// "fill" for every item), a rule, and either the expected scale values (null = empty) or the field an error
// must name. Each file names the source of its expected values.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "scoring/instrument_catalogue.hpp"
#include "scoring/score.hpp"
#include "support/golden.hpp"

namespace kneeregen::scoring {
namespace {

void ExpectOnlyKeys(const Json& j, const std::set<std::string>& allowed, const std::string& where) {
  for (const auto& [key, value] : j.items())
    EXPECT_TRUE(allowed.count(key)) << where << ": unknown key " << key;
}

Json Answers(const InstrumentDefinition& instrument, const Json& c) {
  Json answers = Json::object();
  if (c.contains("fill"))
    for (const auto& item : instrument.items)
      if (item.scored) answers[item.id] = c["fill"];
  const Json given = c.value("answers", Json::object());
  for (const auto& [id, value] : given.items()) answers[id] = value;
  return answers;
}

void RunGoldenFile(const std::string& file) {
  const Json golden = testing::LoadGolden("scoring/" + file);
  ExpectOnlyKeys(golden, {"instrument", "source", "tolerance", "cases"}, file);
  ASSERT_TRUE(golden.contains("source")) << file << " must name the source of its expected values";
  const InstrumentDefinition* instrument = FindBuiltInInstrument(golden.at("instrument").get<std::string>());
  ASSERT_NE(instrument, nullptr) << file;
  const double tolerance = golden.at("tolerance");
  ASSERT_FALSE(golden.at("cases").empty());
  for (const Json& c : golden.at("cases")) {
    const std::string where = file + ": " + c.at("name").get<std::string>();
    ExpectOnlyKeys(c, {"name", "rule", "fill", "answers", "recall_period", "expect", "expect_error"}, where);
    const std::string rule = c.value("rule", "");
    auto response = ResponseFromJson(*instrument, Answers(*instrument, c), c.value("recall_period", ""));
    auto score = response ? Score(*instrument, *response, rule) : Result<InstrumentScore>(response.error());
    if (c.contains("expect_error")) {
      ASSERT_FALSE(score.ok()) << where << ": expected an error";
      EXPECT_TRUE(testing::NamesField(score.error(), c["expect_error"]))
          << where << ": " << testing::Fields(score.error());
      continue;
    }
    ASSERT_TRUE(score.ok()) << where << ": " << testing::Fields(score.error());
    EXPECT_EQ(score->instrument_id, instrument->id) << where;
    EXPECT_EQ(score->instrument_version, instrument->version) << where;
    EXPECT_EQ(score->rule, rule.empty() ? instrument->rules[instrument->default_rule].id : rule) << where;
    for (const auto& [scale, expected] : c.at("expect").items()) {
      const ScaleScore* actual = score->Find(scale);
      ASSERT_NE(actual, nullptr) << where << ": no scale " << scale;
      if (expected.is_null()) {
        EXPECT_FALSE(actual->value.has_value())
            << where << ": " << scale << " should be empty, is " << *actual->value;
        continue;
      }
      ASSERT_TRUE(actual->value.has_value()) << where << ": " << scale << " is empty, expected " << expected;
      EXPECT_NEAR(*actual->value, expected.get<double>(), tolerance) << where << ": " << scale;
    }
  }
}

TEST(ScoringGolden, Koos) { RunGoldenFile("koos.json"); }
TEST(ScoringGolden, WomacFromKoos) { RunGoldenFile("womac_from_koos.json"); }
TEST(ScoringGolden, Koos12) { RunGoldenFile("koos12.json"); }
TEST(ScoringGolden, Ikdc2000) { RunGoldenFile("ikdc2000.json"); }
TEST(ScoringGolden, PainNrs) { RunGoldenFile("pain_nrs.json"); }
TEST(ScoringGolden, Tegner) { RunGoldenFile("tegner.json"); }
TEST(ScoringGolden, Pgic) { RunGoldenFile("pgic.json"); }

// Every built-in instrument has a golden file, so a new one can't ship untested.
TEST(ScoringGolden, EveryInstrumentHasAGoldenFile) {
  for (const auto& instrument : BuiltInInstruments()) {
    std::ifstream in(std::string(KNEEREGEN_SOURCE_DIR) + "/tests/golden/scoring/" + instrument.id + ".json");
    EXPECT_TRUE(in) << "no tests/golden/scoring/" << instrument.id << ".json";
  }
}

TEST(ScoringGolden, ScoresCarryTheRecallPeriod) {
  const auto* nrs = FindBuiltInInstrument("pain_nrs");
  auto score = Score(*nrs, *ResponseFromJson(*nrs, {{"pain", 4}}, "24h"));
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(score->recall_period, "24h");
  const auto* koos = FindBuiltInInstrument("koos");
  auto koos_score = Score(*koos, *ResponseFromJson(*koos, Json::object()));
  ASSERT_TRUE(koos_score.ok());
  EXPECT_EQ(koos_score->recall_period, "last week");
  EXPECT_EQ(koos_score->rule, "2012");
}

}  // namespace
}  // namespace kneeregen::scoring
