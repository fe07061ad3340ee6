// Small registries built row by row for analytics tests, so that every expected answer can be worked out by
// hand or in R: a patient with one treated knee, a course with its sessions, KOOS scores at chosen
// timepoints, outcome and adverse events, all dated as the test says. Rows go straight into the store (the
// services' date rules would keep a test from writing a course that began two years ago).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"
#include "storage/open_store.hpp"

namespace kneeregen::testing_analytics {

struct CourseSpec {
  std::string birth_date = "1960-06-01";
  std::string sex = "female";
  int kl_grade = 3;
  double bmi = 27;
  std::string first_session = "2024-01-10";
  int sessions = 1;
  std::string product = "bone_marrow_concentrate";
  bool ligament = false;
  // timepoint -> KOOS Pain (the other subscales get pain + 5)
  std::vector<std::pair<std::string, double>> pain;
  // timepoints due but unanswered
  std::vector<std::string> missed;
  std::string last_contact;                                 // an assessment on this date, when set
  std::vector<std::pair<std::string, std::string>> events;  // event_type, date (treated knee; death: patient)
  std::vector<std::pair<std::string, std::string>> other_knee_events;
  std::vector<int> adverse_grades;
  // The left knee treated too, in a course of its own with the same sessions, scores and adverse events.
  bool both_knees = false;
};

class RegistryBuilder {
 public:
  RegistryBuilder() {
    auto opened = OpenStore("sqlite::memory:");
    if (!opened) throw std::runtime_error(opened.error().detail);
    store_ = std::move(*opened);
  }

  Store& store() { return *store_; }

  int64_t NewClinic(const std::string& name, bool synthetic = false) {
    int64_t clinic = 0;
    Check(store_->Write([&](WriteTransaction& tx) -> Status {
      clinic = tx.InsertClinic(Clinic{.name = name, .time_zone = "UTC", .synthetic = synthetic});
      practitioner_[clinic] = tx.InsertRecord(KnownSchema("practitioners"), clinic,
                                              {{"full_name", "Dr Test"}, {"active", true}}, false);
      return Ok{};
    }));
    return clinic;
  }

  int64_t Practitioner(int64_t clinic) { return practitioner_[clinic]; }

  // One patient, both knees, a course of the right knee (and of the left, when spec.both_knees); returns
  // the right knee's course id.
  int64_t AddCourse(int64_t clinic, const CourseSpec& spec) {
    int64_t course = 0;
    Check(store_->Write([&](WriteTransaction& tx) -> Status {
      const int n = ++counter_;
      const int64_t patient = tx.InsertRecord(KnownSchema("patients"), clinic,
                                              {{"mrn", "MRN-T" + std::to_string(n)},
                                               {"given_name", "Test"},
                                               {"family_name", "Person" + std::to_string(n)},
                                               {"birth_date", spec.birth_date},
                                               {"sex", spec.sex}},
                                              false);
      const int64_t knee =
          tx.InsertRecord(KnownSchema("knees"), clinic, {{"patient_id", patient}, {"side", "right"}}, false);
      const int64_t other =
          tx.InsertRecord(KnownSchema("knees"), clinic, {{"patient_id", patient}, {"side", "left"}}, false);
      if (!spec.last_contact.empty())
        tx.InsertRecord(KnownSchema("assessments"), clinic,
                        {{"knee_id", knee},
                         {"patient_id", patient},
                         {"kind", "follow_up"},
                         {"assessed_on", spec.last_contact}},
                        false);
      auto treat = [&](int64_t on) {
        tx.InsertRecord(KnownSchema("assessments"), clinic,
                        {{"knee_id", on},
                         {"patient_id", patient},
                         {"kind", "baseline"},
                         {"assessed_on", "2023-12-01"},
                         {"kl_grade", spec.kl_grade},
                         {"bmi", spec.bmi}},
                        false);
        const int64_t treated = tx.InsertRecord(KnownSchema("treatment-courses"), clinic,
                                                {{"knee_id", on},
                                                 {"patient_id", patient},
                                                 {"plan_request", Json::object()},
                                                 {"first_session", spec.first_session},
                                                 {"status", "completed"},
                                                 {"plan", Json::object()},
                                                 {"plan_changes", Json::array()},
                                                 {"product", spec.product},
                                                 {"sessions_planned", spec.sessions},
                                                 {"ligament_sites", spec.ligament},
                                                 {"start_date", spec.first_session},
                                                 {"practitioner_id", practitioner_[clinic]}},
                                                false);
        for (int s = 0; s < spec.sessions; ++s) {
          auto date = std::chrono::sys_days{*ParseDate(spec.first_session)} + std::chrono::days{14 * s};
          const int64_t session =
              tx.InsertRecord(KnownSchema("treatment-sessions"), clinic,
                              {{"course_id", treated},
                               {"patient_id", patient},
                               {"knee_id", on},
                               {"session_number", s + 1},
                               {"performed_on", FormatDate(std::chrono::year_month_day{date})},
                               {"practitioner_id", practitioner_[clinic]},
                               {"product", spec.product},
                               {"product_lot", "LOT-1"}},
                              false);
          tx.InsertRecord(KnownSchema("injections"), clinic,
                          {{"session_id", session},
                           {"course_id", treated},
                           {"patient_id", patient},
                           {"site", spec.ligament ? "mcl_femoral_origin" : "intra_articular"},
                           {"volume_ml", 2.0},
                           {"guidance", "ultrasound"},
                           {"product_lot", "LOT-1"}},
                          false);
        }
        for (const auto& [timepoint, pain] : spec.pain)
          AddKoos(tx, clinic, treated, patient, on, timepoint, pain);
        for (const auto& timepoint : spec.missed)
          AddFollowUp(tx, clinic, treated, patient, on, timepoint, "scheduled");
        for (int grade : spec.adverse_grades)
          tx.InsertRecord(KnownSchema("adverse-events"), clinic,
                          {{"course_id", treated},
                           {"patient_id", patient},
                           {"term", "post_injection_flare"},
                           {"onset_date", spec.first_session},
                           {"ctcae_grade", grade},
                           {"causality", "possible"},
                           {"action_taken", "none"},
                           {"outcome", "recovering"},
                           {"serious", grade >= 4}},
                          false);
        return treated;
      };
      course = treat(knee);
      if (spec.both_knees) treat(other);
      for (const auto& [type, date] : spec.events)
        tx.InsertRecord(KnownSchema("outcome-events"), clinic,
                        {{"patient_id", patient},
                         {"knee_id", type == "death" ? Json() : Json(knee)},
                         {"event_type", type},
                         {"event_date", date},
                         {"source", "records_confirmed"}},
                        false);
      for (const auto& [type, date] : spec.other_knee_events)
        tx.InsertRecord(KnownSchema("outcome-events"), clinic,
                        {{"patient_id", patient},
                         {"knee_id", other},
                         {"event_type", type},
                         {"event_date", date},
                         {"source", "records_confirmed"}},
                        false);
      return Ok{};
    }));
    return course;
  }

