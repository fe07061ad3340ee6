// Adverse events after harvest or injection (DOMAIN.md §7): a catalogue term, CTCAE v5 grade, the ICH
// seriousness criteria, WHO-UMC causality, the session and site suspected, action, outcome, resolution.
// An event that meets a seriousness criterion, or is graded life-threatening or fatal, is flagged serious.
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

using namespace fields;

constexpr const char* kSeriousnessCriteria[] = {
    "serious_death",      "serious_life_threatening",   "serious_hospitalisation",
    "serious_disability", "serious_congenital_anomaly", "serious_important_medical_event"};

std::vector<FieldError> CheckAdverseEvent(const Json& r) {
  std::vector<FieldError> errors;
  if (r["term"] == "other" && r["term_other"].is_null())
    errors.push_back({"term_other", "is required when the term is other"});
  if (r["term"] != "other" && !r["term_other"].is_null())
    errors.push_back({"term_other", "is only for the term other"});
  if (!r["resolution_date"].is_null() && r["resolution_date"] < r["onset_date"])
    errors.push_back({"resolution_date", "must not be before onset_date"});
  const bool resolved = r["outcome"] == "recovered" || r["outcome"] == "recovered_with_sequelae";
  if (resolved && r["resolution_date"].is_null())
    errors.push_back(
        {"resolution_date", "is required when the outcome is " + r["outcome"].get<std::string>()});
  if (!resolved && !r["resolution_date"].is_null() && r["outcome"] != "fatal")
    errors.push_back({"resolution_date", "needs an outcome of recovered or recovered_with_sequelae"});
  if (r["ctcae_grade"] == 5 && r["outcome"] != "fatal")
    errors.push_back({"outcome", "must be fatal for CTCAE grade 5"});
  if (r["outcome"] == "fatal" && r["serious_death"] != true)
    errors.push_back({"serious_death", "must be true when the outcome is fatal"});
  return errors;
}

Status PrepareAdverseEvent(RecordContext& c) {
  Json& r = c.record;
  bool serious = r["ctcae_grade"].get<int>() >= 4;
  for (const char* criterion : kSeriousnessCriteria) serious = serious || r[criterion] == true;
  r["serious"] = serious;
  if (!c.creating() && r["onset_date"] == c.before->at("onset_date")) return Ok{};
  // An event before the course began (its first planned harvest or session, or an earlier recorded
  // session) cannot have followed it.
  auto course = c.tx.GetRecord(KnownSchema("treatment-courses"), c.clinic_id, r["course_id"]);
  std::string start = (*course)["start_date"];
  for (const auto& s :
       AllRecords(c.tx, KnownSchema("treatment-sessions"), c.clinic_id, {{"course_id", r["course_id"]}}))
    start = std::min(start, s["performed_on"].get<std::string>());
  if (r["onset_date"].get<std::string>() < start)
    return Error::Field(ErrorCode::kValidationFailed, "onset_date", "is before the course began on " + start);
  if (!r["session_id"].is_null()) {
    auto session = c.tx.GetRecord(KnownSchema("treatment-sessions"), c.clinic_id, r["session_id"]);
    if (r["onset_date"].get<std::string>() < (*session)["performed_on"].get<std::string>())
      return Error::Field(
          ErrorCode::kValidationFailed, "onset_date",
          "is before the session it followed (" + (*session)["performed_on"].get<std::string>() + ")");
  }
  return Ok{};
}

RecordSchema AdverseEvents() {
  auto session = Ref("session_id", "treatment-sessions", "The session it followed, when known");
  session.ref_match = "course_id";
  session.example = nullptr;
  std::vector<FieldSpec> fields = {
      Required(Ref("course_id", "treatment-courses", "The course")),
      Derived("patient_id", "course_id", "The patient (from the course)"),
      session,
      Checked(Text("site", 64, "Injection-site code, or harvest_site for a harvest event", "intra_articular"),
              R"([a-z][a-z0-9_]*)", "must be a site code such as intra_articular"),
      Required(Filterable(Enum("term",
                               {"post_injection_flare", "effusion_swelling", "infection_septic_arthritis",
                                "harvest_site_pain_haematoma", "immune_allergic_reaction", "other"},
                               "What happened"))),
      Text("term_other", 200, "The term, when other", nullptr),
      Required(Date("onset_date", "Onset", "2026-01-13")),
      Required(Filterable(Number("ctcae_grade", FieldKind::kInteger, 1, 5,
                                 "CTCAE v5 grade: 1 mild … 4 life-threatening, 5 death", 1)))};
  for (const char* criterion : kSeriousnessCriteria)
    fields.push_back(Boolean(criterion, "Seriousness criterion (ICH E2A)", false, false));
  for (FieldSpec f :
       {Required(Enum("causality",
                      {"certain", "probable", "possible", "unlikely", "conditional", "unassessable"},
                      "WHO-UMC causality with the product or procedure")),
        Required(Enum("action_taken",
                      {"none", "observation", "medication", "aspiration", "antibiotics", "surgery",
                       "course_paused", "course_stopped", "other"},
                      "Action taken")),
        Required(
            Enum("outcome",
                 {"recovering", "recovered", "recovered_with_sequelae", "not_recovered", "fatal", "unknown"},
                 "Outcome")),
        Date("resolution_date", "Resolved on", nullptr),
        FreeText(Text("description", 2000, "What happened, in words", "Knee ached for two days")),
        Computed(
            Filterable(Boolean("serious", "Flagged serious: a criterion met, or CTCAE grade 4-5", false)))})
    fields.push_back(std::move(f));
  return RecordSchema{
      .resource = "adverse-events",
      .table = "adverse_events",
      .title = "Adverse event",
      .description = "An adverse event during a course. List serious ones with ?serious=true.",
      .fields = std::move(fields),
      .patient_field = "patient_id",
      .policy = kClinicalFinding,
      .cross_check = CheckAdverseEvent,
      .prepare = PrepareAdverseEvent,
  };
}

}  // namespace

std::vector<RecordSchema> SafetyRecordSchemas() { return {AdverseEvents()}; }

}  // namespace kneeregen
