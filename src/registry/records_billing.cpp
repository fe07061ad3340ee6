// Quotes, invoices and payments. A quote prices what a course's plan will still deliver with the clinic's
// price list in force; an accepted quote becomes one invoice; payments and refunds are append-only, so the
// history of money is never rewritten. Every amount is integer cents (core/money).
#include "clinic/pricing.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "registry/billing.hpp"
#include "registry/course_plan.hpp"
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

using namespace fields;

// Money is handled by the front desk and the clinic's administrator; clinicians see it.
const AccessPolicy kBilling{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                            .create = {R::kAdmin, R::kCoordinator},
                            .update = {R::kAdmin, R::kCoordinator}};
const AccessPolicy kBillingAppendOnly{.read = kBilling.read, .create = kBilling.create};

constexpr int64_t kMaxCents = 100'000'000'00;  // $100 million: far above any course, far below overflow

FieldSpec Cents(std::string name, std::string description, Json example) {
  return Number(std::move(name), FieldKind::kInteger, 0, kMaxCents, std::move(description),
                std::move(example));
}

Status PrepareQuote(RecordContext& c) {
  auto price_list = NewestRecord(c.tx, KnownSchema("price-lists"), c.clinic_id);
  if (!price_list)
    return Error{
        ErrorCode::kConflict, "the clinic has no price list yet; an administrator adds one first", {}};
  auto course = c.tx.GetRecord(KnownSchema("treatment-courses"), c.clinic_id, c.record["course_id"]);
  if ((*course)["status"] == "cancelled")
    return Error::Field(ErrorCode::kValidationFailed, "course_id", "is cancelled");
  auto plan = RebuildCoursePlan(c.tx, c.clinic_id, *course);
  if (!plan) return plan.error();
  auto prices =
      PriceList::FromJson((*price_list)["prices"], CatalogueOf(c.tx, c.clinic_id, (*course)["catalogue_id"]));
  if (!prices)
    return Error{ErrorCode::kConflict, "the price list in force does not fit this course's catalogue", {}};
  auto quote = BuildQuote(*plan, *prices, TodayUtc(), c.record["valid_days"].get<int>());
  if (!quote) return quote.error();
  c.record["price_list_id"] = (*price_list)["id"];
  c.record["quote"] = ToJson(*quote);
  c.record["total_cents"] = quote->total.cents();
  c.record["currency"] = quote->currency;
  c.record["issued_on"] = FormatDate(quote->issued_on);
  c.record["valid_until"] = FormatDate(quote->valid_until);
  return Ok{};
}

RecordSchema Quotes() {
  auto valid_days = Number("valid_days", FieldKind::kInteger, 1, 365, "Days the quote stays valid", 30);
  valid_days.default_value = 30;
  return RecordSchema{
      .resource = "quotes",
      .table = "quotes",
      .title = "Quote",
      .description =
          "A priced quote for a course: line items, total in cents, the clinic's typical range, the "
          "self-pay statement and a validity date. Quotes are documents: a new plan gets a new quote.",
      .fields = {Required(Ref("course_id", "treatment-courses", "The course quoted")),
                 Derived("patient_id", "course_id", "The patient (from the course)"), valid_days,
                 Computed(Ref("price_list_id", "price-lists", "The price-list version used")),
                 Computed(JsonValue("quote", "Line items, total, typical range and statements",
                                    Json::object(), nullptr)),
                 Computed(Cents("total_cents", "Total in cents", 750000)),
                 Computed(Text("currency", 3, "ISO 4217 currency", "USD")),
                 Computed(AnyDate("issued_on", "Date issued (server date)", "2026-01-05")),
                 Computed(AnyDate("valid_until", "Last day it can be accepted", "2026-02-04"))},
      .patient_field = "patient_id",
      .policy = kBillingAppendOnly,
      .prepare = PrepareQuote,
  };
}

Status PrepareInvoice(RecordContext& c) {
  if (!c.creating()) {
    if (c.before->at("status") == "cancelled" && c.record["status"] != "cancelled")
      return Error::Field(ErrorCode::kValidationFailed, "status", "a cancelled invoice stays cancelled");
    if (c.record["status"] == "cancelled" && c.record["cancel_reason"].is_null())
      return Error::Field(ErrorCode::kValidationFailed, "cancel_reason", "is required to cancel an invoice");
    return Ok{};
  }
  if (c.record["status"] != "open")
    return Error::Field(ErrorCode::kValidationFailed, "status", "a new invoice is open");
  auto quote = c.tx.GetRecord(KnownSchema("quotes"), c.clinic_id, c.record["quote_id"]);
  if (FormatDate(TodayUtc()) > (*quote)["valid_until"].get<std::string>())
    return Error::Field(ErrorCode::kValidationFailed, "quote_id",
                        "expired on " + (*quote)["valid_until"].get<std::string>() + "; issue a new quote");
  c.record["total_cents"] = (*quote)["total_cents"];
  c.record["currency"] = (*quote)["currency"];
  c.record["issued_on"] = FormatDate(TodayUtc());
  return Ok{};
}

