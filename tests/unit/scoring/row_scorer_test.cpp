// The fast path for many rows against Score(), the one-response path: the same value to the bit for every
// scale of random KOOS rows under both rules, the CSV text printf would give, and no allocation per row.
#include "scoring/row_scorer.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "scoring/instrument_catalogue.hpp"
#include "scoring/score.hpp"
#include "unit/scoring/allocation_count.hpp"

namespace kneeregen::scoring {
namespace {

struct KoosColumns {
  const InstrumentDefinition* koos = FindBuiltInInstrument("koos");
  const InstrumentDefinition* womac = FindBuiltInInstrument("womac_from_koos");
  std::vector<RowScorer::Selection> selections;
  std::vector<std::string> layout;

  explicit KoosColumns(const std::string& rule) {
    for (const char* s : {"pain", "symptoms", "adl", "sport_rec", "qol"})
      selections.push_back({koos, s, rule});
    for (const char* s : {"pain", "stiffness", "function"}) selections.push_back({womac, s, ""});
    for (const auto& item : koos->items) layout.push_back(item.id);
  }
};

std::string Printf(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

TEST(KoosRowScorer, MatchesScoreToTheBitOnRandomRows) {
  for (const std::string rule : {"2012", "1998"}) {
    KoosColumns columns(rule);
    auto scorer = RowScorer::Create(columns.layout, columns.selections);
    ASSERT_TRUE(scorer.ok());
    std::mt19937 random(20240);
    std::vector<int8_t> row(42);
    std::vector<RowScorer::Tally> tallies(scorer->scale_count());
    for (int n = 0; n < 5000; ++n) {
      const int missing_percent = n % 4 == 0 ? 60 : 10;  // some rows thin enough to cross every boundary
      Response koos_response{std::vector<std::optional<int>>(42)};
      for (size_t i = 0; i < 42; ++i) {
        const bool missing = static_cast<int>(random() % 100) < missing_percent;
        row[i] = missing ? RowScorer::kUnanswered : static_cast<int8_t>(random() % 5);
        if (!missing) koos_response.answers[i] = row[i];
      }
      Response womac_response{std::vector<std::optional<int>>(columns.womac->items.size())};
      for (size_t i = 0; i < columns.womac->items.size(); ++i)
        womac_response.answers[i] =
            koos_response.answers[*columns.koos->ItemIndex(columns.womac->items[i].id)];
      auto koos = Score(*columns.koos, koos_response, rule);
      auto womac = Score(*columns.womac, womac_response);
      ASSERT_TRUE(koos.ok() && womac.ok());

      scorer->TallyRow(row.data(), tallies.data());
      for (size_t s = 0; s < tallies.size(); ++s) {
        const auto& selection = columns.selections[s];
        const ScaleScore* expected = (s < 5 ? *koos : *womac).Find(selection.scale_id);
        const auto actual = scorer->Value(s, tallies[s]);
        ASSERT_EQ(actual.has_value(), expected->value.has_value()) << rule << " " << selection.scale_id;
        if (!actual) {
          EXPECT_EQ(scorer->Text(s, tallies[s]), "");
          continue;
        }
        EXPECT_EQ(*actual, *expected->value) << rule << " " << selection.scale_id;  // exact, not near
        EXPECT_EQ(scorer->Text(s, tallies[s]), s < 5 ? Printf("%.4f", *actual) : Printf("%.0f", *actual));
      }
    }
  }
}

TEST(KoosRowScorer, TextOfTheDomainVectors) {
  KoosColumns columns("2012");
  auto scorer = RowScorer::Create(columns.layout, columns.selections);
  ASSERT_TRUE(scorer.ok());
  std::vector<int8_t> row(42, RowScorer::kUnanswered);
  const int pain[] = {2, 1, 1, 2, 0, 1, 2, 1, 1};
  for (int i = 0; i < 9; ++i) row[i] = static_cast<int8_t>(pain[i]);
  std::vector<RowScorer::Tally> tallies(scorer->scale_count());
  scorer->TallyRow(row.data(), tallies.data());
  EXPECT_EQ(scorer->Text(0, tallies[0]), "69.4444");
  EXPECT_EQ(scorer->Text(1, tallies[1]), "");
  EXPECT_EQ(scorer->Text(5, tallies[5]), "5");  // WOMAC pain P5-P9 = 0+1+2+1+1
  std::fill(row.begin(), row.end(), 0);
  scorer->TallyRow(row.data(), tallies.data());
  EXPECT_EQ(scorer->Text(0, tallies[0]), "100.0000");
  EXPECT_EQ(scorer->Text(7, tallies[7]), "0");
}

TEST(KoosRowScorer, NoAllocationPerRow) {
  KoosColumns columns("2012");
  auto scorer = RowScorer::Create(columns.layout, columns.selections);
  ASSERT_TRUE(scorer.ok());
  std::vector<int8_t> row(42, 2);
  std::vector<RowScorer::Tally> tallies(scorer->scale_count());
  size_t text_bytes = 0;
  const size_t before = testing::AllocationCount();
  for (int n = 0; n < 10000; ++n) {
    row[n % 42] = static_cast<int8_t>(n % 5);
    scorer->TallyRow(row.data(), tallies.data());
    for (size_t s = 0; s < tallies.size(); ++s) text_bytes += scorer->Text(s, tallies[s]).size();
  }
  EXPECT_EQ(testing::AllocationCount(), before);
  EXPECT_GT(text_bytes, 0u);
}

TEST(KoosRowScorer, RefusesScalesItCannotTally) {
  const auto* ikdc = FindBuiltInInstrument("ikdc2000");
  std::vector<std::string> ikdc_layout;
  for (const auto& item : ikdc->items) ikdc_layout.push_back(item.id);
  EXPECT_FALSE(RowScorer::Create(ikdc_layout, {{ikdc, "total", ""}}).ok())
      << "reverse-scored items, mixed maxima";
  const auto* koos12 = FindBuiltInInstrument("koos12");
  KoosColumns columns("2012");
  EXPECT_FALSE(RowScorer::Create(columns.layout, {{koos12, "summary", ""}}).ok()) << "a mean of scales";
  EXPECT_TRUE(RowScorer::Create(columns.layout, {{koos12, "pain", ""}}).ok()) << "KOOS-12 uses KOOS ids";
  EXPECT_FALSE(RowScorer::Create({"P1", "P2"}, {{columns.koos, "pain", ""}}).ok())
      << "items not in the layout";
  EXPECT_FALSE(RowScorer::Create(columns.layout, {{columns.koos, "pain", "2020"}}).ok()) << "an unknown rule";
}

}  // namespace
}  // namespace kneeregen::scoring
