// Reading R's answers in tests/golden/stats: numbers as doubles, R's NA (written as null) as an empty
// optional, and one comparison that fails when either side is missing and the other is not.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/golden.hpp"

namespace kneeregen::testing {

// The tolerance the statistics engine promises against R.
inline constexpr double kAgreesWithR = 1e-6;

inline std::vector<double> Doubles(const Json& array) { return array.get<std::vector<double>>(); }

inline std::optional<double> OptionalDouble(const Json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<double>();
}

inline void ExpectAgrees(std::optional<double> actual, const Json& expected, const std::string& what) {
  if (expected.is_null()) {
    EXPECT_FALSE(actual.has_value()) << what << ": R gives NA, got " << actual.value_or(0);
    return;
  }
  ASSERT_TRUE(actual.has_value()) << what << ": empty, R gives " << expected.get<double>();
  EXPECT_NEAR(*actual, expected.get<double>(), kAgreesWithR) << what;
}

}  // namespace kneeregen::testing
