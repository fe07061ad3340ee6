// The definitions as data: the built-in ones parse and say what DOMAIN.md says; the parser refuses a
// definition that would silently change a score; the wording slot takes only wording that fits.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "scoring/instrument_catalogue.hpp"
#include "scoring/item_wording.hpp"
#include "scoring/score.hpp"
#include "support/golden.hpp"

namespace kneeregen::scoring {
namespace {

Json MinimalDefinition() {
  return Json::parse(R"({
    "id": "demo", "version": "1", "title": "t", "source": "s", "recall_period": "now", "item_range": [0, 4],
    "items": ["a", "b", "c"], "rules": [{"id": "r", "description": "d"}],
    "scales": [{"id": "x", "label": "l", "method": "raw_sum", "direction": "higher_is_worse",
                "items": ["a", "b", "c"], "min_answered": {"r": 3}}]})");
}

std::string ProblemsOf(const Json& definition) {
  auto parsed = ParseInstrument(definition);
  return parsed ? "" : testing::Fields(parsed.error());
}

TEST(InstrumentCatalogue, EveryBuiltInDefinitionParses) {
  auto parsed = ParseBuiltInInstruments();
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail << ": " << testing::Fields(parsed.error());
  std::set<std::string> ids;
  for (const auto& instrument : *parsed) {
    ids.insert(instrument.id);
    EXPECT_FALSE(instrument.version.empty()) << instrument.id;
    for (const auto& rule : instrument.rules) EXPECT_FALSE(rule.description.empty()) << instrument.id;
  }
  EXPECT_EQ(ids, (std::set<std::string>{"koos", "womac_from_koos", "koos12", "ikdc2000", "pain_nrs", "tegner",
                                        "pgic"}));
}

TEST(InstrumentCatalogue, KoosHasTheFiveSubscalesAndTheDomainMinimumsAndNoTotal) {
  const auto* koos = FindBuiltInInstrument("koos");
  ASSERT_NE(koos, nullptr);
  EXPECT_EQ(koos->items.size(), 42u);
  EXPECT_EQ(koos->rules[koos->default_rule].id, "2012");
  const std::map<std::string, std::pair<int, int>> minimums = {
      {"pain", {5, 7}}, {"symptoms", {4, 5}}, {"adl", {9, 15}}, {"sport_rec", {3, 3}}, {"qol", {2, 2}}};
  ASSERT_EQ(koos->scales.size(), minimums.size()) << "KOOS has five subscales and no total or KOOS4";
  for (const auto& scale : koos->scales) {
    const auto& [min_2012, min_1998] = minimums.at(scale.id);
    EXPECT_EQ(scale.min_answered[*koos->RuleIndex("2012")], min_2012) << scale.id;
    EXPECT_EQ(scale.min_answered[*koos->RuleIndex("1998")], min_1998) << scale.id;
    EXPECT_EQ(scale.direction, ScoreDirection::kHigherIsBetter);
  }
}

TEST(InstrumentCatalogue, WomacNeedsEveryItemAndIsLabelledHigherIsWorse) {
  const auto* womac = FindBuiltInInstrument("womac_from_koos");
  ASSERT_NE(womac, nullptr);
  for (const auto& scale : womac->scales) {
    EXPECT_EQ(scale.min_answered[0], static_cast<int>(scale.items.size())) << scale.id;
    EXPECT_EQ(scale.direction, ScoreDirection::kHigherIsWorse) << scale.id;
    EXPECT_NE(scale.label.find("higher = worse"), std::string::npos) << scale.id;
  }
  EXPECT_EQ(womac->scales[*womac->ScaleIndex("function")].max, 68);
}

TEST(InstrumentCatalogue, IkdcMaximaAddUpTo87) {
  const auto* ikdc = FindBuiltInInstrument("ikdc2000");
  ASSERT_NE(ikdc, nullptr);
  int total = 0;
  for (size_t index : ikdc->scales[0].items) total += ikdc->items[index].max;
  EXPECT_EQ(total, 87);
  EXPECT_EQ(ikdc->scales[0].items.size(), 18u);
}

TEST(InstrumentDefinition, AMinimalDefinitionParses) { EXPECT_EQ(ProblemsOf(MinimalDefinition()), ""); }

TEST(InstrumentDefinition, RefusesWhatWouldSilentlyChangeAScore) {
  auto changed = [](auto edit) {
    Json j = MinimalDefinition();
    edit(j);
    return ProblemsOf(j);
  };
  EXPECT_NE(changed([](Json& j) { j["colour"] = "red"; }), "");
  EXPECT_NE(changed([](Json& j) { j["items"].push_back("a"); }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["items"].push_back("z"); }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["min_answered"] = {{"r", 4}}; }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["min_answered"] = {{"r", 0}}; }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["min_answered"] = Json::object(); }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["min_answered"]["other"] = 1; }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["method"] = "total"; }), "");
  EXPECT_NE(changed([](Json& j) { j["scales"][0]["direction"] = "up"; }), "");
  EXPECT_NE(changed([](Json& j) { j["recall_periods"] = {"now"}; }), "");
  EXPECT_NE(changed([](Json& j) { j["default_rule"] = "nope"; }), "");
  EXPECT_NE(changed([](Json& j) {
              j["items"][0] = {{"id", "a"}, {"range", {0, 10}}};
              j["scales"][0]["method"] = "transformed_mean";
            }),
            "");
  EXPECT_NE(changed([](Json& j) {
              j["items"][0] = {{"id", "a"}, {"range", {1, 4}}};
              j["scales"][0]["method"] = "percent_of_answered_maxima";
            }),
            "");
  EXPECT_NE(changed([](Json& j) {
              j["scales"].push_back({{"id", "m"},
                                     {"label", "l"},
                                     {"method", "mean_of_scales"},
                                     {"direction", "higher_is_better"},
                                     {"scales", {"later"}},
                                     {"min_answered", {{"r", 1}}}});
            }),
            "");
}

