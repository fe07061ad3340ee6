#include "stats/responders.hpp"

#include <gtest/gtest.h>

namespace kneeregen::stats {
namespace {

TEST(DefaultKoosMic, CarriesDomainTableRowOneWithItsSource) {
  const MicThresholds mic = DefaultKoosMic();
  EXPECT_EQ(mic.method, "predictive modelling");
  const std::map<std::string, double> expected{
      {"pain", 11.3}, {"symptoms", 12.1}, {"adl", 10.2}, {"sport_rec", 15.5}, {"qol", 13.2}};
  ASSERT_EQ(mic.by_scale.size(), expected.size());
  for (const auto& [scale, value] : expected) {
    ASSERT_TRUE(mic.by_scale.count(scale)) << scale;
    const Threshold& t = mic.by_scale.at(scale);
    EXPECT_DOUBLE_EQ(t.value, value) << scale;
    EXPECT_NE(t.source.find("41367621"), std::string::npos) << scale;
    EXPECT_TRUE(t.verified) << scale;
  }
}

// KOOS: 100 = best, so a responder gains at least the MIC. 61.3 - 50 is a rounding step below 11.3 in
// doubles, which is exactly the patient a naive comparison would misclassify.
TEST(IsMicResponder, ExactlyAtThresholdResponds) {
  EXPECT_EQ(IsMicResponder(50.0, 61.3, 11.3), true);
  EXPECT_EQ(IsMicResponder(47.2, 57.4, 10.2), true);
}

TEST(IsMicResponder, JustBelowThresholdDoesNot) {
  EXPECT_EQ(IsMicResponder(50.0, 61.29, 11.3), false);
  EXPECT_EQ(IsMicResponder(50.0, 61.3 - 1e-6, 11.3), false);
}

TEST(IsMicResponder, WorseningIsNotResponseEvenIfLarge) {
  EXPECT_EQ(IsMicResponder(70.0, 40.0, 11.3), false);
}

TEST(IsMicResponder, MissingEitherScoreIsUnknown) {
  EXPECT_EQ(IsMicResponder(std::nullopt, 80.0, 11.3), std::nullopt);
  EXPECT_EQ(IsMicResponder(40.0, std::nullopt, 11.3), std::nullopt);
}

TEST(IsInPass, AtOrAbovePassIsAcceptable) {
  EXPECT_EQ(IsInPass(69.0, 69.0), true);
  EXPECT_EQ(IsInPass(68.99, 69.0), false);
  EXPECT_EQ(IsInPass(std::nullopt, 69.0), std::nullopt);
}

// OMERACT-OARSI inputs are 100 = worst: improvement is a fall.
OarsiInput Input(double pain_before, double pain_after, double function_before, double function_after) {
  OarsiInput in;
  in.pain_before = pain_before;
  in.pain_after = pain_after;
  in.function_before = function_before;
  in.function_after = function_after;
  return in;
}

TEST(IsOarsiResponder, ArmOneAlonePainHalvedByTwentyPoints) {
  // Pain 40 -> 20: exactly 50 % and exactly 20 points; function unchanged, no global.
  EXPECT_EQ(IsOarsiResponder(Input(40, 20, 60, 60)), true);
}

TEST(IsOarsiResponder, ArmOneAloneFunctionOnly) { EXPECT_EQ(IsOarsiResponder(Input(50, 50, 44, 22)), true); }

TEST(IsOarsiResponder, ArmOneNeedsBothRelativeAndAbsolute) {
  // 50 % but only 15 points; 30 points but only 37.5 %. Function unchanged, so arm 2 cannot rescue either.
  EXPECT_EQ(IsOarsiResponder(Input(30, 15, 60, 60)), false);
  EXPECT_EQ(IsOarsiResponder(Input(80, 50, 60, 60)), false);
}

TEST(IsOarsiResponder, ArmOneJustBelowFails) { EXPECT_EQ(IsOarsiResponder(Input(40, 20.01, 60, 60)), false); }

TEST(IsOarsiResponder, ArmTwoPainAndFunctionWithoutGlobal) {
  // Pain 50 -> 40 (20 %, 10 points) and function 50 -> 40: both exactly at the moderate thresholds.
  EXPECT_EQ(IsOarsiResponder(Input(50, 40, 50, 40)), true);
}

TEST(IsOarsiResponder, ArmTwoExactlyTwoOfThreeWithGlobal) {
  OarsiInput in = Input(50, 40, 60, 58);  // pain meets, function does not
  in.global_before = 70;
  in.global_after = 56;  // 20 %, 14 points
  EXPECT_EQ(IsOarsiResponder(in), true);
  in.global_after = 56.01;  // global now just misses 20 %
  EXPECT_EQ(IsOarsiResponder(in), false);
}

TEST(IsOarsiResponder, ArmTwoOnlyOneOfThreeFails) {
  OarsiInput in = Input(50, 40, 60, 58);
  in.global_before = 70;
  in.global_after = 65;
  EXPECT_EQ(IsOarsiResponder(in), false);
}

TEST(IsOarsiResponder, ArmTwoNeedsBothRelativeAndAbsolute) {
  // Pain 80 -> 68: 12 points but 15 %; function 30 -> 22: 26.7 % but 8 points.
  EXPECT_EQ(IsOarsiResponder(Input(80, 68, 30, 22)), false);
}

TEST(IsOarsiResponder, DirectionIsHundredWorst) {
  // Rising scores are worsening on these scales, however large the change.
  EXPECT_EQ(IsOarsiResponder(Input(20, 60, 20, 60)), false);
}

TEST(IsOarsiResponder, BaselineZeroNeverResponds) {
  EXPECT_EQ(IsOarsiResponder(Input(0, 0, 0, 0)), false);
  OarsiCriteria lenient;
  lenient.moderate_absolute = 0;  // even with no absolute floor, 0 % of 0 does not count as improvement
  EXPECT_EQ(IsOarsiResponder(Input(0, 0, 0, 0), lenient), false);
}

TEST(IsOarsiResponder, MissingPainOrFunctionIsUnknown) {
  OarsiInput in = Input(50, 20, 50, 20);
  in.function_after.reset();
  EXPECT_EQ(IsOarsiResponder(in), std::nullopt);
  in = Input(50, 20, 50, 20);
  in.pain_before.reset();
  EXPECT_EQ(IsOarsiResponder(in), std::nullopt);
}

TEST(IsOarsiResponder, HalfRecordedGlobalIsIgnored) {
  OarsiInput in = Input(50, 40, 60, 58);
  in.global_before = 70;  // no follow-up global: only pain meets arm 2
  EXPECT_EQ(IsOarsiResponder(in), false);
}

TEST(IsOarsiResponder, CriteriaAreConfigurable) {
  OarsiCriteria strict;
  strict.high_absolute = 25;
  EXPECT_EQ(IsOarsiResponder(Input(40, 20, 60, 60), strict), false);
  EXPECT_EQ(IsOarsiResponder(Input(40, 20, 60, 60)), true);
}

}  // namespace
}  // namespace kneeregen::stats
