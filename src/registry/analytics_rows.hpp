// One analytic row per treatment course of a clinic: who was treated (age, sex, BMI, KL grade before
// treatment), with what (product, protocol, sessions, ligament sites, practitioner), and what followed (KOOS
// per follow-up timepoint, knee surgery and death, the other knee, adverse events, MRI cartilage). Built
// with one read per record kind for the whole clinic, never one query per patient, so the cost grows with
// the registry's size and not with the number of round trips. The rows carry ids only for joining; no
// figure ever prints one.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/analytics_filter.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// KOOS subscales in the order every figure lists them (scale ids of the KOOS definition).
inline constexpr std::array<const char*, 5> kKoosScales = {"pain", "symptoms", "adl", "sport_rec", "qol"};

struct KoosAt {
  bool expected = false;  // due: answered, or its window closed unanswered (not cancelled)
  bool answered = false;  // completed with KOOS scores
  std::array<std::optional<double>, 5> scores;  // by kKoosScales
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
  std::string first_session;           // the earliest performed session
  std::map<std::string, KoosAt> koos;  // by timepoint code ("baseline", "6w", "12m")
  // Knee surgery (TKA, UKA, osteotomy) on the treated knee after the first session, death, the other knee's
  // replacement after the first session, and the last day the patient is known to have been followed.
  std::optional<std::string> treated_knee_surgery, surgery_type, death, other_knee_replaced;
  std::string last_contact;
  std::vector<AdverseEventRow> adverse_events;
  std::vector<CartilageChangeRow> cartilage;  // same method at baseline and follow-up only
};

struct ClinicRows {
  std::vector<CourseRow> courses;  // treated courses (at least one session performed), by course id
  std::map<int64_t, std::string> protocol_names;  // template id -> name
  std::vector<std::string> timepoints;            // the clinic's schedule order: baseline, 6w, 3m, ...
  bool synthetic = false;                         // the clinic or any of its records is synthetic demo data
  std::string as_of;
};

// Reads the whole clinic once. `as_of` is the day completeness and censoring are judged on.
ClinicRows ExtractClinicRows(ReadTransaction& tx, int64_t clinic_id, const std::string& as_of);

bool Matches(const CourseRow& row, const CohortFilter& filter);
std::vector<const CourseRow*> SelectRows(const ClinicRows& rows, const CohortFilter& filter);

// Days between two YYYY-MM-DD dates.
double DaysBetween(const std::string& from, const std::string& to);
inline constexpr double kDaysPerMonth = 365.25 / 12;

}  // namespace kneeregen
