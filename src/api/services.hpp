// The registry services an HTTP handler may call, built once at start-up.
#pragma once

#include "registry/account_service.hpp"
#include "registry/record_service.hpp"
#include "registry/screening_service.hpp"
#include "registry/store.hpp"

namespace kneeregen::api {

class Services {
 public:
  explicit Services(Store& store, SessionSettings settings = {})
      : store(store), records(store), accounts(store, settings), screenings(store) {}
  Store& store;
  RecordService records;
  AccountService accounts;
  ScreeningService screenings;
};

}  // namespace kneeregen::api
