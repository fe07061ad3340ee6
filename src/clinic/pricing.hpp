// Prices and quotes: a clinic's price list (per unit of product, per session, per harvest, for imaging)
// and the quote built from a protocol plan, with line items and a total in integer cents, the clinic's
// typical range beside it, the self-pay statement and a validity date. Storage of quotes, invoices and
// payments lives in registry/; this is only the arithmetic.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/catalogue.hpp"
#include "clinic/protocol_planner.hpp"
#include "core/json_body.hpp"
#include "core/money.hpp"
#include "core/result.hpp"

namespace kneeregen {

inline constexpr std::string_view kSelfPayStatement = "This treatment is not covered by insurance; it is self-pay.";

struct ProductPrice {
  std::string product;  // product catalogue code
  // The price is per `per` base units, a power of ten: 1000 for "per mL" of a product dosed in microlitres,
  // 1000000 for "per 10^6 cells". Powers of ten keep the billed quantity an exact decimal.
  int64_t per = 1;
  Money unit_price;
};

enum class ImagingCharge { kPerSession, kPerCourse };

struct PriceList {
  std::string name;  // shown on the quote; the demo list says it is synthetic
  std::string currency = "USD";
  std::vector<ProductPrice> products;
  Money session_fee;
  Money harvest_fee;
  Money imaging_fee;  // image guidance at each session, or one imaging fee for the course
  ImagingCharge imaging_charge = ImagingCharge::kPerSession;
  Money typical_low;
  Money typical_high;
  std::string typical_range_note;  // what the range is typical of, e.g. a six-session course

  // Product codes are checked against `catalogue`, so a price never points at a product the clinic lacks.
  static Result<PriceList> FromJson(const Json& json, const Catalogue& catalogue);
  Json ToJson() const;
  const ProductPrice* FindProduct(std::string_view code) const;
};

struct QuoteLine {
  std::string description;
  std::string quantity;  // exact decimal: "6", "60", "2.5"
  std::string unit;      // "session", "mL", "10^6 cells"
  Money unit_price;
  Money amount;
};

struct Quote {
  std::string price_list;
  std::string currency;
  std::vector<QuoteLine> lines;
  Money total;
  Money typical_low;
  Money typical_high;
  std::string typical_range_note;
  std::string insurance_statement;
  std::chrono::year_month_day issued_on;
  std::chrono::year_month_day valid_until;
};

// Quotes what the plan will still deliver: cancelled sessions and harvests are not charged. `issued_on`
// comes from the caller so the quote is a pure function of its inputs.
Result<Quote> BuildQuote(const ProtocolPlan& plan, const PriceList& prices, std::chrono::year_month_day issued_on,
                         int validity_days);
Json ToJson(const Quote& quote);

// Synthetic prices for the demo clinic: a six-session bone-marrow course of 60 mL lands inside
// $6,000-$9,000 and a single session below it. Not a market survey.
PriceList DemoPriceList();

}  // namespace kneeregen
