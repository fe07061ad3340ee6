// PROM record kinds. The clinic's PROM settings are an ordinary versioned kind (the newest is in force);
// follow-ups, responses, scores and survey links are written only by the follow-up and survey services,
// so they have no generic routes and are not in AllRecordSchemas().
#include "registry/followups.hpp"
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"
#include "scoring/instrument_catalogue.hpp"

namespace kneeregen {

namespace {

using namespace fields;

template <class T>
std::vector<FieldError> ProblemsOf(const Result<T>& result) {
  return result ? std::vector<FieldError>{} : result.error().fields;
}

RecordSchema PromSettingsSchema() {
  return RecordSchema{
      .resource = "prom-settings",
      .table = "prom_settings",
      .title = "PROM settings",
      .description = "A version of the clinic's follow-up settings: schedule and windows, anchor (first or each "
                     "injection), instruments, link validity, reminder days and when to call. The newest is in "
                     "force; defaults apply until the clinic stores one.",
      .fields = {Required(Text("label", 100, "What changed in this version", "Added a 6-week call")),
                 Required(JsonValue("settings", "The settings", PromSettings::Default().ToJson(),
                                    [](const Json& v) { return ProblemsOf(PromSettings::FromJson(v, KnownPromInstruments())); }))},
      .policy = {.read = {R::kAdmin, R::kClinician, R::kCoordinator}, .create = {R::kAdmin}},
  };
}

FieldSpec Id(std::string name, std::string resource) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kRef};
  f.ref_resource = std::move(resource);
  f.filterable = true;
  return f;
}

FieldSpec Plain(std::string name, FieldKind kind = FieldKind::kText) {
  FieldSpec f{.name = std::move(name), .kind = kind};
  f.filterable = kind != FieldKind::kJson;
  return f;
}

// Internal kinds: the service validates; the schema only names columns and types for storage.
const AccessPolicy kStaffReadOnly{.read = {R::kAdmin, R::kClinician, R::kCoordinator}};

}  // namespace

const RecordSchema& FollowUpSchema() {
  static const RecordSchema schema{
      .resource = "followups",
      .table = "followups",
      .title = "Follow-up",
      .fields = {Id("course_id", "treatment-courses"), Id("patient_id", "patients"), Id("knee_id", "knees"),
                 Plain("timepoint"), Plain("anchor_session", FieldKind::kInteger), Plain("anchor_date", FieldKind::kDate),
                 Plain("due_on", FieldKind::kDate), Plain("window_opens", FieldKind::kDate),
                 Plain("window_closes", FieldKind::kDate), Plain("status"), Plain("completed_at")},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

const RecordSchema& PromResponseSchema() {
  static const RecordSchema schema{
      .resource = "prom-responses",
      .table = "prom_responses",
      .title = "PROM response",
      .fields = {Id("followup_id", "followups"), Id("patient_id", "patients"), Plain("instrument"),
                 Plain("instrument_version"), Plain("answers_json", FieldKind::kJson), Plain("status"),
                 Plain("entered_by"), Plain("entered_by_user", FieldKind::kInteger), Plain("submitted_at")},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

const RecordSchema& PromScoreSchema() {
  static const RecordSchema schema{
      .resource = "prom-scores",
      .table = "prom_scores",
      .title = "PROM score",
      .fields = {Id("response_id", "prom-responses"), Id("followup_id", "followups"), Id("patient_id", "patients"),
                 Plain("instrument"), Plain("instrument_version"), Plain("rule"), Plain("scale"),
                 Plain("score", FieldKind::kNumber), Plain("recall_period")},
      .patient_field = "patient_id",
      .policy = kStaffReadOnly,
  };
  return schema;
}

const RecordSchema& SurveyInvitationSchema() {
  static const RecordSchema schema{
      .resource = "survey-invitations",
      .table = "survey_invitations",
      .title = "Survey invitation",
      .fields = {Id("followup_id", "followups"), Plain("token_hash"), Plain("expires_at"), Plain("first_opened_at"),
                 Plain("submitted_at"), Plain("revoked_at"), Plain("created_by", FieldKind::kInteger)},
      .policy = kStaffReadOnly,
  };
  return schema;
}

const std::vector<std::string>& KnownPromInstruments() {
  // Every built-in instrument a patient answers; the KOOS-derived WOMAC is scored from KOOS answers.
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& d : scoring::BuiltInInstruments())
      if (d.id != "womac_from_koos") out.push_back(d.id);
    return out;
  }();
  return ids;
}

std::vector<RecordSchema> PromRecordSchemas() { return {PromSettingsSchema()}; }

}  // namespace kneeregen
