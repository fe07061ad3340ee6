// Consent templates (versioned by their record version), signed consents (append-only, with an immutable
// rendered snapshot and its SHA-256) and withdrawals (a new event, never an edit of the signature).
#include "clinic/catalogue.hpp"
#include "core/crypto.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "registry/consent.hpp"
#include "registry/record_fields.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

using namespace fields;

// DOMAIN.md §9: no MSC or exosome product is FDA-approved for knee osteoarthritis or cartilage regeneration.
constexpr const char* kRegulatoryExample =
    "The cell product used in this treatment is not approved by the US Food and Drug Administration (FDA) "
    "for "
    "cartilage regeneration or knee osteoarthritis. Its use here is off-label.";
constexpr const char* kRisksExample =
    "Risks include temporary pain or swelling after the injection, infection, no improvement, and rare "
    "immune "
    "or tissue reactions. Harvesting bone marrow or fat can cause pain or bruising at the harvest site.";
constexpr const char* kResultsExample =
    "Results vary between patients and cannot be guaranteed. The strongest trial so far found no cell "
    "product "
    "better than a steroid injection at 12 months.";

FieldSpec Section(std::string name, std::string description, Json example) {
  return FreeText(Required(Text(std::move(name), 4000, std::move(description), std::move(example))));
}

RecordSchema ConsentTemplates() {
  return RecordSchema{
      .resource = "consent-templates",
      .table = "consent_templates",
      .title = "Consent template",
      .description =
          "The wording of the treatment consent. Its record version is the template version a "
          "signed consent names; editing it never changes a signed snapshot.",
      .fields = {Required(
                     Text("name", 100, "Name staff choose it by", "Regenerative knee injection consent")),
                 Section("regulatory_status", "Regulatory status (off-label, not FDA-approved)",
                         kRegulatoryExample),
                 Section("risks", "Risks of harvest and injection", kRisksExample),
                 Section("results_statement", "That results vary and cannot be guaranteed", kResultsExample),
                 FreeText(Text("additional_text", 8000, "Anything else the clinic requires",
                               "You may withdraw your consent at any time.")),
                 Boolean("active", "May be used for new signatures", true, true)},
      .search_fields = {"name"},
      .policy = {.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                 .create = {R::kAdmin},
                 .update = {R::kAdmin}},
  };
}

Status PrepareConsent(RecordContext& c) {
  auto consent_template =
      c.tx.GetRecord(KnownSchema("consent-templates"), c.clinic_id, c.record["template_id"]);
  if (!(*consent_template)["active"].get<bool>())
    return Error::Field(ErrorCode::kValidationFailed, "template_id", "is retired; use an active template");
  auto course = c.tx.GetRecord(KnownSchema("treatment-courses"), c.clinic_id, c.record["course_id"]);
  if ((*course)["status"] == "cancelled")
    return Error::Field(ErrorCode::kValidationFailed, "course_id", "is cancelled");
  auto quote = NewestRecord(c.tx, KnownSchema("quotes"), c.clinic_id, {{"course_id", c.record["course_id"]}});
  if (!quote)
    return Error::Field(ErrorCode::kValidationFailed, "course_id",
                        "has no quote; the consent states the cost, so quote the course first");
  std::string snapshot =
      RenderConsent(*consent_template, *course, *quote, c.record["signer_name"], c.record["meaning"]);
  c.record["template_version"] = (*consent_template)["version"];
  c.record["quote_id"] = (*quote)["id"];
  c.record["snapshot"] = snapshot;
  c.record["snapshot_sha256"] = Sha256Hex(snapshot);
  c.record["signed_at"] = NowTimestamp();
  c.record["signed_on"] = FormatDate(TodayUtc());
  return Ok{};
}

