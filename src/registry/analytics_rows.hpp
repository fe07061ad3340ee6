// One analytic row per treatment course of a clinic: who was treated (age, sex, BMI, KL grade before
// treatment), with what (product, protocol, sessions, ligament sites, practitioner), and what followed (KOOS
// per follow-up timepoint, knee surgery and death, the other knee, adverse events, MRI cartilage). Built
// with one read per record kind for the whole clinic, never one query per patient, so the cost grows with
// the registry's size and not with the number of round trips. The rows carry ids only for joining; no
// figure ever prints one.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "registry/analytics_filter.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// KOOS subscales in the order every figure lists them (scale ids of the KOOS definition).
inline constexpr std::array<const char*, 5> kKoosScales = {"pain", "symptoms", "adl", "sport_rec", "qol"};

// A calendar day as days since 1970-01-01: rows hold dates as numbers so a figure over a million courses
// compares and subtracts integers instead of parsing text.
using Day = int32_t;
inline constexpr Day kNoDay = std::numeric_limits<Day>::max();  // "never": later than every real day
std::optional<Day> ToDay(const std::string& date);               // YYYY-MM-DD, or nothing
std::string FromDay(Day day);

// A subscale without a score (KoosAt::scores).
inline constexpr double kNoScore = std::numeric_limits<double>::quiet_NaN();

// What a course has at one follow-up timepoint. Nothing here depends on the day the figures are judged
// on, so the same rows serve any `as_of` (DueOn decides).
struct KoosAt {
  // By kKoosScales, kNoScore where the subscale has none. Plain doubles rather than optionals: 48 bytes a
  // timepoint instead of 88, and the KOOS figures of a million courses are a walk over exactly these.
  std::array<double, 5> scores = {kNoScore, kNoScore, kNoScore, kNoScore, kNoScore};
  Day window_closes = kNoDay;   // the earliest close of its follow-ups that were not cancelled
  bool answered = false;        // completed with KOOS scores
  bool completed = false;       // a follow-up at this timepoint was completed

  // Due on `as_of`: answered, or its window closed unanswered before that day (not cancelled).
  bool DueOn(Day as_of) const { return answered || completed || window_closes < as_of; }
};

struct AdverseEventRow {
  int grade = 1;
  bool serious = false;
};

struct CartilageChangeRow {
  std::string region;
  std::string method;
  double baseline_mm = 0, follow_up_mm = 0;
  double years = 0;
};

struct CourseRow {
  int64_t course_id = 0, patient_id = 0, knee_id = 0;
  bool synthetic = false;
  std::optional<double> age;  // years at the first session
  std::string sex;
  std::optional<double> bmi;
  std::optional<int> kl_grade;
  std::string product;
  std::optional<int64_t> protocol_id;
  std::string protocol_name;  // the template's name, or "custom plan"
  int sessions = 0;           // performed
  int sessions_intended = 0;  // in the plan as first requested, so a course stopped early keeps its protocol
  bool ligament_sites = false;
  std::optional<int64_t> practitioner_id;
  Day first_session = 0;      // the earliest performed session (its KOOS: ClinicRows::KoosOf)
  // Knee surgery (TKA, UKA, osteotomy) on the treated knee after the first session, death, the other knee's
  // replacement after the first session, and the last day the patient is known to have been followed.
  std::optional<Day> treated_knee_surgery, death, other_knee_replaced;
  std::string surgery_type;
  Day last_recorded = 0;  // never before the first session
  std::vector<AdverseEventRow> adverse_events;
  std::vector<CartilageChangeRow> cartilage;  // same method at baseline and follow-up only

  // The last day the patient is known to have been followed, as seen on `as_of`.
  Day LastContactOn(Day as_of) const { return std::min(last_recorded, as_of); }
};

// What the figures read of one course, packed into one cache line: a CourseRow is several hundred bytes
// of strings and nested vectors, and a figure over a million courses is bound by the memory it walks, not
// by its arithmetic. Built from the rows (IndexCourses, ReindexCourses), never edited on its own.
struct CourseFacts {
  int64_t protocol_id = 0;      // the protocol template, 0 for a custom plan
  int64_t practitioner_id = 0;  // 0 when none is known
  double age = std::numeric_limits<double>::quiet_NaN();  // at the first session; NaN when unknown
  double bmi = std::numeric_limits<double>::quiet_NaN();
  uint32_t patient = 0;  // the patient, numbered densely within the clinic (CourseColumns::patient_span)
  Day first_session = 0, last_recorded = 0;
  Day treated_knee_surgery = kNoDay, death = kNoDay, other_knee_replaced = kNoDay;
  uint16_t product = 0;   // position in CourseColumns::products
  uint16_t protocol = 0;  // position in CourseColumns::protocol_names
  uint8_t sessions = 0, sessions_intended = 0;
  int8_t kl_grade = -1;  // -1 when unknown
  bool ligament_sites = false;

