// Clinic settings that shape a course (the product and site catalogue, the price list, protocol templates)
// and the treatment course itself: a plan for one knee, built by clinic/protocol_planner from a request or
// a saved template. Catalogue and price-list records are versions: the newest is in force, older ones
// stay so that every course and quote can say which version it used.
#include <algorithm>

#include "clinic/pricing.hpp"
#include "core/time.hpp"
#include "registry/course_plan.hpp"
#include "registry/followups.hpp"
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

using namespace fields;

// Settings are the clinic's to set; everyone on staff reads them.
const AccessPolicy kClinicSettings{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                                   .create = {R::kAdmin}};
const AccessPolicy kCoursePlanning{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                                   .create = {R::kClinician},
                                   .update = {R::kClinician, R::kCoordinator}};

template <class T>
std::vector<FieldError> ErrorsOf(const Result<T>& result) {
  if (result) return {};
  if (result.error().fields.empty()) return {{"", result.error().detail}};
  return result.error().fields;
}

Json ExamplePlanRequest() {
  return {{"product", "bone_marrow_concentrate"},
          {"total_dose", 60'000},
          {"sessions", 6},
          {"interval_days", 14},
          {"session_volume_ul", 14'000},
          {"sites",
           {{{"site", "intra_articular"}, {"share_percent", 60}},
            {{"site", "mcl_femoral_origin"}, {"share_percent", 10}},
            {{"site", "mcl_tibial_insertion"}, {"share_percent", 10}},
            {{"site", "lcl_femoral_origin"}, {"share_percent", 10}},
            {{"site", "lcl_fibular_insertion"}, {"share_percent", 10}}}}};
}

RecordSchema Catalogues() {
  return RecordSchema{
      .resource = "catalogues",
      .table = "catalogues",
      .title = "Catalogue",
      .description =
          "A version of the clinic's product and injection-site catalogue; the newest is in force. "
          "Without one the built-in catalogue applies (its limits are starting values to review).",
      .fields = {Required(Text("label", 100, "What changed in this version", "Added patellar tendon site")),
                 Required(JsonValue("catalogue", "Products (dose unit, harvest) and sites (volume limits)",
                                    DefaultCatalogue().ToJson(),
                                    [](const Json& v) { return ErrorsOf(Catalogue::FromJson(v)); }))},
      .policy = kClinicSettings,
  };
}

RecordSchema PriceLists() {
  return RecordSchema{
      .resource = "price-lists",
      .table = "price_lists",
      .title = "Price list",
      .description =
          "A version of the clinic's prices (per unit of product, per session, harvest, imaging) "
          "in integer cents; the newest is in force for new quotes.",
      .fields = {Required(JsonValue("prices", "The price list", DemoPriceList().ToJson(), nullptr))},
      .policy = kClinicSettings,
      .prepare = [](RecordContext& c) -> Status {
        // Product codes must exist in the catalogue in force, so the check needs the clinic's data.
        auto catalogue = CurrentCatalogue(c.tx, c.clinic_id);
        auto prices = PriceList::FromJson(c.record["prices"], catalogue.catalogue);
        if (!prices) {
          std::vector<FieldError> errors;
          for (auto& e : prices.error().fields) errors.push_back({"prices/" + e.field, e.message});
          return Error::Validation(std::move(errors));
        }
        return Ok{};
      },
  };
}

RecordSchema ProtocolTemplates() {
  auto name = Required(Text("name", 100, "Name staff choose it by", "6 x BMC, joint + collateral ligaments"));
  auto request = Required(JsonValue(
      "plan_request", "Product, total dose, sessions, intervals, volume per session and site shares",
      ExamplePlanRequest(), [](const Json& v) -> std::vector<FieldError> {
        Json with_name = v;
        if (with_name.is_object()) with_name["name"] = "template";
        return ErrorsOf(ProtocolTemplateFromJson(with_name));
      }));
  return RecordSchema{
      .resource = "protocol-templates",
      .table = "protocol_templates",
      .title = "Protocol template",
      .description = "A reusable injection protocol: a plan request without patient or dates.",
      .fields = {name, request, Boolean("active", "Offered when planning new courses", true, true)},
      .search_fields = {"name"},
      .unique_keys = {{"name"}},
      .policy = {.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                 .create = {R::kAdmin, R::kClinician},
                 .update = {R::kAdmin, R::kClinician}},
      .prepare = [](RecordContext& c) -> Status {
        // The template must plan cleanly against today's catalogue; any date will do for the check.
        auto request = PlanRequestFromJson(c.record["plan_request"]);
        if (!request) return request.error();
        request->first_session = TodayUtc();
        auto plan = BuildPlan(*request, CurrentCatalogue(c.tx, c.clinic_id).catalogue);
        if (!plan) {
          std::vector<FieldError> errors;
          for (auto& e : plan.error().fields) errors.push_back({"plan_request/" + e.field, e.message});
          return Error::Validation(std::move(errors));
        }
        return Ok{};
      },
  };
}

Status PrepareCourse(RecordContext& c) {
  if (!c.creating()) return Ok{};  // the plan changes only through re-planning
  Json& course = c.record;
  if (course["plan_request"].is_null() == course["template_id"].is_null())
    return Error::Field(ErrorCode::kValidationFailed, "plan_request",
                        "send either plan_request or template_id");
  if (!course["template_id"].is_null()) {
    auto protocol = c.tx.GetRecord(KnownSchema("protocol-templates"), c.clinic_id, course["template_id"]);
    if (!(*protocol)["active"].get<bool>())
      return Error::Field(ErrorCode::kValidationFailed, "template_id",
                          "is retired; choose an active template");
    course["plan_request"] = (*protocol)["plan_request"];
  }
  ClinicCatalogue catalogue = CurrentCatalogue(c.tx, c.clinic_id);
  course["catalogue_id"] = catalogue.id ? Json(*catalogue.id) : Json();
  course["plan_changes"] = Json::array();
  auto plan = RebuildCoursePlan(c.tx, c.clinic_id, course);
  if (!plan) return plan.error();
  StorePlanFields(*plan, course);
  return Ok{};
}

RecordSchema TreatmentCourses() {
  auto knee = Required(Ref("knee_id", "knees", "The knee treated"));
  auto request = JsonValue("plan_request", "The plan request (or send template_id)", ExamplePlanRequest(),
                           [](const Json& v) -> std::vector<FieldError> {
                             if (v.is_object() && v.contains("first_session"))
                               return {{"first_session", "send first_session as a field of the course"}};
                             return ErrorsOf(PlanRequestFromJson(v));
                           });
  request.immutable = true;
  auto protocol = Ref("template_id", "protocol-templates", "The protocol template the plan came from");
  protocol.example = nullptr;  // the example course sends a plan request instead
  auto first = Required(AnyDate("first_session", "Date of the first injection session", "2026-01-12"));
  first.immutable = true;
  auto status =
      Enum("status", {"planned", "in_progress", "completed", "cancelled"}, "Where the course stands");
  status.default_value = "planned";
  status.filterable = true;
  auto catalogue =
      Computed(Ref("catalogue_id", "catalogues", "The catalogue version the plan was checked against"));
  catalogue.example = nullptr;
  auto plan = Computed(
      JsonValue("plan", "Sessions, site volumes and doses, harvests and totals", Json::object(), nullptr));
  auto changes = Computed(
      JsonValue("plan_changes", "Moves and cancellations since planning, in order", Json::array(), nullptr));
  return RecordSchema{
      .resource = "treatment-courses",
      .table = "treatment_courses",
      .title = "Treatment course",
      .description =
          "A planned course of injections for one knee: the dose split over sessions and sites, "
          "with harvests and dates. Re-plan with POST /api/v1/treatment-courses/{id}/replan.",
      .fields = {knee, Derived("patient_id", "knee_id", "The patient (from the knee)"), protocol, request,
                 first, Ref("practitioner_id", "practitioners", "The clinician responsible"), status,
                 FreeText(Text("notes", 2000, "Notes", "Patient prefers Friday sessions")), catalogue, plan,
                 changes,
                 Computed(Filterable(Text("product", 64, "Product code", "bone_marrow_concentrate"))),
                 Computed(Number("sessions_planned", FieldKind::kInteger, 0, kMaxSessions,
                                 "Sessions still planned (not cancelled)", 6)),
                 Computed(
                     Filterable(Boolean("ligament_sites", "Any collateral-ligament site in the plan", true))),
                 Computed(AnyDate("start_date", "Earliest planned harvest or session", "2026-01-12"))},
      .patient_field = "patient_id",
      .policy = kCoursePlanning,
      .prepare = PrepareCourse,
      .after_write = [](WriteTransaction& tx, const Actor& actor,
                        const Json& course) { return SyncFollowUps(tx, actor, course["id"]); },
  };
}

}  // namespace

ClinicCatalogue CurrentCatalogue(ReadTransaction& tx, int64_t clinic_id) {
  auto newest = NewestRecord(tx, KnownSchema("catalogues"), clinic_id);
  if (!newest) return {DefaultCatalogue(), std::nullopt};
  // Stored catalogues were validated when written.
  return {*Catalogue::FromJson((*newest)["catalogue"]), (*newest)["id"].get<int64_t>()};
}

Catalogue CatalogueOf(ReadTransaction& tx, int64_t clinic_id, const Json& catalogue_id) {
  if (catalogue_id.is_null()) return DefaultCatalogue();
  auto stored = tx.GetRecord(KnownSchema("catalogues"), clinic_id, catalogue_id.get<int64_t>());
  return *Catalogue::FromJson((*stored)["catalogue"]);
}

Result<ProtocolPlan> RebuildCoursePlan(ReadTransaction& tx, int64_t clinic_id, const Json& course) {
  auto request = PlanRequestFromJson(course["plan_request"]);
  if (!request) return request.error();
  request->first_session = ParseDate(course["first_session"].get<std::string>());
  auto plan = BuildPlan(*request, CatalogueOf(tx, clinic_id, course["catalogue_id"]));
  if (!plan) {
    std::vector<FieldError> errors;
    for (auto& e : plan.error().fields)
      errors.push_back({e.field == "first_session" ? e.field : "plan_request/" + e.field, e.message});
    return Error::Validation(std::move(errors));
  }
  for (const auto& change : course["plan_changes"]) {
    int session = change["session"].get<int>();
    SessionChange what = SessionCancelled{};
    if (change.contains("move_to")) what = *ParseDate(change["move_to"].get<std::string>());
    auto replanned = Replan(*plan, session, what);
    if (!replanned) return replanned.error();
    plan = std::move(replanned);
  }
  return plan;
}

void StorePlanFields(const ProtocolPlan& plan, Json& course) {
  course["plan"] = ToJson(plan);
  course["product"] = plan.product;
  course["sessions_planned"] = plan.totals.active_sessions;
  bool ligaments = false;
  std::optional<std::chrono::sys_days> start;
  auto earliest = [&](std::chrono::year_month_day d) {
    if (!start || std::chrono::sys_days{d} < *start) start = std::chrono::sys_days{d};
  };
  for (const auto& s : plan.sessions) {
    if (s.status == SessionStatus::kCancelled) continue;
    earliest(s.date);
    for (const auto& site : s.sites) ligaments = ligaments || site.site != "intra_articular";
  }
  for (const auto& h : plan.harvests)
    if (!h.cancelled) earliest(h.date);
  course["ligament_sites"] = ligaments;
  course["start_date"] =
      start ? Json(FormatDate(std::chrono::year_month_day{*start})) : course["first_session"];
}

std::vector<RecordSchema> CourseRecordSchemas() {
  return {Catalogues(), PriceLists(), ProtocolTemplates(), TreatmentCourses()};
}

}  // namespace kneeregen