// The WOMAC missing-item rule is [U], so the requirement is data: a definition that allows one missing
// item imputes it with the mean of the answered ones.
TEST(InstrumentDefinition, MinimumAnsweredIsAParameterOfTheDefinition) {
  Json j = MinimalDefinition();
  j["scales"][0]["min_answered"]["r"] = 2;
  auto lenient = ParseInstrument(j);
  ASSERT_TRUE(lenient.ok());
  auto score = Score(*lenient, *ResponseFromJson(*lenient, {{"a", 1}, {"b", 2}}));
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score->scales[0].value, 4.5);  // (3 / 2) × 3
  auto strict = ParseInstrument(MinimalDefinition());
  EXPECT_FALSE(Score(*strict, *ResponseFromJson(*strict, {{"a", 1}, {"b", 2}}))->scales[0].value.has_value());
}

TEST(InstrumentWording, TakesLicensedWordingThatFitsTheDefinition) {
  const auto* pgic = FindBuiltInInstrument("pgic");
  Json doc = {{"instrument", "pgic"},
              {"version", pgic->version},
              {"language", "en-GB"},
              {"licence", "clinic-owned wording"},
              {"items", {{"pgic", "Since treatment began, how is your knee?"}}},
              {"anchors", {{"pgic", {"1", "2", "3", "4", "5", "6", "7"}}}}};
  auto wording = ParseItemWording(*pgic, doc);
  ASSERT_TRUE(wording.ok()) << testing::Fields(wording.error());
  EXPECT_EQ(wording->anchors.at("pgic").size(), 7u);

  for (auto [key, value] : {std::pair<const char*, Json>{"version", "0.9"}, {"instrument", "koos"}}) {
    Json bad = doc;
    bad[key] = value;
    EXPECT_FALSE(ParseItemWording(*pgic, bad).ok()) << key;
  }
  Json no_licence = doc;
  no_licence.erase("licence");
  EXPECT_FALSE(ParseItemWording(*pgic, no_licence).ok());
  Json unknown_item = doc;
  unknown_item["items"]["P1"] = "text";
  EXPECT_TRUE(testing::NamesField(ParseItemWording(*pgic, unknown_item).error(), "items/P1"));
  Json short_anchors = doc;
  short_anchors["anchors"]["pgic"] = {"better", "worse"};
  EXPECT_TRUE(testing::NamesField(ParseItemWording(*pgic, short_anchors).error(), "anchors/pgic"));
}

// Wording lives only in the slot above: a definition with a text field for an item does not parse.
TEST(InstrumentWording, DefinitionsCannotCarryWording) {
  Json j = MinimalDefinition();
  j["items"][0] = {{"id", "a"}, {"text", "How often ...?"}};
  EXPECT_NE(ProblemsOf(j), "");
}

}  // namespace
}  // namespace kneeregen::scoring