RecordSchema Consents() {
  auto signer = Person(Required(Text("signer_name", 200, "The name the signer typed", "Maria Okafor")));
  auto relationship = Text("signer_relationship", 100, "For a representative: relationship to the patient",
                           "Daughter, healthcare power of attorney");
  relationship.example = nullptr;
  auto snapshot = Computed(Text("snapshot", 100'000, "The exact text signed", "..."));
  snapshot.free_text = true;
  return RecordSchema{
      .resource = "consents",
      .table = "consents",
      .title = "Consent",
      .description =
          "A signed treatment consent: the rendered text frozen with its SHA-256, the template "
          "version, the signer's typed name, the server time and the meaning of the signature.",
      .fields = {Required(Ref("course_id", "treatment-courses", "The course consented to")),
                 Derived("patient_id", "course_id", "The patient (from the course)"),
                 Required(Ref("template_id", "consent-templates", "The template signed")), signer,
                 Required(Enum("meaning",
                               {"patient_consents_to_treatment", "representative_consents_for_patient"},
                               "What the signature means")),
                 relationship,
                 Computed(
                     Number("template_version", FieldKind::kInteger, 1, 1e9, "Template version signed", 1)),
                 Computed(Ref("quote_id", "quotes", "The quote whose cost the text states")), snapshot,
                 Computed(Text("snapshot_sha256", 64, "SHA-256 of the snapshot, hex",
                               "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")),
                 Computed(Text("signed_at", 40, "Server time of signing (UTC)", "2026-01-05T10:12:00.000Z")),
                 Computed(Filterable(AnyDate("signed_on", "Server date of signing (UTC)", "2026-01-05")))},
      .patient_field = "patient_id",
      .policy = {.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                 .create = {R::kClinician, R::kCoordinator}},
      .cross_check =
          [](const Json& r) {
            std::vector<FieldError> errors;
            bool representative = r["meaning"] == "representative_consents_for_patient";
            if (representative && r["signer_relationship"].is_null())
              errors.push_back({"signer_relationship", "is required when a representative signs"});
            if (!representative && !r["signer_relationship"].is_null())
              errors.push_back({"signer_relationship", "is only for a representative's signature"});
            return errors;
          },
      .prepare = PrepareConsent,
  };
}

RecordSchema ConsentWithdrawals() {
  return RecordSchema{
      .resource = "consent-withdrawals",
      .table = "consent_withdrawals",
      .title = "Consent withdrawal",
      .description = "The patient withdrew a consent. No session can be recorded under it from that day on.",
      .fields = {Required(Ref("consent_id", "consents", "The consent withdrawn")),
                 Derived("course_id", "consent_id", "The course (from the consent)"),
                 Derived("patient_id", "consent_id", "The patient (from the consent)"),
                 FreeText(Text("reason", 1000, "Reason, in the patient's words if given", "Changed my mind")),
                 Computed(
                     Text("withdrawn_at", 40, "Server time of withdrawal (UTC)", "2026-01-20T09:00:00.000Z")),
                 Computed(AnyDate("withdrawn_on", "Server date of withdrawal (UTC)", "2026-01-20"))},
      .patient_field = "patient_id",
      .unique_keys = {{"consent_id"}},
      .policy = {.read = {R::kAdmin, R::kClinician, R::kCoordinator},
                 .create = {R::kClinician, R::kCoordinator}},
      .prepare = [](RecordContext& c) -> Status {
        c.record["withdrawn_at"] = NowTimestamp();
        c.record["withdrawn_on"] = FormatDate(TodayUtc());
        return Ok{};
      },
  };
}

std::string Line(const std::string& text) { return text + "\n"; }

}  // namespace

std::string RenderConsent(const Json& consent_template, const Json& course, const Json& quote,
                          const std::string& signer_name, const std::string& meaning) {
  const Json& plan = course["plan"];
  std::string out;
  out += Line(consent_template["name"].get<std::string>() + " (template version " +
              std::to_string(consent_template["version"].get<int64_t>()) + ")");
  out += Line("");
  out += Line("REGULATORY STATUS");
  out += Line(consent_template["regulatory_status"].get<std::string>());
  out += Line("");
  out += Line("RISKS");
  out += Line(consent_template["risks"].get<std::string>());
  out += Line("");
  out += Line("RESULTS");
  out += Line(consent_template["results_statement"].get<std::string>());
  out += Line("");
  out += Line("PLANNED TREATMENT");
  out += Line("Product: " + plan["product_name"].get<std::string>());
  for (const auto& h : plan["harvests"])
    if (!h["cancelled"].get<bool>())
      out += Line("Harvest (" + h["tissue"].get<std::string>() + "): " + h["date"].get<std::string>());
  for (const auto& s : plan["sessions"]) {
    if (s["status"] != "planned") continue;
    std::string sites;
    for (const auto& site : s["sites"])
      sites += (sites.empty() ? "" : ", ") + site["site"].get<std::string>() + " " +
               FormatDose(DoseUnit::kMillilitres, site["volume_ul"].get<int64_t>());
    out += Line("Session " + std::to_string(s["number"].get<int>()) + " on " + s["date"].get<std::string>() +
                ": " + sites);
  }
  out += Line("");
  out += Line("COST");
  const Json& q = quote["quote"];
  for (const auto& l : q["lines"])
    out += Line(l["description"].get<std::string>() + ": " + Money::FromCents(l["amount_cents"]).Format());
  out +=
      Line("Total: " + Money::FromCents(q["total_cents"]).Format() + " " + q["currency"].get<std::string>() +
           " (quote valid until " + q["valid_until"].get<std::string>() + ")");
  out += Line(q["insurance_statement"].get<std::string>());
  if (consent_template["additional_text"].is_string()) {
    out += Line("");
    out += Line(consent_template["additional_text"].get<std::string>());
  }
  out += Line("");
  out += Line("SIGNATURE");
  out += Line("Signed by: " + signer_name);
  out +=
      Line(meaning == "patient_consents_to_treatment"
               ? "Meaning: I am the patient and I consent to the treatment described above."
               : "Meaning: I am the patient's authorised representative and consent to the treatment above.");
  return out;
}

std::optional<Json> ConsentCovering(ReadTransaction& tx, int64_t clinic_id, int64_t course_id,
                                    const std::string& date) {
  auto consents = AllRecords(tx, KnownSchema("consents"), clinic_id, {{"course_id", course_id}});
  for (auto it = consents.rbegin(); it != consents.rend(); ++it) {
    if ((*it)["signed_on"].get<std::string>() > date) continue;
    auto withdrawal =
        NewestRecord(tx, KnownSchema("consent-withdrawals"), clinic_id, {{"consent_id", (*it)["id"]}});
    if (withdrawal && (*withdrawal)["withdrawn_on"].get<std::string>() <= date) continue;
    return *it;
  }
  return std::nullopt;
}

std::vector<RecordSchema> ConsentRecordSchemas() { return {ConsentTemplates(), Consents()}; }

std::vector<RecordSchema> WithdrawalRecordSchemas() { return {ConsentWithdrawals()}; }

}  // namespace kneeregen
