// Treatment sessions and their injections, with the biologic traced the way MIBO asks (DOMAIN.md §6):
// donor, harvest, processing, culture, characterisation, the product lot, and per injection the site,
// volume, dose, image guidance and lot. A session needs a signed consent covering its date.
#include "registry/consent.hpp"
#include "registry/course_plan.hpp"
#include "registry/followups.hpp"
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

using namespace fields;

const AccessPolicy kProcedure{.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                              .create = {R::kClinician},
                              .update = {R::kClinician}};

// Lots are printed on labels: letters, digits and a few separators, so a recall search matches exactly.
FieldSpec Lot(std::string name, std::string description, Json example) {
  return Filterable(Checked(Text(std::move(name), 64, std::move(description), std::move(example)),
                            R"([A-Za-z0-9][A-Za-z0-9._/-]*)",
                            "may contain only letters, digits, '.', '_', '/' and '-'"));
}

FieldSpec Count(std::string name, double max, std::string description, Json example) {
  return Number(std::move(name), FieldKind::kNumber, 0, max, std::move(description), std::move(example));
}

Status PrepareSession(RecordContext& c) {
  auto course = c.tx.GetRecord(KnownSchema("treatment-courses"), c.clinic_id, c.record["course_id"]);
  if (!c.creating()) return Ok{};
  if ((*course)["status"] == "cancelled")
    return Error::Field(ErrorCode::kValidationFailed, "course_id", "is cancelled");
  const std::string date = c.record["performed_on"];
  if (!ConsentCovering(c.tx, c.clinic_id, c.record["course_id"], date))
    return Error::Field(
        ErrorCode::kValidationFailed, "course_id",
        "has no signed consent covering " + date + " (signed on or before it, not withdrawn)");
  if (!c.record["session_number"].is_null()) {
    int number = c.record["session_number"];
    bool planned = false;
    for (const auto& s : (*course)["plan"]["sessions"])
      planned = planned || (s["number"] == number && s["status"] == "planned");
    if (!planned)
      return Error::Field(ErrorCode::kValidationFailed, "session_number",
                          "is not a planned session of this course");
    if (!AllRecords(c.tx, KnownSchema("treatment-sessions"), c.clinic_id,
                    {{"course_id", c.record["course_id"]}, {"session_number", number}})
             .empty())
      return Error::Field(ErrorCode::kConflict, "session_number", "was already recorded for this course");
  }
  c.record["product"] = (*course)["product"];
  return Ok{};
}

RecordSchema TreatmentSessions() {
  auto number =
      Number("session_number", FieldKind::kInteger, 1, kMaxSessions, "Which planned session this is", 1);
  number.example =
      nullptr;  // generated requests leave it out: the plan has six numbers, the tests more posts
  number.immutable = true;
  number.filterable = true;
  auto performed = Required(Date("performed_on", "Date performed", "2026-01-12"));
  performed.immutable = true;
  return RecordSchema{
      .resource = "treatment-sessions",
      .table = "treatment_sessions",
      .title = "Treatment session",
      .description =
          "One performed session of a course: who, when, the harvest, processing and "
          "characterisation of the product, and its lot. Injections are recorded under it.",
      .fields = {Required(Ref("course_id", "treatment-courses", "The course")),
                 Derived("patient_id", "course_id", "The patient (from the course)"),
                 Derived("knee_id", "course_id", "The knee (from the course)"), number, performed,
                 Required(Ref("practitioner_id", "practitioners", "Who performed it")),
                 Computed(Filterable(
                     Text("product", 64, "Product code (from the course)", "bone_marrow_concentrate"))),
                 // Donor
                 Enum("donor_type", {"autologous", "allogeneic"}, "The patient's own cells, or a donor's"),
                 Text("donor_id", 64, "Allogeneic donor or batch id from the supplier", nullptr),
                 Text("source_bank", 200, "Supplier or tissue bank (allogeneic products)", nullptr),
                 // Harvest
                 Enum("harvest_tissue", {"iliac_crest_marrow", "lipoaspirate", "none"}, "Tissue harvested"),
                 Enum("harvest_site",
                      {"posterior_iliac_crest", "anterior_iliac_crest", "abdomen", "flank", "thigh", "other"},
                      "Where it was harvested"),
                 Enum("harvest_side", {"left", "right", "bilateral"}, "Side of the harvest"),
                 Number("harvest_volume_ml", FieldKind::kNumber, 0, 500, "Volume harvested, mL", 60),
                 Text("harvest_technique", 200, "Needle, cannula, number of passes", "Jamshidi 11G, 4 sites"),
                 Text("harvest_anaesthesia", 200, "Anaesthesia", "Lidocaine 1% local"),
                 Text("anticoagulant", 100, "Anticoagulant in the harvest", "ACD-A"),
                 // Processing
                 Text("processing_device", 200, "Device or kit", "Example BMC system (synthetic)"),
                 Lot("processing_kit_lot", "Lot of the processing kit", "KIT-2207-14"),
                 Enum("processing_method",
                      {"centrifugation", "filtration", "enzymatic_digestion", "mechanical_fragmentation",
                       "none"},
                      "How it was processed"),
                 Boolean("culture_expanded", "Culture-expanded (not same-day)", false, false),
                 Number("passages", FieldKind::kInteger, 0, 20, "Culture passages", nullptr),
                 Enum("preservation", {"fresh", "cryopreserved"}, "Fresh, or cryopreserved and thawed"),
                 Text("additives", 200, "Additives (PRP, hyaluronic acid, activators)", "None"),
                 Required(Lot("product_lot", "Lot or batch of the product given", "BMC-20260112-01")),
                 // Characterisation
                 Count("total_nucleated_cells", 1e13, "Total nucleated cells", 4.2e8),
                 Count("cfu_f_per_ml", 1e9, "CFU-F per mL", 5727),
                 Number("viability_percent", FieldKind::kNumber, 0, 100, "Viability, %", 96.5),
                 Count("platelets_per_ul", 1e8, "Platelets per µL", 1.1e6),
                 Count("wbc_per_ul", 1e7, "White cells per µL", 5.0e4),
                 Count("rbc_per_ul", 1e8, "Red cells per µL", 2.0e6),
                 Text("flow_markers", 500, "Flow-cytometry marker summary", "CD105+ 97%, CD45- 99%"),
                 Enum("sterility", {"not_tested", "pending", "negative", "positive"},
                      "Sterility or endotoxin test"),
                 // Delivery and after-care
                 Text("co_injectates", 300, "Given with the product (anaesthetic, HA, PRP)", "PRP 2 mL"),
                 FreeText(Text("post_procedure_instructions", 2000, "Weight-bearing, NSAIDs, rehabilitation",
                               "Weight-bear as tolerated; no NSAIDs for 2 weeks; physio from week 2")),
                 FreeText(Text("notes", 2000, "Notes", "Well tolerated"))},
      .patient_field = "patient_id",
      .policy = kProcedure,
      .cross_check =
          [](const Json& r) {
            std::vector<FieldError> errors;
            bool harvested = !r["harvest_tissue"].is_null() && r["harvest_tissue"] != "none";
            for (const char* f : {"harvest_site", "harvest_side", "harvest_volume_ml", "harvest_technique"})
              if (!harvested && !r[f].is_null()) errors.push_back({f, "needs a harvest_tissue"});
            if (!r["passages"].is_null() && r["culture_expanded"] != true)
              errors.push_back({"passages", "needs culture_expanded to be true"});
            if (r["donor_type"] == "autologous" && !r["donor_id"].is_null())
              errors.push_back({"donor_id", "is for an allogeneic donor"});
            return errors;
          },
      .prepare = PrepareSession,
      // A performed session's real date re-anchors the follow-up schedule.
      .after_write = [](WriteTransaction& tx, const Actor& actor,
                        const Json& session) { return SyncFollowUps(tx, actor, session["course_id"]); },
  };
}

