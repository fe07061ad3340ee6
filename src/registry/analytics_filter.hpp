// Which treatment courses an outcome figure describes, and the settings every figure is computed with.
// The filter is read from name = value pairs (an HTTP query string or command-line options alike); a name
// that is not a filter, or a value that is not valid, is refused naming the parameter. The clinic is never
// a filter: it is always the caller's own.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "registry/imaging_service.hpp"
#include "registry/store.hpp"
#include "stats/responders.hpp"

namespace kneeregen {

struct CohortFilter {
  std::optional<int64_t> protocol_id;   // a protocol template of the clinic
  std::optional<std::string> product;   // a product code
  std::optional<int> sessions;          // sessions performed
  std::optional<bool> ligament_sites;   // any injection outside the joint
  std::optional<int> kl_grade;          // of the treated knee before treatment
  std::optional<int> age_min, age_max;  // age at the first session, inclusive
  std::optional<int64_t> practitioner_id;
  std::optional<std::string> first_session_from, first_session_to;  // YYYY-MM-DD, inclusive

  // The criteria in force, as {name: value}, so every report says which were used.
  Json ToJson() const;
};

using QueryParameters = std::multimap<std::string, std::string>;

// The filter names ParseCohortFilter accepts, for the API description and --help.
const std::vector<std::string>& CohortFilterNames();

// Checks syntax and ranges; names that need the clinic's data (protocol, product, practitioner) are checked
// by CheckCohortFilterAgainst. `also_allowed` lists further names the caller reads itself.
Result<CohortFilter> ParseCohortFilter(const QueryParameters& query,
                                       const std::vector<std::string>& also_allowed = {});
// A protocol, practitioner or product the clinic does not have is refused like a malformed value.
Status CheckCohortFilterAgainst(ReadTransaction& tx, int64_t clinic_id, const CohortFilter& filter);

// Figures count courses (treated knees), and a patient treated in both knees, or treated again, has more
// than one; small-cell suppression is about patients. This bounds how few patients a number of a cohort's
// courses can belong to, so a cell of courses is shown only when they surely come from enough patients.
struct CoursesPerPatient {
  size_t courses = 0, patients = 0;  // of the cohort
  size_t most = 1;                   // the courses of the patient with the most

  // The fewest patients `some` of the cohort's courses can belong to: no patient has more than `most`,
  // and at most courses - patients of them are a patient's second or later course.
  size_t FewestPatients(size_t some) const {
    const size_t by_most = (some + most - 1) / most, repeats = courses - patients;
    return std::max(by_most, some > repeats ? some - repeats : 0);
  }
};

// What every figure is computed with. Thresholds are data with their sources (DOMAIN.md §4, §5).
struct AnalyticsSettings {
  // A cell built from fewer patients than this is suppressed. 11 follows the common rule of US public
  // health data releases (CMS: no cell under 11).
  int min_cell = 11;
  stats::MicThresholds mic = stats::DefaultKoosMic();
  // PASS on KOOS Pain (100 = best): Georgopoulos 2023 knee OA pain PASS 31 on a 0-100 worst scale,
  // so >= 69 here (DOMAIN.md §4: derived).
  double pass_pain = 69;
  std::string pass_source =
      "Georgopoulos 2023 meta-analysis, knee OA pain PASS 31/100 (100 = worst), "
      "read as KOOS Pain >= 69 (derived, DOMAIN.md §4)";
  double cartilage_error_mm = kDefaultCartilageMeasurementErrorMm;  // the knee view's threshold, [U]
  // Completeness and censoring are judged on this day; empty means today (UTC).
  std::optional<std::string> as_of;
  double level = 0.95;
  // Of the cohort a report describes (set by the report; one course per patient until then).
  CoursesPerPatient courses_per_patient;
};

}  // namespace kneeregen
