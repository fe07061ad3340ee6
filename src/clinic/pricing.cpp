#include "clinic/pricing.hpp"

#include <cassert>
#include <set>

#include "core/time.hpp"

namespace kneeregen {

namespace {

constexpr int64_t kMaxPer = 1'000'000'000'000;  // 10^12: per 10^12 particles is the coarsest billing unit
constexpr int kMaxValidityDays = 365;

bool IsPowerOfTen(int64_t n) {
  for (int64_t p = 1; p <= kMaxPer; p *= 10)
    if (n == p) return true;
  return false;
}

int Exponent(int64_t power_of_ten) {
  int k = 0;
  for (; power_of_ten > 1; power_of_ten /= 10) ++k;
  return k;
}

std::string UnitLabel(DoseUnit unit, int64_t per) {
  if (unit == DoseUnit::kMillilitres && per == 1000) return "mL";
  std::string base = unit == DoseUnit::kMillilitres ? "uL" : std::string(DoseUnitCode(unit));
  return per == 1 ? base : "10^" + std::to_string(Exponent(per)) + " " + base;
}

// `amount` base units as an exact decimal number of `per`-sized billing units: 2500 per 1000 -> "2.5".
std::string DecimalQuantity(int64_t amount, int64_t per) {
  std::string out = std::to_string(amount / per);
  std::string fraction = std::to_string(amount % per);
  fraction = std::string(static_cast<size_t>(Exponent(per)) - fraction.size(), '0') + fraction;
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? out : out + "." + fraction;
}

std::optional<Money> ReadMoney(JsonFieldReader& r, std::string_view key) {
  auto text = r.Text(key);
  if (!text) return std::nullopt;
  auto money = Money::Parse(*text);
  if (!money) {
    r.Fail(key, money.error().fields.front().message);
    return std::nullopt;
  }
  if (money->cents() < 0) {
    r.Fail(key, "must not be negative");
    return std::nullopt;
  }
  return *money;
}

Error QuoteOverflow() { return Error::Field(ErrorCode::kValidationFailed, "", "the quote total overflows"); }

}  // namespace

Result<PriceList> PriceList::FromJson(const Json& json, const Catalogue& catalogue) {
  std::vector<FieldError> errors;
  JsonFieldReader r(json, "", errors);
  if (!r.is_object()) return Error::Validation(std::move(errors));
  PriceList list;
  list.name = r.Text("name").value_or("");
  list.currency = r.Text("currency").value_or("");
  // Money formats dollars only; another currency needs its own formatting, not a relabelled "$".
  if (r.Has("currency") && list.currency != "USD" && !list.currency.empty()) r.Fail("currency", "must be USD");
  if (const Json* products = r.Array("products")) {
    std::set<std::string> seen;
    for (size_t i = 0; i < products->size(); ++i) {
      std::string path = "products/" + std::to_string(i);
      JsonFieldReader p((*products)[i], path, errors);
      if (!p.is_object()) continue;
      ProductPrice price;
      price.product = p.Text("product").value_or("");
      if (p.Has("product") && !price.product.empty()) {
        if (!catalogue.FindProduct(price.product)) p.Fail("product", "is not in the product catalogue");
        else if (!seen.insert(price.product).second) p.Fail("product", "is priced twice");
      }
      price.per = p.Integer("per", 1, kMaxPer).value_or(1);
      if (p.Has("per") && !IsPowerOfTen(price.per)) p.Fail("per", "must be a power of ten (1, 10, ... 10^12)");
      price.unit_price = ReadMoney(p, "unit_price").value_or(Money());
      p.Finish();
      list.products.push_back(std::move(price));
    }
  }
  list.session_fee = ReadMoney(r, "session_fee").value_or(Money());
  list.harvest_fee = ReadMoney(r, "harvest_fee").value_or(Money());
  list.imaging_fee = ReadMoney(r, "imaging_fee").value_or(Money());
  if (auto charge = r.Text("imaging_charge")) {
    if (*charge == "per_session") list.imaging_charge = ImagingCharge::kPerSession;
    else if (*charge == "per_course") list.imaging_charge = ImagingCharge::kPerCourse;
    else r.Fail("imaging_charge", "must be per_session or per_course");
  }
  auto low = ReadMoney(r, "typical_low");
  auto high = ReadMoney(r, "typical_high");
  if (low && high && *low > *high) r.Fail("typical_high", "must not be below typical_low");
  list.typical_low = low.value_or(Money());
  list.typical_high = high.value_or(Money());
  list.typical_range_note = r.Text("typical_range_note").value_or("");
  r.Finish();
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return list;
}

Json PriceList::ToJson() const {
  Json products = Json::array();
  for (const auto& p : this->products)
    products.push_back({{"product", p.product}, {"per", p.per}, {"unit_price", p.unit_price.ToDecimal()}});
  return {{"name", name},
          {"currency", currency},
          {"products", products},
          {"session_fee", session_fee.ToDecimal()},
          {"harvest_fee", harvest_fee.ToDecimal()},
          {"imaging_fee", imaging_fee.ToDecimal()},
          {"imaging_charge", imaging_charge == ImagingCharge::kPerSession ? "per_session" : "per_course"},
          {"typical_low", typical_low.ToDecimal()},
          {"typical_high", typical_high.ToDecimal()},
          {"typical_range_note", typical_range_note}};
}

const ProductPrice* PriceList::FindProduct(std::string_view code) const {
  for (const auto& p : products)
    if (p.product == code) return &p;
  return nullptr;
}

Result<Quote> BuildQuote(const ProtocolPlan& plan, const PriceList& prices, std::chrono::year_month_day issued_on,
                         int validity_days) {
  std::vector<FieldError> errors;
  const ProductPrice* price = prices.FindProduct(plan.product);
  if (!price) errors.push_back({"product", "has no price in " + prices.name});
  if (plan.totals.active_sessions == 0) errors.push_back({"sessions", "no session is left to quote"});
  if (validity_days < 1 || validity_days > kMaxValidityDays)
    errors.push_back({"validity_days", "must be between 1 and " + std::to_string(kMaxValidityDays)});
  if (!issued_on.ok()) errors.push_back({"issued_on", "must be a real calendar date"});
  if (!errors.empty()) return Error::Validation(std::move(errors));

  Quote quote;
  quote.price_list = prices.name;
  quote.currency = prices.currency;
  auto add_fee = [&](std::string description, int64_t count, std::string unit, Money fee) -> Status {
    // A free item is left off rather than shown as $0.00, which a patient could read as a discount.
    if (count <= 0 || fee.cents() <= 0) return Ok{};
    auto amount = fee.Times(count);
    if (!amount) return QuoteOverflow();
    quote.lines.push_back({std::move(description), std::to_string(count), std::move(unit), fee, *amount});
    return Ok{};
  };
  if (!plan.harvests.empty()) {
    std::string tissue = plan.harvests.front().tissue == HarvestTissue::kIliacCrestMarrow
                             ? "iliac-crest bone-marrow aspiration"
                             : "lipoaspiration";
    if (auto s = add_fee("Harvest: " + tissue, plan.totals.active_harvests, "harvest", prices.harvest_fee); !s)
      return s.error();
  }
  auto product_amount = price->unit_price.Prorate(plan.totals.deliverable_dose, price->per);
  if (!product_amount) return QuoteOverflow();
  quote.lines.push_back({plan.product_name, DecimalQuantity(plan.totals.deliverable_dose, price->per),
                         UnitLabel(plan.dose_unit, price->per), price->unit_price, *product_amount});
  if (auto s = add_fee("Treatment session", plan.totals.active_sessions, "session", prices.session_fee); !s)
    return s.error();
  bool per_session = prices.imaging_charge == ImagingCharge::kPerSession;
  if (auto s = add_fee(per_session ? "Image guidance" : "Imaging", per_session ? plan.totals.active_sessions : 1,
                       per_session ? "session" : "course", prices.imaging_fee);
      !s)
    return s.error();
  for (const auto& line : quote.lines) {
    auto sum = quote.total.Plus(line.amount);
    if (!sum) return QuoteOverflow();
    quote.total = *sum;
  }
  quote.typical_low = prices.typical_low;
  quote.typical_high = prices.typical_high;
  quote.typical_range_note = prices.typical_range_note;
  quote.insurance_statement = std::string(kSelfPayStatement);
  quote.issued_on = issued_on;
  quote.valid_until = std::chrono::year_month_day{std::chrono::sys_days{issued_on} + std::chrono::days{validity_days}};
  return quote;
}

Json ToJson(const Quote& quote) {
  Json lines = Json::array();
  for (const auto& l : quote.lines)
    lines.push_back({{"description", l.description},
                     {"quantity", l.quantity},
                     {"unit", l.unit},
                     {"unit_price_cents", l.unit_price.cents()},
                     {"amount_cents", l.amount.cents()}});
  return {{"price_list", quote.price_list},
          {"currency", quote.currency},
          {"lines", lines},
          {"total_cents", quote.total.cents()},
          {"total", quote.total.Format()},
          {"typical_low_cents", quote.typical_low.cents()},
          {"typical_high_cents", quote.typical_high.cents()},
          {"typical_range_note", quote.typical_range_note},
          {"insurance_statement", quote.insurance_statement},
          {"issued_on", FormatDate(quote.issued_on)},
          {"valid_until", FormatDate(quote.valid_until)}};
}

PriceList DemoPriceList() {
  // Synthetic: chosen so the demo six-session course of 60 mL BMC costs $1,200 + 60 x $50 + 6 x $450 +
  // 6 x $100 = $7,500, inside the $6,000-$9,000 range the issue names, and one 10 mL session $2,250.
  static const Json kDemo = {
      {"name", "Demo clinic price list (synthetic)"},
      {"currency", "USD"},
      {"products",
       {{{"product", "bone_marrow_concentrate"}, {"per", 1'000}, {"unit_price", "50.00"}},
        {{"product", "adipose_derived_cells"}, {"per", 1'000'000}, {"unit_price", "40.00"}},
        {{"product", "umbilical_cord_msc"}, {"per", 1'000'000}, {"unit_price", "60.00"}},
        {{"product", "exosomes"}, {"per", 1'000'000'000}, {"unit_price", "25.00"}}}},
      {"session_fee", "450.00"},
      {"harvest_fee", "1200.00"},
      {"imaging_fee", "100.00"},
      {"imaging_charge", "per_session"},
      {"typical_low", "6000.00"},
      {"typical_high", "9000.00"},
      {"typical_range_note", "Typical total for a six-session course at this clinic"},
  };
  auto list = PriceList::FromJson(kDemo, DefaultCatalogue());
  assert(list.ok());
  return *list;
}

}  // namespace kneeregen
