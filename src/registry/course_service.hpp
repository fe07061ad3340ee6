// The treatment-course actions that are not plain record edits: re-planning a course, an invoice's
// statement (payments and balance), and recall by lot.
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

class CourseService {
 public:
  explicit CourseService(Store& store) : store_(store) {}

  // Body {"session": k, "move_to": "YYYY-MM-DD"} moves session k and every later session and harvest by
  // the same number of days; {"session": k, "cancel": true} cancels it. A performed session can't change.
  Result<Json> Replan(const Actor& actor, int64_t course_id, const Json& body,
                      std::optional<int64_t> expected_version);
  // The invoice with every payment and refund, and the balance, in cents.
  Result<Json> Statement(const Actor& actor, int64_t invoice_id);
  // Every patient, session and injection site that received `lot`, matched on injection lots, session
  // product lots and processing-kit lots, with the patients' contact details for the recall call.
  Result<Json> RecallLot(const Actor& actor, const std::string& lot);

 private:
  Store& store_;
};

}  // namespace kneeregen
