// Treatment-course chains for API tests: a new patient with a knee, and a course for it carried as far as a
// test needs (quoted, consented), created through the services so that each test starts from its own data.
#pragma once

#include <string>

#include "api_fixture.hpp"
#include "core/time.hpp"

namespace kneeregen::testing {

struct CourseChain {
  int64_t clinic_id = 0;
  int64_t patient = 0;
  int64_t knee = 0;
  int64_t course = 0;
  int64_t quote = 0;
  int64_t consent = 0;
};

inline std::string Today() { return FormatDate(TodayUtc()); }

inline std::string DaysFromToday(int days) {
  return FormatDate(std::chrono::year_month_day{std::chrono::sys_days{TodayUtc()} + std::chrono::days{days}});
}

// A patient and knee; then, by `depth`, a course planned from SamplePlanRequest() starting today, its quote
// and a signed consent.
enum class ChainDepth { kKnee, kCourse, kQuoted, kConsented };

inline CourseChain NewChain(ApiWorld& w, ChainDepth depth, int64_t clinic_id = 0) {
  CourseChain c;
  c.clinic_id = clinic_id ? clinic_id : w.own().clinic_id;
  const int n = w.Next();
  Json patient = SampleBody("patients", {}, n);
  patient["mrn"] = "CRS-" + std::to_string(n);
  c.patient = w.CreateRecord(c.clinic_id, "patients", patient)["id"];
  c.knee = w.CreateRecord(c.clinic_id, "knees", Json{{"patient_id", c.patient}, {"side", "right"}})["id"];
  if (depth == ChainDepth::kKnee) return c;
  c.course = w.CreateRecord(c.clinic_id, "treatment-courses",
                            Json{{"knee_id", c.knee}, {"plan_request", SamplePlanRequest()}, {"first_session", Today()}})["id"];
  if (depth == ChainDepth::kCourse) return c;
  c.quote = w.CreateRecord(c.clinic_id, "quotes", Json{{"course_id", c.course}})["id"];
  if (depth == ChainDepth::kQuoted) return c;
  const ClinicRecords& fixtures = c.clinic_id == w.foreign().clinic_id ? w.foreign() : w.own();
  c.consent = w.CreateRecord(c.clinic_id, "consents",
                             Json{{"course_id", c.course}, {"template_id", fixtures.id("consent-templates")},
                                  {"signer_name", "Test Patient " + std::to_string(n)},
                                  {"meaning", "patient_consents_to_treatment"}})["id"];
  return c;
}

// A session of `chain` today with `lot` as its product lot, and one injection per site given.
inline int64_t RecordSession(ApiWorld& w, const CourseChain& chain, const std::string& lot,
                             const std::vector<std::string>& sites = {"intra_articular"},
                             const std::string& kit_lot = "KIT-NONE") {
  const ClinicRecords& fixtures = chain.clinic_id == w.foreign().clinic_id ? w.foreign() : w.own();
  int64_t session = w.CreateRecord(chain.clinic_id, "treatment-sessions",
                                   Json{{"course_id", chain.course}, {"performed_on", Today()},
                                        {"practitioner_id", fixtures.id("practitioners")},
                                        {"product_lot", lot}, {"processing_kit_lot", kit_lot}})["id"];
  for (const auto& site : sites)
    w.CreateRecord(chain.clinic_id, "injections",
                   Json{{"session_id", session}, {"site", site}, {"volume_ml", 1.5}, {"guidance", "ultrasound"}});
  return session;
}

}  // namespace kneeregen::testing
