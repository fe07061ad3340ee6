// Candidacy screenings of a clinic's patients and the clinic's versioned candidacy rules. A screening takes
// the clinician's findings, fills the patient's age from the birth date and each knee's KL grade and lesions
// from its latest graded assessment when the body leaves them out, runs the clinic's current rules, and
// stores the input, the tier, every reason and the rules version, with the audit row in the same transaction.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/roles.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// Who may screen and read screenings (create, read), and who may read and publish candidacy rules.
const AccessPolicy& ScreeningPolicy();
const AccessPolicy& CandidacyRulesPolicy();

struct ScreeningQuery {
  std::optional<int64_t> patient_id;
  int64_t after_id = 0;
  int limit = 50;  // kDefaultPageSize
};

// The list route's query parameters: patient_id, cursor and limit; anything else is a validation error.
Result<ScreeningQuery> ParseScreeningQuery(const std::multimap<std::string, std::string>& params);

class ScreeningService {
 public:
  explicit ScreeningService(Store& store) : store_(store) {}

  // Screens the patient `patient_id` of the actor's clinic; a patient of another clinic is not found.
  Result<Json> Screen(const Actor& actor, int64_t patient_id, const Json& body);
  Result<Json> Get(const Actor& actor, int64_t id);
  Result<RecordPage> List(const Actor& actor, const ScreeningQuery& query);

  // The clinic's current rules document: the latest published version, or the defaults.
  Result<Json> CurrentRules(const Actor& actor);
  // Publishes a new version; every key is required and a version name can be used only once per clinic.
  Result<Json> PublishRules(const Actor& actor, const Json& body);

 private:
  Store& store_;
};

}  // namespace kneeregen