RecordSchema Invoices() {
  auto status =
      Filterable(Enum("status", {"open", "cancelled"}, "Open, or cancelled (payments stay on record)"));
  status.default_value = "open";
  return RecordSchema{
      .resource = "invoices",
      .table = "invoices",
      .title = "Invoice",
      .description = "An accepted quote. Its balance and payments: GET /api/v1/invoices/{id}/statement.",
      .fields = {Required(Ref("quote_id", "quotes", "The accepted quote")),
                 Derived("course_id", "quote_id", "The course (from the quote)"),
                 Derived("patient_id", "quote_id", "The patient (from the quote)"), status,
                 FreeText(Text("cancel_reason", 500, "Why it was cancelled (required to cancel)", nullptr)),
                 Computed(Cents("total_cents", "Total in cents, from the quote", 750000)),
                 Computed(Text("currency", 3, "ISO 4217 currency", "USD")),
                 Computed(AnyDate("issued_on", "Date issued (server date)", "2026-01-06"))},
      .patient_field = "patient_id",
      .unique_keys = {{"quote_id"}},
      .policy = kBilling,
      .cross_check =
          [](const Json& r) {
            std::vector<FieldError> errors;
            if (r["status"] != "cancelled" && !r["cancel_reason"].is_null())
              errors.push_back({"cancel_reason", "is only for a cancelled invoice"});
            return errors;
          },
      .prepare = PrepareInvoice,
  };
}

Status PreparePayment(RecordContext& c) {
  auto invoice = c.tx.GetRecord(KnownSchema("invoices"), c.clinic_id, c.record["invoice_id"]);
  InvoiceBalance balance = BalanceOf(c.tx, c.clinic_id, *invoice);
  const int64_t amount = c.record["amount_cents"].get<int64_t>();
  if (c.record["kind"] == "payment") {
    if ((*invoice)["status"] == "cancelled")
      return Error::Field(ErrorCode::kValidationFailed, "invoice_id", "is cancelled; it takes refunds only");
    if (amount > balance.balance_cents)
      return Error::Field(ErrorCode::kValidationFailed, "amount_cents",
                          "is more than the balance of " + Money::FromCents(balance.balance_cents).Format());
  } else if (amount > balance.paid_cents - balance.refunded_cents) {
    return Error::Field(ErrorCode::kValidationFailed, "amount_cents",
                        "is more than the " +
                            Money::FromCents(balance.paid_cents - balance.refunded_cents).Format() +
                            " paid and not yet refunded");
  }
  return Ok{};
}

RecordSchema Payments() {
  auto amount = Required(Cents("amount_cents", "Amount in cents", 50000));
  amount.min = 1;
  return RecordSchema{
      .resource = "payments",
      .table = "payments",
      .title = "Payment",
      .description =
          "A payment or refund against an invoice. Append-only: a mistake is corrected with a refund.",
      .fields = {Required(Ref("invoice_id", "invoices", "The invoice")),
                 Derived("patient_id", "invoice_id", "The patient (from the invoice)"),
                 Required(Filterable(Enum("kind", {"payment", "refund"}, "Money in, or money back"))), amount,
                 Required(Enum("method", {"card", "cash", "bank_transfer", "check", "financing", "other"},
                               "How it was paid")),
                 Required(Date("paid_on", "Date of the payment", "2026-01-06")),
                 Text("reference", 100, "Receipt, transaction or cheque number", "TX-88213")},
      .patient_field = "patient_id",
      .policy = kBillingAppendOnly,
      .prepare = PreparePayment,
  };
}

}  // namespace

InvoiceBalance BalanceOf(ReadTransaction& tx, int64_t clinic_id, const Json& invoice) {
  InvoiceBalance b;
  b.total_cents = invoice["total_cents"].get<int64_t>();
  b.payments = AllRecords(tx, KnownSchema("payments"), clinic_id, {{"invoice_id", invoice["id"]}});
  for (const auto& p : b.payments)
    (p["kind"] == "payment" ? b.paid_cents : b.refunded_cents) += p["amount_cents"].get<int64_t>();
  b.balance_cents = b.total_cents - b.paid_cents + b.refunded_cents;
  return b;
}

std::vector<RecordSchema> BillingRecordSchemas() { return {Quotes(), Invoices(), Payments()}; }

}  // namespace kneeregen
