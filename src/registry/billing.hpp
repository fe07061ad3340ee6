// What a patient owes on an invoice: its total less payments, plus refunds. All integer cents.
#pragma once

#include <cstdint>
#include <vector>

#include "registry/store.hpp"

namespace kneeregen {

struct InvoiceBalance {
  int64_t total_cents = 0;
  int64_t paid_cents = 0;      // every payment
  int64_t refunded_cents = 0;  // every refund
  int64_t balance_cents = 0;   // total - paid + refunded: what is still owed
  std::vector<Json> payments;  // payments and refunds in the order they were recorded
};

InvoiceBalance BalanceOf(ReadTransaction& tx, int64_t clinic_id, const Json& invoice);

}  // namespace kneeregen
