// A treatment course's plan as the registry keeps it: the plan request, the clinic catalogue version it was
// checked against, and the list of changes made since (moved or cancelled sessions). The plan itself is
// always rebuilt from those three, so a stored plan can be explained and recomputed.
#pragma once

#include <optional>

#include "clinic/catalogue.hpp"
#include "clinic/protocol_planner.hpp"
#include "registry/store.hpp"

namespace kneeregen {

struct ClinicCatalogue {
  Catalogue catalogue;
  std::optional<int64_t> id;  // the stored catalogue record; empty for the built-in default
};

// The newest catalogue the clinic stored, or the default catalogue when it never stored one.
ClinicCatalogue CurrentCatalogue(ReadTransaction& tx, int64_t clinic_id);
// The catalogue a course was planned with (`catalogue_id` null: the default).
Catalogue CatalogueOf(ReadTransaction& tx, int64_t clinic_id, const Json& catalogue_id);

// Rebuilds the plan of a stored (or about to be stored) course: plan_request + first_session, checked
// against its catalogue, then every entry of plan_changes applied in order. Errors name course fields.
Result<ProtocolPlan> RebuildCoursePlan(ReadTransaction& tx, int64_t clinic_id, const Json& course);

// Writes the fields derived from a plan into the course record: plan, product, sessions_planned,
// ligament_sites and start_date (the earliest harvest or session still planned).
void StorePlanFields(const ProtocolPlan& plan, Json& course);

}  // namespace kneeregen
