#include "core/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <numeric>

namespace kneeregen {
namespace {

TEST(Money, FormatsUsdWithGroupingAndSign) {
  EXPECT_EQ(Money::FromCents(648000).Format(), "$6,480.00");
  EXPECT_EQ(Money::FromCents(5).Format(), "$0.05");
  EXPECT_EQ(Money::FromCents(0).Format(), "$0.00");
  EXPECT_EQ(Money::FromCents(99999).Format(), "$999.99");
  EXPECT_EQ(Money::FromCents(100000).Format(), "$1,000.00");
  EXPECT_EQ(Money::FromCents(123456789012).Format(), "$1,234,567,890.12");
  EXPECT_EQ(Money::FromCents(-1250).Format(), "-$12.50");
  // The most negative amount has no positive counterpart in int64; formatting must not overflow.
  EXPECT_EQ(Money::FromCents(std::numeric_limits<int64_t>::min()).Format(), "-$92,233,720,368,547,758.08");
  EXPECT_EQ(Money::FromCents(-1250).ToDecimal(), "-12.50");
  EXPECT_EQ(Money::FromCents(648000).ToDecimal(), "6480.00");
}

TEST(Money, ParsesStrictDecimalDollars) {
  EXPECT_EQ(Money::Parse("6480.00")->cents(), 648000);
  EXPECT_EQ(Money::Parse("6480")->cents(), 648000);
  EXPECT_EQ(Money::Parse("0.05")->cents(), 5);
  EXPECT_EQ(Money::Parse("0")->cents(), 0);
  EXPECT_EQ(Money::Parse("-12.50")->cents(), -1250);
  EXPECT_EQ(Money::Parse("999999999999999.99")->cents(), 99999999999999999);
  for (const char* bad : {"", "-", ".50", "6480.", "6480.0", "6480.000", "6,480.00", "$6480", "+6480", " 6480",
                          "6480 ", "06480", "1e3", "6480.0a", "--5", "1000000000000000", "NaN", "12.-5"})
    EXPECT_FALSE(Money::Parse(bad).ok()) << bad;
}

TEST(Money, DecimalRoundTrips) {
  for (int64_t cents : {int64_t{0}, int64_t{7}, int64_t{-7}, int64_t{648000}, int64_t{-99999999999999999}})
    EXPECT_EQ(Money::Parse(Money::FromCents(cents).ToDecimal())->cents(), cents);
}

TEST(Money, CheckedArithmeticReportsOverflow) {
  auto max = Money::FromCents(std::numeric_limits<int64_t>::max());
  auto min = Money::FromCents(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Money::FromCents(150).Plus(Money::FromCents(275))->cents(), 425);
  EXPECT_EQ(Money::FromCents(150).Minus(Money::FromCents(275))->cents(), -125);
  EXPECT_EQ(Money::FromCents(45000).Times(6)->cents(), 270000);
  EXPECT_FALSE(max.Plus(Money::FromCents(1)).ok());
  EXPECT_FALSE(min.Minus(Money::FromCents(1)).ok());
  EXPECT_FALSE(max.Times(2).ok());
  EXPECT_FALSE(min.Times(-1).ok());
  EXPECT_EQ((Money::FromCents(1) + Money::FromCents(2)).cents(), 3);
  EXPECT_EQ((-Money::FromCents(5)).cents(), -5);
  EXPECT_LT(Money::FromCents(1), Money::FromCents(2));
}

TEST(Money, ProratesAndRoundsHalfAwayFromZero) {
  auto per_ml = Money::FromCents(5000);                         // $50.00 per mL
  EXPECT_EQ(per_ml.Prorate(60'000, 1'000)->cents(), 300000);    // 60 mL
  EXPECT_EQ(per_ml.Prorate(1, 1'000)->cents(), 5);              // 1 uL = 5.0 cents
  EXPECT_EQ(Money::FromCents(1).Prorate(1, 2)->cents(), 1);     // half a cent rounds up
  EXPECT_EQ(Money::FromCents(1).Prorate(1, 3)->cents(), 0);
  EXPECT_EQ(Money::FromCents(-1).Prorate(1, 2)->cents(), -1);   // and away from zero for refunds
  EXPECT_FALSE(Money::FromCents(std::numeric_limits<int64_t>::max()).Prorate(2, 1).ok());
}

TEST(Money, SplitsEvenlyWithExtraCentsFirst) {
  auto parts = SplitEvenly(Money::FromCents(10000), 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].cents(), 3334);
  EXPECT_EQ(parts[1].cents(), 3333);
  EXPECT_EQ(parts[2].cents(), 3333);
  auto refund = SplitEvenly(Money::FromCents(-101), 4);
  EXPECT_EQ(refund[0].cents(), -26);
  EXPECT_EQ(refund[3].cents(), -25);
  EXPECT_EQ(SplitEvenly(Money::FromCents(2), 5)[2].cents(), 0);
  // Every split sums back exactly, whatever the amount and the number of parts.
  for (int64_t cents : {0, 1, 99, 100, 7499, 750000, 999999937})
    for (int n = 1; n <= 13; ++n) {
      int64_t sum = 0;
      for (Money m : SplitEvenly(Money::FromCents(cents), n)) sum += m.cents();
      EXPECT_EQ(sum, cents) << cents << " / " << n;
    }
}

TEST(ApportionByWeights, GivesLeftoverUnitsToLargestRemainders) {
  // 10 by 1:1:1 -> 3.33 each; the one leftover goes to the first (ties go to the earlier index).
  EXPECT_EQ(ApportionByWeights(10, std::vector<int64_t>{1, 1, 1}), (std::vector<int64_t>{4, 3, 3}));
  // 10 by 15:15:70 -> 1.5, 1.5, 7: the two halves tie, and there is one unit left, so the first gets it.
  EXPECT_EQ(ApportionByWeights(10, std::vector<int64_t>{15, 15, 70}), (std::vector<int64_t>{2, 1, 7}));
  // 7 by 10:20:70 -> 0.7, 1.4, 4.9: floors 0, 1, 4 leave 2 units, to remainders .9 then .7.
  EXPECT_EQ(ApportionByWeights(7, std::vector<int64_t>{10, 20, 70}), (std::vector<int64_t>{1, 1, 5}));
  // A zero weight never receives a leftover unit.
  EXPECT_EQ(ApportionByWeights(5, std::vector<int64_t>{0, 1, 1}), (std::vector<int64_t>{0, 3, 2}));
  // Large doses in cells times percentage weights stay exact (128-bit intermediate).
  auto big = ApportionByWeights(std::numeric_limits<int64_t>::max(), std::vector<int64_t>{33, 33, 34});
  EXPECT_EQ(std::numeric_limits<int64_t>::max() - big[0] - big[1], big[2]);
}

}  // namespace
}  // namespace kneeregen
