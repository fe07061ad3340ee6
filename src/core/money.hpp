// Money as integer US cents, and exact integer apportionment. Prices, quotes and payments never touch
// floating point: every amount is a whole number of cents, every split sums back to the amount it came
// from, and an overflow is reported instead of wrapping.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kneeregen {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromCents(int64_t cents) { return Money(cents); }
  // Strict decimal dollars: "6480", "6480.00", "-12.50". Exactly two decimals when a point is present;
  // no sign other than a leading '-', no grouping commas, no leading zeros, no exponent.
  static Result<Money> Parse(std::string_view text);

  constexpr int64_t cents() const { return cents_; }
  // "$6,480.00", "-$12.50": for people.
  std::string Format() const;
  // "6480.00", "-12.50": for JSON and CSV; Parse reads it back.
  std::string ToDecimal() const;

  // Checked arithmetic for amounts that come from input or from multiplying by a quantity.
  Result<Money> Plus(Money other) const;
  Result<Money> Minus(Money other) const;
  Result<Money> Times(int64_t quantity) const;
  // This amount times numerator / denominator, rounded half away from zero to the cent: a price per mL
  // applied to a dose in microlitres. `numerator` >= 0, `denominator` > 0.
  Result<Money> Prorate(int64_t numerator, int64_t denominator) const;

  // Unchecked forms for sums of amounts already validated to be small; overflow there is a programmer
  // error, so it asserts.
  Money operator+(Money other) const;
  Money operator-(Money other) const;
  Money operator-() const;

  friend constexpr auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(int64_t cents) : cents_(cents) {}
  int64_t cents_ = 0;
};

// Splits `amount` into `parts` amounts that sum exactly to it; the first parts carry the extra cents
// ($100.00 / 3 = $33.34, $33.33, $33.33). `parts` must be at least 1.
std::vector<Money> SplitEvenly(Money amount, int parts);

// Largest-remainder apportionment of a non-negative `total` by non-negative `weights` (at least one
// positive): each share is total * weight / sum rounded down, then the units left over go one each to
// the largest fractional remainders, ties to the earlier index. The shares sum exactly to `total`.
std::vector<int64_t> ApportionByWeights(int64_t total, std::span<const int64_t> weights);

}  // namespace kneeregen
