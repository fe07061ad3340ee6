#include "core/money.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>

namespace kneeregen {

namespace {

// 128-bit intermediates keep products such as a dose in cells times a weight exact.
__extension__ using Int128 = __int128;

Error MoneyError(std::string message) { return Error::Field(ErrorCode::kValidationFailed, "", std::move(message)); }

// Digits with thousands separators; `magnitude` is the absolute number of whole dollars.
std::string GroupThousands(uint64_t magnitude) {
  std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The absolute value as unsigned, so INT64_MIN does not overflow when negated.
uint64_t Magnitude(int64_t cents) {
  return cents < 0 ? uint64_t{0} - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
}

std::string TwoDigits(uint64_t cents) {
  return std::string{static_cast<char>('0' + cents % 100 / 10), static_cast<char>('0' + cents % 10)};
}

}  // namespace

Result<Money> Money::Parse(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  auto point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole)) return MoneyError("must be an amount such as 6480 or 6480.00");
  if (whole.size() > 1 && whole.front() == '0') return MoneyError("must not have leading zeros");
  if (point != std::string_view::npos && (fraction.size() != 2 || !all_digits(fraction)))
    return MoneyError("must have exactly two digits after the decimal point");
  // 15 digits of dollars keeps cents far inside int64 and is beyond any clinic's price.
  if (whole.size() > 15) return MoneyError("is too large");
  int64_t cents = 0;
  for (char c : whole) cents = cents * 10 + (c - '0');
  cents *= 100;
  if (!fraction.empty()) cents += (fraction[0] - '0') * 10 + (fraction[1] - '0');
  return Money(negative ? -cents : cents);
}

std::string Money::Format() const {
  uint64_t m = Magnitude(cents_);
  return std::string(cents_ < 0 ? "-$" : "$") + GroupThousands(m / 100) + "." + TwoDigits(m);
}

std::string Money::ToDecimal() const {
  uint64_t m = Magnitude(cents_);
  return std::string(cents_ < 0 ? "-" : "") + std::to_string(m / 100) + "." + TwoDigits(m);
}

Result<Money> Money::Plus(Money other) const {
  int64_t out = 0;
  if (__builtin_add_overflow(cents_, other.cents_, &out)) return MoneyError("the amount overflows");
  return Money(out);
}

Result<Money> Money::Minus(Money other) const {
  int64_t out = 0;
  if (__builtin_sub_overflow(cents_, other.cents_, &out)) return MoneyError("the amount overflows");
  return Money(out);
}

Result<Money> Money::Times(int64_t quantity) const {
  int64_t out = 0;
  if (__builtin_mul_overflow(cents_, quantity, &out)) return MoneyError("the amount overflows");
  return Money(out);
}

Result<Money> Money::Prorate(int64_t numerator, int64_t denominator) const {
  assert(numerator >= 0 && denominator > 0);
  Int128 magnitude = static_cast<Int128>(Magnitude(cents_)) * numerator;
  Int128 rounded = (magnitude + denominator / 2) / denominator;
  if (rounded > std::numeric_limits<int64_t>::max()) return MoneyError("the amount overflows");
  int64_t out = static_cast<int64_t>(rounded);
  return Money(cents_ < 0 ? -out : out);
}

Money Money::operator+(Money other) const {
  auto sum = Plus(other);
  assert(sum.ok());
  return sum.ok() ? *sum : Money();
}

Money Money::operator-(Money other) const {
  auto difference = Minus(other);
  assert(difference.ok());
  return difference.ok() ? *difference : Money();
}

Money Money::operator-() const {
  assert(cents_ != std::numeric_limits<int64_t>::min());
  return Money(-cents_);
}

std::vector<Money> SplitEvenly(Money amount, int parts) {
  assert(parts >= 1);
  std::vector<int64_t> weights(static_cast<size_t>(parts), 1);
  // Split the magnitude so a negative amount (a refund) also gives its extra cents to the first parts.
  bool negative = amount.cents() < 0;
  int64_t magnitude = negative ? -amount.cents() : amount.cents();
  std::vector<Money> out;
  for (int64_t share : ApportionByWeights(magnitude, weights))
    out.push_back(Money::FromCents(negative ? -share : share));
  return out;
}

std::vector<int64_t> ApportionByWeights(int64_t total, std::span<const int64_t> weights) {
  assert(total >= 0);
  Int128 weight_sum = 0;
  for (int64_t w : weights) {
    assert(w >= 0);
    weight_sum += w;
  }
  assert(weight_sum > 0);
  std::vector<int64_t> shares(weights.size());
  std::vector<Int128> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    Int128 product = static_cast<Int128>(total) * weights[i];
    shares[i] = static_cast<int64_t>(product / weight_sum);
    remainders[i] = product % weight_sum;
    given += shares[i];
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  // Fewer units are left over than there are weights, since each remainder is below one unit.
  for (int64_t left = total - given, k = 0; left > 0; --left, ++k) ++shares[order[static_cast<size_t>(k)]];
  return shares;
}

}  // namespace kneeregen
