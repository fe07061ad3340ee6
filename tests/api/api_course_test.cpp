// Treatment courses through the real server: plans from a request or a template, bad plans refused without
// writing, re-planning after a moved or cancelled session, and the money: quotes in exact cents, one invoice
// per quote, payments that never exceed the balance, refunds and cancellations that keep the history.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "course_fixture.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen::testing {
namespace {

using ApiCourseTest = ApiTest;

std::string CoursePath(int64_t id) { return RecordPath("treatment-courses", id); }

TEST_P(ApiCourseTest, ACoursePlanSplitsTheDoseOverSessionsAndSites) {
  CourseChain chain = NewChain(world(), ChainDepth::kKnee);
  const Session& clinician = world().SessionFor(Role::kClinician);
  HttpReply created = world().Post(RecordPath("treatment-courses"), &clinician,
                                   Json{{"knee_id", chain.knee}, {"plan_request", SamplePlanRequest()},
                                        {"first_session", "2026-03-02"}});
  ASSERT_EQ(created.status, 201) << created.Describe();
  Json course = created.json();
  EXPECT_EQ(course["patient_id"], chain.patient);
  EXPECT_EQ(course["status"], "planned");
  EXPECT_EQ(course["product"], "bone_marrow_concentrate");
  EXPECT_EQ(course["sessions_planned"], 6);
  EXPECT_EQ(course["ligament_sites"], true);
  EXPECT_EQ(course["start_date"], "2026-03-02");
  const Json& sessions = course["plan"]["sessions"];
  ASSERT_EQ(sessions.size(), 6u);
  EXPECT_EQ(sessions[1]["date"], "2026-03-16");
  EXPECT_EQ(sessions[5]["date"], "2026-05-11");
  for (const auto& s : sessions) {
    EXPECT_EQ(s["dose"], 10000);  // 60 mL over six sessions, in microlitres
    EXPECT_EQ(s["volume_ul"], 14000);
    ASSERT_EQ(s["sites"].size(), 5u);
    EXPECT_EQ(s["sites"][0], (Json{{"site", "intra_articular"}, {"volume_ul", 8400}, {"dose", 6000}}));
    EXPECT_EQ(s["sites"][4], (Json{{"site", "lcl_fibular_insertion"}, {"volume_ul", 1400}, {"dose", 1000}}));
  }
  EXPECT_EQ(course["plan"]["harvests"].size(), 1u);
  EXPECT_EQ(course["plan"]["totals"]["planned_dose"], 60000);
}

TEST_P(ApiCourseTest, BadPlansAreRefusedNamingTheProblemAndNothingIsWritten) {
  CourseChain chain = NewChain(world(), ChainDepth::kKnee);
  const Session& clinician = world().SessionFor(Role::kClinician);
  const int64_t before = world().CountRecords(world().own().clinic_id, "treatment-courses");
  auto refused = [&](const std::string& why, Json plan, const std::string& field) {
    SCOPED_TRACE(why);
    Json body = {{"knee_id", chain.knee}, {"plan_request", std::move(plan)}, {"first_session", Today()}};
    HttpReply reply = world().Post(RecordPath("treatment-courses"), &clinician, body);
    ExpectProblem(reply, 400, "validation_failed");
    EXPECT_TRUE(reply.error_fields().count(field)) << reply.Describe();
  };
  Json plan = SamplePlanRequest();
  plan["sessions"] = 0;
  refused("zero sessions", plan, "plan_request/sessions");
  plan = SamplePlanRequest();
  plan["session_volume_ul"] = -5;
  refused("negative volume", plan, "plan_request/session_volume_ul");
  plan = SamplePlanRequest();
  plan["session_volume_ul"] = 19000;  // 60 % into the joint: 11.4 mL, over its 10 mL limit
  refused("oversized site volume", plan, "plan_request/sites/0/share_percent");
  plan = SamplePlanRequest();
  plan["sites"][1]["site"] = "patellar_tendon";
  refused("unknown site", plan, "plan_request/sites/1/site");
  plan = SamplePlanRequest();
  plan["product"] = "platelet_lysate";
  refused("unknown product", plan, "plan_request/product");
  plan = SamplePlanRequest();
  plan["first_session"] = Today();
  refused("a date inside the request", plan, "plan_request/first_session");

  Json both = {{"knee_id", chain.knee}, {"plan_request", SamplePlanRequest()},
               {"template_id", world().own().id("protocol-templates")}, {"first_session", Today()}};
  ExpectProblem(world().Post(RecordPath("treatment-courses"), &clinician, both), 400, "validation_failed");
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "treatment-courses"), before);
}