  Day LastContactOn(Day as_of) const { return std::min(last_recorded, as_of); }
};
static_assert(sizeof(CourseFacts) == 64, "one cache line per course");

// The rows in the shape the figures read them: one CourseFacts per course, and the rarer adverse events and
// MRI cartilage pairs as flat lists ordered by course, so a figure walks a cohort beside them instead of
// visiting every course's own vectors.
struct CourseColumns {
  struct AdverseEvent {
    uint32_t course = 0;  // position in ClinicRows::courses
    uint8_t grade = 1;
    bool serious = false;
  };
  // One per region of a course: the first pair listed for a region, so a knee measured with two methods
  // counts once.
  struct CartilagePair {
    uint32_t course = 0;
    uint16_t region = 0;  // position in `regions`
    int64_t knee_id = 0;
    double baseline_mm = 0, follow_up_mm = 0;
  };
  std::vector<CourseFacts> facts;  // by position in ClinicRows::courses
  std::vector<AdverseEvent> adverse_events;
  std::vector<CartilagePair> cartilage;
  // Sorted, so positions follow the order figures list them in.
  std::vector<std::string> products, protocol_names, regions;
  uint32_t patient_span = 0;  // every CourseFacts::patient is below this

  // The position of a product code, or nothing when no course used it.
  std::optional<uint16_t> ProductIndex(const std::string& code) const;
};
// Rebuilds `columns` from `courses`, reusing its memory: a refresh of a million courses then writes over
// the arrays it had instead of faulting in new ones.
void IndexCourses(const std::vector<CourseRow>& courses, CourseColumns& columns);
// Brings `columns` up to date after the rows at positions `changed` (ascending) were overwritten by newer
// rows of the same courses of the same patients, reading only those: what one answered follow-up or one
// recorded event asks of a million-course clinic. False, changing nothing, when a changed row names a
// product, protocol or cartilage region the columns do not list; IndexCourses then.
bool ReindexCourses(const std::vector<CourseRow>& courses, const std::vector<size_t>& changed,
                    CourseColumns& columns);

struct ClinicRows {
  std::vector<CourseRow> courses;  // treated courses (at least one session performed), by course id
  CourseColumns columns;           // of `courses`, rebuilt whenever they change
  // The KOOS of every course at every timepoint, course by course: courses[i] at timepoints[t] is
  // koos[i * timepoints.size() + t]. One block rather than a vector per course, so the KOOS figures of a
  // million courses read one stream of memory instead of a million allocations.
  std::vector<KoosAt> koos;
  std::map<int64_t, std::string> protocol_names;  // template id -> name
  std::vector<std::string> timepoints;            // the clinic's schedule order: baseline, 6w, 3m, ...
  bool synthetic = false;                         // the clinic or any of its records is synthetic demo data

  // The KOOS of courses[course], by timepoint.
  std::span<const KoosAt> KoosOf(size_t course) const {
    return std::span<const KoosAt>(koos).subspan(course * timepoints.size(), timepoints.size());
  }
  // Position of a timepoint code in `timepoints`, or nothing when the clinic's schedule lacks it.
  std::optional<size_t> TimepointIndex(const std::string& code) const;
};

// Reads the whole clinic once.
ClinicRows ExtractClinicRows(ReadTransaction& tx, int64_t clinic_id);
// The rows of some of the clinic's patients only (ids sorted, each once), one indexed query per patient
// and record kind; protocol names, timepoints and the clinic's synthetic flag are read as for the clinic.
ClinicRows ExtractPatientRows(ReadTransaction& tx, int64_t clinic_id, const std::vector<int64_t>& patients);

// The courses a figure describes: positions in `rows->courses` (and its columns), ascending.
struct Cohort {
  const ClinicRows* rows = nullptr;
  std::vector<uint32_t> courses;

  size_t size() const { return courses.size(); }
  const CourseFacts& Facts(uint32_t course) const { return rows->columns.facts[course]; }
  const CourseRow& Row(uint32_t course) const { return rows->courses[course]; }
};
Cohort SelectRows(const ClinicRows& rows, const CohortFilter& filter);

// The day figures are judged on (settings.as_of, set by the service before any figure runs).
Day AsOfDay(const AnalyticsSettings& settings);
inline double DaysBetween(Day from, Day to) { return static_cast<double>(to) - from; }
inline constexpr double kDaysPerMonth = 365.25 / 12;

}  // namespace kneeregen
