// Every record the demo's treatment side stores is one the API would have accepted: valid by its kind's field
// rules and cross-checks, with references and derived fields that resolve, and with the computed fields the
// kind's prepare step fills. Dates of issue and of signature are the exception: the services take them from
// the server's clock, the demo from its simulated calendar, so those are checked for order instead.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "clinic/pricing.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "registry/consent.hpp"
#include "registry/course_plan.hpp"
#include "registry/demo.hpp"
#include "registry/record_queries.hpp"
#include "storage/open_store.hpp"

namespace kneeregen {
namespace {

constexpr const char* kReferenceDate = "2026-11-01";
const char* const kTreatmentKinds[] = {
    "price-lists", "protocol-templates", "consent-templates", "treatment-courses",      "quotes",
    "invoices",    "payments",           "consents",          "consent-withdrawals",    "treatment-sessions",
    "injections",  "adverse-events",     "imaging-studies",   "cartilage-measurements", "worms-grades"};

std::string Explain(const Error& e) {
  std::string out = e.detail;
  for (const auto& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

class DemoTreatmentRecords : public testing::Test {
 protected:
  static constexpr int64_t kPatients = 1000;

  static void SetUpTestSuite() {
    store_ = OpenStore("sqlite::memory:")->release();
    auto seeded = SeedDemoClinic(*store_, DemoOptions{.patients = kPatients, .seed = 5});
    ASSERT_TRUE(seeded.ok());
    clinic_id_ = seeded->clinic_id;
    records_ = new std::map<std::string, std::map<int64_t, Json>>();
    Status status = store_->Read([&](ReadTransaction& tx) -> Status {
      for (const auto& schema : AllRecordSchemas())
        for (auto& r : AllRecords(tx, schema, clinic_id_, {}))
          (*records_)[schema.resource][r["id"].get<int64_t>()] = r;
      return Ok{};
    });
    ASSERT_TRUE(status.ok());
  }
  static void TearDownTestSuite() {
    delete records_;
    delete store_;
  }

  static const std::map<int64_t, Json>& Records(const std::string& kind) { return (*records_)[kind]; }
  static const Json& Get(const std::string& kind, const Json& id) {
    return Records(kind).at(id.get<int64_t>());
  }

  // The create body a client would have sent: the stored record's client-writable fields.
  static Json Body(const RecordSchema& schema, const Json& stored) {
    Json body = Json::object();
    for (const auto& f : schema.fields)
      if (f.client_writable()) body[f.name] = stored[f.name];
    return body;
  }

  // Runs the kind's prepare step on `record` as for a create, and returns the record as prepare leaves it.
  static Result<Json> Prepare(const std::string& kind, Json record) {
    const RecordSchema& schema = *FindRecordSchema(kind);
    Status status = store_->Read([&](ReadTransaction& tx) -> Status {
      RecordContext context{.tx = tx, .clinic_id = clinic_id_, .record = record};
      return schema.prepare(context);
    });
    if (!status.ok()) return status.error();
    return record;
  }

  // The course as it stood when it was quoted and consented: before any session moved or was cancelled.
  static Json CourseAsPlanned(const Json& course) {
    Json planned = course;
    planned["plan_changes"] = Json::array();
    Status status = store_->Read([&](ReadTransaction& tx) -> Status {
      auto plan = RebuildCoursePlan(tx, clinic_id_, planned);
      if (!plan) return plan.error();
      StorePlanFields(*plan, planned);
      return Ok{};
    });
    EXPECT_TRUE(status.ok());
    return planned;
  }

  static bool Unchanged(const Json& course) {
    return course["plan_changes"].empty() && course["status"] != "cancelled";
  }

  static Store* store_;
  static int64_t clinic_id_;
  static std::map<std::string, std::map<int64_t, Json>>* records_;
};

Store* DemoTreatmentRecords::store_ = nullptr;
int64_t DemoTreatmentRecords::clinic_id_ = 0;
std::map<std::string, std::map<int64_t, Json>>* DemoTreatmentRecords::records_ = nullptr;

TEST_F(DemoTreatmentRecords, EveryKindIsPresentAndFlaggedSynthetic) {
  for (const char* kind : kTreatmentKinds) {
    EXPECT_FALSE(Records(kind).empty()) << kind;
    for (const auto& [id, r] : Records(kind)) ASSERT_EQ(r["synthetic"], true) << kind << " " << id;
  }
}

TEST_F(DemoTreatmentRecords, EveryRecordPassesTheFieldRulesAndItsReferencesResolve) {
  for (const char* kind : kTreatmentKinds) {
    const RecordSchema& schema = *FindRecordSchema(kind);
    for (const auto& [id, r] : Records(kind)) {
      auto valid = ValidateNewRecord(schema, Body(schema, r));
      ASSERT_TRUE(valid.ok()) << kind << " " << id << ": " << Explain(valid.error());
      for (const auto& f : schema.fields) {
        if (f.kind != FieldKind::kRef || r[f.name].is_null()) continue;
        if (!f.derive_via.empty()) {
          const FieldSpec* via = schema.Field(f.derive_via);
          ASSERT_EQ(Get(via->ref_resource, r[f.derive_via])[f.name], r[f.name]) << kind << "." << f.name;
          continue;
        }
        ASSERT_TRUE(Records(f.ref_resource).count(r[f.name].get<int64_t>())) << kind << "." << f.name;
        if (!f.ref_match.empty()) ASSERT_EQ(Get(f.ref_resource, r[f.name])[f.ref_match], r[f.ref_match]);
      }
    }
  }
}

TEST_F(DemoTreatmentRecords, ClinicSettingsPassTheirPrepareStep) {
  for (const char* kind : {"price-lists", "protocol-templates"})
    for (const auto& [id, r] : Records(kind)) {
      auto prepared = Prepare(kind, r);
      EXPECT_TRUE(prepared.ok()) << kind << " " << id << ": " << Explain(prepared.error());
    }
  ASSERT_EQ(Records("consent-templates").size(), 1u);
  const Json& consent = Records("consent-templates").begin()->second;
  std::string text = consent["regulatory_status"].get<std::string>() + consent["risks"].get<std::string>() +
                     consent["results_statement"].get<std::string>() +
                     consent["additional_text"].get<std::string>();
  for (const char* phrase :
       {"not approved", "FDA", "off-label", "infection", "cannot be guaranteed", "SYNTHETIC"})
    EXPECT_NE(text.find(phrase), std::string::npos) << phrase;
}

TEST_F(DemoTreatmentRecords, CoursesHoldThePlanThatPrepareAndReplanningCompute) {
  const RecordSchema& schema = *FindRecordSchema("treatment-courses");
  for (const auto& [id, course] : Records("treatment-courses")) {
    Json body = Body(schema, course);
    body["plan_request"] = nullptr;  // planned from its template, which prepare copies the request from
    auto valid = ValidateNewRecord(schema, body);
    ASSERT_TRUE(valid.ok()) << Explain(valid.error());
    Json record = *valid;
    record["patient_id"] = course["patient_id"];
    auto prepared = Prepare("treatment-courses", record);
    ASSERT_TRUE(prepared.ok()) << id << ": " << Explain(prepared.error());
    // Then each stored change, as CourseService::Replan applies them.
    Json expected = *prepared;
    expected["plan_changes"] = course["plan_changes"];
    Status status = store_->Read([&](ReadTransaction& tx) -> Status {
      auto plan = RebuildCoursePlan(tx, clinic_id_, expected);
      if (!plan) return plan.error();
      StorePlanFields(*plan, expected);
      return Ok{};
    });
    ASSERT_TRUE(status.ok()) << id << ": " << Explain(status.error());
    for (const auto& f : schema.fields)
      if (f.computed || f.name == "plan_request")
        ASSERT_EQ(expected[f.name], course[f.name]) << id << " " << f.name;
  }
}

TEST_F(DemoTreatmentRecords, QuotesPriceThePlanAsQuotedWithThePriceListInForce) {
  const Json& price_list = Records("price-lists").rbegin()->second;
  auto prices = PriceList::FromJson(price_list["prices"], DefaultCatalogue());
  ASSERT_TRUE(prices.ok());
  int prepared_checks = 0;
  for (const auto& [id, quote] : Records("quotes")) {
    const Json& course = Get("treatment-courses", quote["course_id"]);
    EXPECT_EQ(quote["price_list_id"], price_list["id"]);
    const Json as_quoted = CourseAsPlanned(course);
    std::optional<ProtocolPlan> plan;
    Status read = store_->Read([&](ReadTransaction& tx) -> Status {
      plan = *RebuildCoursePlan(tx, clinic_id_, as_quoted);
      return Ok{};
    });
    ASSERT_TRUE(read.ok());
    auto issued = ParseDate(quote["issued_on"].get<std::string>());
    ASSERT_TRUE(issued.has_value());
    auto expected = BuildQuote(*plan, *prices, *issued, quote["valid_days"].get<int>());
    ASSERT_TRUE(expected.ok());
    ASSERT_EQ(ToJson(*expected), quote["quote"]) << id;
    EXPECT_EQ(expected->total.cents(), quote["total_cents"]);
    EXPECT_EQ(expected->currency, quote["currency"]);
    EXPECT_EQ(FormatDate(expected->valid_until), quote["valid_until"]);
    if (!Unchanged(course)) continue;
    // Prepare itself dates the quote today; everything else must match.
    Json body = {{"course_id", quote["course_id"]},
                 {"patient_id", quote["patient_id"]},
                 {"valid_days", quote["valid_days"]}};
    auto prepared = Prepare("quotes", body);
    ASSERT_TRUE(prepared.ok()) << Explain(prepared.error());
    Json stored_lines = quote["quote"], prepared_lines = (*prepared)["quote"];
    for (Json* q : {&stored_lines, &prepared_lines}) {
      q->erase("issued_on");
      q->erase("valid_until");
    }
    EXPECT_EQ(prepared_lines, stored_lines);
    for (const char* f : {"price_list_id", "total_cents", "currency"})
      EXPECT_EQ((*prepared)[f], quote[f]) << f;
    ++prepared_checks;
  }
  EXPECT_GT(prepared_checks, kPatients / 2);
}

TEST_F(DemoTreatmentRecords, ConsentsFreezeTheTextPrepareRenders) {
  std::map<int64_t, int64_t> newest_quote;  // course id -> id of its newest quote
  for (const auto& [id, quote] : Records("quotes")) {
    int64_t& newest = newest_quote[quote["course_id"].get<int64_t>()];
    newest = std::max(newest, id);
  }
  int prepared_checks = 0;
  for (const auto& [id, consent] : Records("consents")) {
    const Json& course = Get("treatment-courses", consent["course_id"]);
    const Json& quote = Get("quotes", consent["quote_id"]);
    const Json& form = Get("consent-templates", consent["template_id"]);
    EXPECT_EQ(consent["quote_id"], newest_quote.at(course["id"].get<int64_t>()));
    EXPECT_EQ(consent["template_version"], form["version"]);
    std::string snapshot =
        RenderConsent(form, CourseAsPlanned(course), quote, consent["signer_name"], consent["meaning"]);
    ASSERT_EQ(snapshot, consent["snapshot"]) << id;
    EXPECT_EQ(Sha256Hex(snapshot), consent["snapshot_sha256"]);
    // Signed after the quote, before the first session, at a time on the day it names.
    std::string signed_on = consent["signed_on"];
    EXPECT_GE(signed_on, quote["issued_on"].get<std::string>());
    EXPECT_LT(signed_on, course["first_session"].get<std::string>());
    EXPECT_EQ(consent["signed_at"].get<std::string>().substr(0, 10), signed_on);
    EXPECT_TRUE(ParseTimestamp(consent["signed_at"].get<std::string>()).has_value());
    if (!Unchanged(course)) continue;
    Json body = Body(*FindRecordSchema("consents"), consent);
    body["patient_id"] = consent["patient_id"];
    auto prepared = Prepare("consents", body);
    ASSERT_TRUE(prepared.ok()) << Explain(prepared.error());
    for (const char* f : {"template_version", "quote_id", "snapshot", "snapshot_sha256"})
      EXPECT_EQ((*prepared)[f], consent[f]) << f;
    ++prepared_checks;
  }
  EXPECT_GT(prepared_checks, kPatients / 2);
}

TEST_F(DemoTreatmentRecords, InvoicesFollowTheirQuoteAndPaymentsNeverOverrunTheBalance) {
  for (const auto& [id, invoice] : Records("invoices")) {
    const Json& quote = Get("quotes", invoice["quote_id"]);
    const Json& course = Get("treatment-courses", invoice["course_id"]);
    EXPECT_EQ(invoice["total_cents"], quote["total_cents"]);
    EXPECT_EQ(invoice["currency"], quote["currency"]);
    // Issued while the quote was valid (what prepare checks against the server's date).
    EXPECT_GE(invoice["issued_on"], quote["issued_on"]);
    EXPECT_LE(invoice["issued_on"], quote["valid_until"]);
    EXPECT_EQ(invoice["status"] == "cancelled", course["status"] == "cancelled") << id;
  }
  std::map<int64_t, std::vector<Json>> by_invoice;
  for (const auto& [id, p] : Records("payments")) by_invoice[p["invoice_id"].get<int64_t>()].push_back(p);
  for (const auto& [invoice_id, payments] : by_invoice) {
    const Json& invoice = Get("invoices", Json(invoice_id));
    int64_t paid = 0, refunded = 0;
    std::string last_date = invoice["issued_on"];
    bool refunded_before = false;
    for (const auto& p : payments) {
      const int64_t amount = p["amount_cents"];
      if (p["kind"] == "payment") {
        EXPECT_FALSE(refunded_before) << "a payment after a refund on invoice " << invoice_id;
        EXPECT_LE(amount, invoice["total_cents"].get<int64_t>() - paid + refunded);
        paid += amount;
      } else {
        EXPECT_LE(amount, paid - refunded);
        refunded += amount;
        refunded_before = true;
      }
      EXPECT_GE(p["paid_on"].get<std::string>(), last_date);
      last_date = p["paid_on"];
    }
    const Json& course = Get("treatment-courses", invoice["course_id"]);
    if (course["status"] == "completed" && course["plan_changes"].empty())
      EXPECT_EQ(paid - refunded, invoice["total_cents"].get<int64_t>())
          << "a completed course is paid in full";
  }
}

TEST_F(DemoTreatmentRecords, SessionsAreCoveredByTheConsentAndFollowThePlan) {
  std::map<int64_t, std::set<std::string>> sites;  // session id -> sites injected
  for (const auto& [id, injection] : Records("injections")) {
    auto prepared = Prepare("injections", injection);
    ASSERT_TRUE(prepared.ok()) << id << ": " << Explain(prepared.error());
    EXPECT_EQ((*prepared)["dose_unit"], injection["dose_unit"]);
    EXPECT_EQ(injection["product_lot"], Get("treatment-sessions", injection["session_id"])["product_lot"]);
    EXPECT_TRUE(
        sites[injection["session_id"].get<int64_t>()].insert(injection["site"].get<std::string>()).second)
        << "a site twice in one session";
  }
  std::set<std::pair<int64_t, int>> performed;
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    for (const auto& [id, session] : Records("treatment-sessions")) {
      const Json& course = Get("treatment-courses", session["course_id"]);
      EXPECT_NE(course["status"], "cancelled");
      EXPECT_TRUE(ConsentCovering(tx, clinic_id_, course["id"].get<int64_t>(),
                                  session["performed_on"].get<std::string>())
                      .has_value())
          << id;
      EXPECT_EQ(session["product"], course["product"]);
      EXPECT_TRUE(performed.emplace(course["id"].get<int64_t>(), session["session_number"].get<int>()).second)
          << "recorded twice";
      const Json& planned = course["plan"]["sessions"][session["session_number"].get<size_t>() - 1];
      EXPECT_EQ(planned["status"], "planned");
      EXPECT_EQ(planned["date"], session["performed_on"]);
      std::set<std::string> planned_sites;
      for (const auto& s : planned["sites"]) planned_sites.insert(s["site"].get<std::string>());
      EXPECT_EQ(sites[id], planned_sites) << id;
    }
    return Ok{};
  });
  EXPECT_TRUE(status.ok());
  // Every session still planned was performed: courses end completed or cancelled, never half-recorded.
  for (const auto& [id, course] : Records("treatment-courses"))
    for (const auto& s : course["plan"]["sessions"])
      if (course["status"] == "completed" && s["status"] == "planned")
        EXPECT_TRUE(performed.count({id, s["number"].get<int>()})) << id;
}

TEST_F(DemoTreatmentRecords, WithdrawalsEndConsentsOfCancelledCourses) {
  std::set<int64_t> courses_with_sessions;
  for (const auto& [id, s] : Records("treatment-sessions"))
    courses_with_sessions.insert(s["course_id"].get<int64_t>());
  for (const auto& [id, w] : Records("consent-withdrawals")) {
    const Json& consent = Get("consents", w["consent_id"]);
    EXPECT_GE(w["withdrawn_on"], consent["signed_on"]);
    EXPECT_GT(w["withdrawn_at"], consent["signed_at"]);
    EXPECT_EQ(Get("treatment-courses", w["course_id"])["status"], "cancelled");
    EXPECT_FALSE(courses_with_sessions.count(w["course_id"].get<int64_t>()));
  }
}

TEST_F(DemoTreatmentRecords, AdverseEventsAndImagingPassTheirPrepareStep) {
  for (const char* kind : {"adverse-events", "cartilage-measurements", "worms-grades"})
    for (const auto& [id, r] : Records(kind)) {
      auto prepared = Prepare(kind, r);
      ASSERT_TRUE(prepared.ok()) << kind << " " << id << ": " << Explain(prepared.error());
      if (std::string(kind) == "adverse-events") EXPECT_EQ((*prepared)["serious"], r["serious"]) << id;
    }
}

// Record dates, the dates inside plans and quotes, and signature times all fall before the reference date.
TEST_F(DemoTreatmentRecords, NothingIsDatedOnOrAfterTheReferenceDate) {
  auto check = [](const std::string& date, const std::string& what) {
    ASSERT_LT(date, kReferenceDate) << what;
  };
  for (const char* kind : kTreatmentKinds)
    for (const auto& f : FindRecordSchema(kind)->fields)
      if (f.kind == FieldKind::kDate)
        for (const auto& [id, r] : Records(kind))
          if (!r[f.name].is_null()) check(r[f.name], std::string(kind) + "." + f.name);
  for (const auto& [id, c] : Records("treatment-courses")) {
    for (const auto& s : c["plan"]["sessions"]) check(s["date"], "plan session");
    for (const auto& h : c["plan"]["harvests"]) check(h["date"], "plan harvest");
  }
  for (const auto& [id, q] : Records("quotes")) check(q["quote"]["valid_until"], "quote validity");
  for (const auto& [id, c] : Records("consents")) check(c["signed_at"], "signature");
  for (const auto& [id, w] : Records("consent-withdrawals")) check(w["withdrawn_at"], "withdrawal");
}

}  // namespace
}  // namespace kneeregen