TEST_P(ApiCourseTest, ACourseFromATemplatePlansLikeItsRequestAndRetiredTemplatesAreRefused) {
  CourseChain chain = NewChain(world(), ChainDepth::kKnee);
  const Session& clinician = world().SessionFor(Role::kClinician);
  HttpReply saved = world().Post(RecordPath("protocol-templates"), &clinician,
                                 Json{{"name", "Template " + std::to_string(world().Next())},
                                      {"plan_request", SamplePlanRequest()}});
  ASSERT_EQ(saved.status, 201) << saved.Describe();
  const int64_t protocol = saved.json()["id"];
  HttpReply from_template = world().Post(RecordPath("treatment-courses"), &clinician,
                                         Json{{"knee_id", chain.knee}, {"template_id", protocol}, {"first_session", Today()}});
  ASSERT_EQ(from_template.status, 201) << from_template.Describe();
  HttpReply from_request = world().Post(RecordPath("treatment-courses"), &clinician,
                                        Json{{"knee_id", chain.knee}, {"plan_request", SamplePlanRequest()},
                                             {"first_session", Today()}});
  ASSERT_EQ(from_request.status, 201);
  EXPECT_EQ(from_template.json()["plan"], from_request.json()["plan"]);
  EXPECT_EQ(from_template.json()["plan_request"], SamplePlanRequest());

  ASSERT_EQ(world().Patch(RecordPath("protocol-templates", protocol), &clinician, Json{{"active", false}}).status, 200);
  HttpReply retired = world().Post(RecordPath("treatment-courses"), &clinician,
                                   Json{{"knee_id", chain.knee}, {"template_id", protocol}, {"first_session", Today()}});
  ExpectProblem(retired, 400, "validation_failed");
  EXPECT_EQ(retired.error_fields(), std::set<std::string>{"template_id"});

  Json bad_template = SamplePlanRequest();
  bad_template["sessions"] = 13;
  ExpectProblem(world().Post(RecordPath("protocol-templates"), &clinician,
                             Json{{"name", "Too many"}, {"plan_request", bad_template}}),
                400, "validation_failed");
}

