// E-consent: the text a patient signs is rendered from a versioned template, the course's plan and its
// quote, then frozen. The snapshot and its SHA-256 never change, whatever later happens to the template.
#pragma once

#include <optional>
#include <string>

#include "registry/store.hpp"

namespace kneeregen {

// The consent text for a course: template sections, the planned sessions (dates, sites, volumes, product,
// total dose) and the quoted cost. Pure: the same inputs give the same bytes.
std::string RenderConsent(const Json& consent_template, const Json& course, const Json& quote,
                          const std::string& signer_name, const std::string& meaning);

// The consent that covers a session on `date` (YYYY-MM-DD): the newest consent of the course signed on
// or before that day and not withdrawn by then. Nothing when the course has none.
std::optional<Json> ConsentCovering(ReadTransaction& tx, int64_t clinic_id, int64_t course_id,
                                    const std::string& date);

}  // namespace kneeregen