 private:
  static void Check(const Status& status) {
    if (!status) throw std::runtime_error("registry builder: " + status.error().detail);
  }

  int64_t AddFollowUp(WriteTransaction& tx, int64_t clinic, int64_t course, int64_t patient, int64_t knee,
                      const std::string& timepoint, const std::string& status) {
    // Dates only matter through the window: long closed, so the follow-up is due.
    return tx.InsertRecord(
        FollowUpSchema(), clinic,
        {{"course_id", course},
         {"patient_id", patient},
         {"knee_id", knee},
         {"timepoint", timepoint},
         {"anchor_session", 1},
         {"anchor_date", "2024-01-10"},
         {"due_on", "2024-06-01"},
         {"window_opens", "2024-05-01"},
         {"window_closes", "2024-07-01"},
         {"status", status},
         {"completed_at", status == "completed" ? Json("2024-06-01T10:00:00.000Z") : Json()}},
        false);
  }

  void AddKoos(WriteTransaction& tx, int64_t clinic, int64_t course, int64_t patient, int64_t knee,
               const std::string& timepoint, double pain) {
    const int64_t followup = AddFollowUp(tx, clinic, course, patient, knee, timepoint, "completed");
    const int64_t response = tx.InsertRecord(PromResponseSchema(), clinic,
                                             {{"followup_id", followup},
                                              {"patient_id", patient},
                                              {"instrument", "koos"},
                                              {"instrument_version", "2012"},
                                              {"answers_json", Json::object()},
                                              {"status", "submitted"},
                                              {"entered_by", "staff"},
                                              {"submitted_at", "2024-06-01T10:00:00.000Z"}},
                                             false);
    for (const char* scale : {"pain", "symptoms", "adl", "sport_rec", "qol"})
      tx.InsertRecord(PromScoreSchema(), clinic,
                      {{"response_id", response},
                       {"followup_id", followup},
                       {"patient_id", patient},
                       {"instrument", "koos"},
                       {"instrument_version", "2012"},
                       {"rule", "2012"},
                       {"scale", scale},
                       {"score", std::string(scale) == "pain" ? pain : pain + 5},
                       {"recall_period", "week"}},
                      false);
  }

  std::unique_ptr<Store> store_;
  std::map<int64_t, int64_t> practitioner_;
  int counter_ = 0;
};

}  // namespace kneeregen::testing_analytics