TEST_P(ApiCourseTest, MovingASessionShiftsTheLaterOnesAndCancellingOneKeepsItsDoseOut) {
  CourseChain chain = NewChain(world(), ChainDepth::kCourse);
  const Session& clinician = world().SessionFor(Role::kClinician);
  const std::string replan = CoursePath(chain.course) + "/replan";
  HttpReply moved = world().Call(HttpCall{.method = "POST", .path = replan, .session = &clinician,
                                          .body = Json{{"session", 3}, {"move_to", DaysFromToday(35)}}.dump(),
                                          .headers = {{"If-Match", "\"1\""}}});
  ASSERT_EQ(moved.status, 200) << moved.Describe();
  const Json moved_course = moved.json();
  const Json& sessions = moved_course["plan"]["sessions"];
  EXPECT_EQ(sessions[1]["date"], DaysFromToday(14));  // earlier sessions stay
  EXPECT_EQ(sessions[2]["date"], DaysFromToday(35));  // moved a week later than planned
  EXPECT_EQ(sessions[5]["date"], DaysFromToday(77));  // and every later one with it
  EXPECT_EQ(moved.Header("ETag"), "\"2\"");

  HttpReply cancelled = world().Post(replan, &clinician, Json{{"session", 6}, {"cancel", true}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.Describe();
  EXPECT_EQ(cancelled.json()["sessions_planned"], 5);
  EXPECT_EQ(cancelled.json()["plan"]["totals"]["deliverable_dose"], 50000);
  EXPECT_EQ(cancelled.json()["plan_changes"].size(), 2u);

  HttpReply stale = world().Call(HttpCall{.method = "POST", .path = replan, .session = &clinician,
                                          .body = Json{{"session", 4}, {"cancel", true}}.dump(),
                                          .headers = {{"If-Match", "\"1\""}}});
  ExpectProblem(stale, 412, "precondition_failed");
  ExpectProblem(world().Post(replan, &clinician, Json{{"session", 9}, {"cancel", true}}), 400, "validation_failed");
  ExpectProblem(world().Post(replan, &clinician, Json{{"session", 2}}), 400, "validation_failed");
  ExpectProblem(world().Post(replan, &clinician, Json{{"session", 2}, {"move_to", "2026-02-30"}}), 400,
                "validation_failed");

  // A performed session is history, not plan.
  CourseChain consented = NewChain(world(), ChainDepth::kConsented);
  world().CreateRecord(consented.clinic_id, "treatment-sessions",
                       Json{{"course_id", consented.course}, {"session_number", 1}, {"performed_on", Today()},
                            {"practitioner_id", world().own().id("practitioners")}, {"product_lot", "LOT-R1"}});
  HttpReply performed = world().Post(CoursePath(consented.course) + "/replan", &clinician,
                                     Json{{"session", 1}, {"move_to", DaysFromToday(3)}});
  ExpectProblem(performed, 409, "conflict");

  CourseChain foreign = NewChain(world(), ChainDepth::kCourse, world().foreign().clinic_id);
  ExpectProblem(world().Post(CoursePath(foreign.course) + "/replan", &clinician, Json{{"session", 2}, {"cancel", true}}),
                404, "not_found");
}

TEST_P(ApiCourseTest, AQuoteIsExactToTheCentWithTheRangeTheSelfPayStatementAndAValidityDate) {
  CourseChain chain = NewChain(world(), ChainDepth::kCourse);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  HttpReply quoted = world().Post(RecordPath("quotes"), &coordinator, Json{{"course_id", chain.course}, {"valid_days", 21}});
  ASSERT_EQ(quoted.status, 201) << quoted.Describe();
  Json quote = quoted.json();
  // $1,200 harvest + 60 mL x $50 + 6 sessions x $450 + 6 x $100 image guidance (the demo price list).
  EXPECT_EQ(quote["total_cents"], 750000);
  EXPECT_EQ(quote["currency"], "USD");
  EXPECT_EQ(quote["issued_on"], Today());
  EXPECT_EQ(quote["valid_until"], DaysFromToday(21));
  EXPECT_EQ(quote["quote"]["typical_low_cents"], 600000);
  EXPECT_EQ(quote["quote"]["typical_high_cents"], 900000);
  EXPECT_EQ(quote["quote"]["insurance_statement"], "This treatment is not covered by insurance; it is self-pay.");
  int64_t sum = 0;
  for (const auto& line : quote["quote"]["lines"]) sum += line["amount_cents"].get<int64_t>();
  EXPECT_EQ(sum, 750000);
  // The price list in force is the clinic's newest (other tests in the same process may add one).
  int64_t in_force = 0;
  ASSERT_TRUE(world().store().Read([&](ReadTransaction& tx) -> Status {
    in_force = (*NewestRecord(tx, *FindRecordSchema("price-lists"), chain.clinic_id))["id"];
    return Ok{};
  }).ok());
  EXPECT_EQ(quote["price_list_id"], in_force);
  ExpectProblem(world().Patch(RecordPath("quotes", quote["id"]), &coordinator, Json::object()), 405,
                "method_not_allowed");

  // A clinic without a price list can't quote.
  const int64_t bare = world().NewClinic("Clinic without prices");
  CourseChain elsewhere = NewChain(world(), ChainDepth::kCourse, bare);
  auto refused = world().services().records.Create(ApiWorld::Operator(bare, Role::kCoordinator),
                                                    *FindRecordSchema("quotes"), Json{{"course_id", elsewhere.course}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
}

TEST_P(ApiCourseTest, PaymentsNeverExceedTheBalanceAndRefundsAndCancellationsKeepTheHistory) {
  CourseChain chain = NewChain(world(), ChainDepth::kQuoted);
  const Session& coordinator = world().SessionFor(Role::kCoordinator);
  HttpReply invoiced = world().Post(RecordPath("invoices"), &coordinator, Json{{"quote_id", chain.quote}});
  ASSERT_EQ(invoiced.status, 201) << invoiced.Describe();
  const int64_t invoice = invoiced.json()["id"];
  EXPECT_EQ(invoiced.json()["total_cents"], 750000);
  ExpectProblem(world().Post(RecordPath("invoices"), &coordinator, Json{{"quote_id", chain.quote}}), 409, "conflict");

  auto pay = [&](const std::string& kind, int64_t cents) {
    return world().Post(RecordPath("payments"), &coordinator,
                        Json{{"invoice_id", invoice}, {"kind", kind}, {"amount_cents", cents}, {"method", "card"},
                             {"paid_on", Today()}});
  };
  const std::string statement_path = RecordPath("invoices", invoice) + "/statement";
  ASSERT_EQ(pay("payment", 250000).status, 201);
  const int64_t payments_before = world().CountRecords(world().own().clinic_id, "payments");
  HttpReply too_much = pay("payment", 500001);
  ExpectProblem(too_much, 400, "validation_failed");
  EXPECT_EQ(too_much.error_fields(), std::set<std::string>{"amount_cents"});
  EXPECT_NE(too_much.body.find("$5,000.00"), std::string::npos) << too_much.body;
  ExpectProblem(pay("refund", 250001), 400, "validation_failed");
  ExpectProblem(pay("payment", 0), 400, "validation_failed");
  ExpectProblem(pay("payment", -100), 400, "validation_failed");
  EXPECT_EQ(world().CountRecords(world().own().clinic_id, "payments"), payments_before);

  ASSERT_EQ(pay("payment", 500000).status, 201);
  Json settled = world().Get(statement_path, &coordinator).json();
  EXPECT_EQ(settled["balance_cents"], 0);
  ExpectProblem(pay("payment", 1), 400, "validation_failed");
  ASSERT_EQ(pay("refund", 100000).status, 201);

  HttpReply no_reason = world().Patch(RecordPath("invoices", invoice), &coordinator, Json{{"status", "cancelled"}});
  ExpectProblem(no_reason, 400, "validation_failed");
  HttpReply cancelled = world().Patch(RecordPath("invoices", invoice), &coordinator,
                                      Json{{"status", "cancelled"}, {"cancel_reason", "Patient moved away"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.Describe();
  ExpectProblem(pay("payment", 100), 400, "validation_failed");
  ASSERT_EQ(pay("refund", 650000).status, 201);  // the rest goes back; the payments stay on record
  ExpectProblem(world().Patch(RecordPath("invoices", invoice), &coordinator, Json{{"status", "open"}}), 400,
                "validation_failed");

  Json statement = world().Get(statement_path, &coordinator).json();
  EXPECT_EQ(statement["id"], invoice);
  EXPECT_EQ(statement["paid_cents"], 750000);
  EXPECT_EQ(statement["refunded_cents"], 750000);
  EXPECT_EQ(statement["balance_cents"], 750000);
  EXPECT_EQ(statement["payments"].size(), 4u);
  EXPECT_EQ(statement["invoice"]["status"], "cancelled");
  ExpectProblem(world().Get(RecordPath("invoices", world().foreign().id("invoices")) + "/statement", &coordinator),
                404, "not_found");
}

TEST_P(ApiCourseTest, AnExpiredQuoteCannotBeInvoiced) {
  CourseChain chain = NewChain(world(), ChainDepth::kCourse);
  // A quote issued long ago, written directly: the API only issues quotes dated today.
  Json quote;
  auto status = world().store().Write([&](WriteTransaction& tx) -> Status {
    const RecordSchema& quotes = *FindRecordSchema("quotes");
    Json record = *tx.GetRecord(quotes, chain.clinic_id, world().own().id("quotes"));
    for (const char* f : {"id", "version", "created_at", "updated_at", "synthetic"}) record.erase(f);
    record["course_id"] = chain.course;
    record["patient_id"] = chain.patient;
    record["issued_on"] = "2025-01-02";
    record["valid_until"] = "2025-02-01";
    quote = *tx.GetRecord(quotes, chain.clinic_id, tx.InsertRecord(quotes, chain.clinic_id, record, false));
    return Ok{};
  });
  ASSERT_TRUE(status.ok());
  HttpReply expired = world().Post(RecordPath("invoices"), &world().SessionFor(Role::kCoordinator),
                                   Json{{"quote_id", quote["id"]}});
  ExpectProblem(expired, 400, "validation_failed");
  EXPECT_EQ(expired.error_fields(), std::set<std::string>{"quote_id"});
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiCourseTest, ::testing::ValuesIn(kAllApiBackends), ApiBackendName);

}  // namespace
}  // namespace kneeregen::testing
