#include "core/time.hpp"

#include <gtest/gtest.h>

namespace kneeregen {
namespace {

TEST(ParseDate, AcceptsRealDatesIncludingLeapDays) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_TRUE(ParseDate("2000-02-29"));
  EXPECT_TRUE(ParseDate("1999-12-31"));
}

TEST(ParseDate, RejectsImpossibleAndMalformedDates) {
  for (const char* bad : {"2023-02-29", "2026-02-30", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                          "2026-01-00", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", "", "abcd-ef-gh",
                          "+026-01-01", "2026-01-0 "})
    EXPECT_FALSE(ParseDate(bad)) << bad;
}

TEST(FormatDate, RoundTrips) {
  auto d = ParseDate("0987-03-04");
  ASSERT_TRUE(d);
  EXPECT_EQ(FormatDate(*d), "0987-03-04");
}

TEST(YearsBetween, CountsBirthdaysExactly) {
  auto birth = *ParseDate("1936-03-15");
  EXPECT_EQ(YearsBetween(birth, *ParseDate("2026-03-14")), 89);
  EXPECT_EQ(YearsBetween(birth, *ParseDate("2026-03-15")), 90);
  auto leap = *ParseDate("2000-02-29");
  EXPECT_EQ(YearsBetween(leap, *ParseDate("2001-02-28")), 0);
  EXPECT_EQ(YearsBetween(leap, *ParseDate("2001-03-01")), 1);
}

TEST(Timestamp, RoundTripsWithMilliseconds) {
  auto t = ParseTimestamp("2026-11-30T23:59:59.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-30T23:59:59.123Z");
  EXPECT_FALSE(ParseTimestamp("2026-11-30 23:59:59.123Z"));
  EXPECT_FALSE(ParseTimestamp("2026-11-30T24:00:00.000Z"));
  EXPECT_FALSE(ParseTimestamp("2026-02-30T10:00:00.000Z"));
}

TEST(Timestamp, NowSortsAfterEarlierTimes) { EXPECT_GT(NowTimestamp(), std::string("2026-01-01T00:00:00.000Z")); }

}  // namespace
}  // namespace kneeregen