Status PrepareInjection(RecordContext& c) {
  auto session = c.tx.GetRecord(KnownSchema("treatment-sessions"), c.clinic_id, c.record["session_id"]);
  auto course = c.tx.GetRecord(KnownSchema("treatment-courses"), c.clinic_id, (*session)["course_id"]);
  Catalogue catalogue = CatalogueOf(c.tx, c.clinic_id, (*course)["catalogue_id"]);
  const Site* site = catalogue.FindSite(c.record["site"].get<std::string>());
  if (!site)
    return Error::Field(ErrorCode::kValidationFailed, "site", "is not in the clinic's site catalogue");
  const auto volume_ul = static_cast<int64_t>(c.record["volume_ml"].get<double>() * 1000 + 0.5);
  if (volume_ul > site->max_volume_ul)
    return Error::Field(ErrorCode::kValidationFailed, "volume_ml",
                        "is more than the " + FormatDose(DoseUnit::kMillilitres, site->max_volume_ul) +
                            " limit at " + site->name);
  const Product* product = catalogue.FindProduct((*course)["product"].get<std::string>());
  c.record["dose_unit"] = product ? Json(std::string(DoseUnitCode(product->dose_unit))) : Json();
  if (c.record["product_lot"].is_null()) c.record["product_lot"] = (*session)["product_lot"];
  return Ok{};
}

RecordSchema Injections() {
  auto lot = Lot("product_lot", "Lot injected; the session's lot when left out", "BMC-20260112-01");
  return RecordSchema{
      .resource = "injections",
      .table = "injections",
      .title = "Injection",
      .description = "One injection at one site during a session.",
      .fields = {Required(Ref("session_id", "treatment-sessions", "The session")),
                 Derived("course_id", "session_id", "The course (from the session)"),
                 Derived("patient_id", "session_id", "The patient (from the session)"),
                 Required(Checked(
                     Text("site", 64, "Site code from the clinic's site catalogue", "intra_articular"),
                     R"([a-z][a-z0-9_]*)", "must be a site code such as intra_articular")),
                 [] {
                   auto v =
                       Required(Number("volume_ml", FieldKind::kNumber, 0, 100, "Volume injected, mL", 8.4));
                   v.min_exclusive = true;
                   return v;
                 }(),
                 Number("dose", FieldKind::kNumber, 0, 1e15, "Dose in the product's unit", 8.4),
                 Computed(Text("dose_unit", 16, "Unit of the dose (from the product)", "mL")),
                 Required(Enum("guidance", {"ultrasound", "fluoroscopy", "landmark"}, "Image guidance")),
                 lot},
      .patient_field = "patient_id",
      .policy = kProcedure,
      .prepare = PrepareInjection,
  };
}

}  // namespace

std::vector<RecordSchema> TreatmentSessionRecordSchemas() { return {TreatmentSessions(), Injections()}; }

}  // namespace kneeregen
