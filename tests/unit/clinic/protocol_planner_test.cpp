#include "clinic/protocol_planner.hpp"

#include <gtest/gtest.h>

#include "support/golden.hpp"

#include <fstream>

#include "clinic/catalogue.hpp"
#include "core/time.hpp"

namespace kneeregen {
namespace {

using testing::Fields;
using testing::LoadGolden;
using testing::NamesField;

Catalogue CatalogueWith(const Json& additions) {
  Json json = DefaultCatalogue().ToJson();
  for (const char* list : {"products", "sites"})
    if (additions.contains(list))
      for (const auto& item : additions[list]) json[list].push_back(item);
  auto catalogue = Catalogue::FromJson(json);
  EXPECT_TRUE(catalogue.ok()) << Fields(catalogue.error());
  return *catalogue;
}

// The golden file lists sites as [site, volume_ul, dose] rows to keep each session on one line.
Json CompactSessions(const Json& plan) {
  Json sessions = Json::array();
  for (const auto& s : plan["sessions"]) {
    Json sites = Json::array();
    for (const auto& i : s["sites"]) sites.push_back({i["site"], i["volume_ul"], i["dose"]});
    Json row = s;
    row["sites"] = sites;
    sessions.push_back(row);
  }
  return sessions;
}

Json Column(const Json& plan, const char* key) {
  Json out = Json::array();
  for (const auto& s : plan["sessions"]) out.push_back(s[key]);
  return out;
}

TEST(ProtocolPlannerGolden, PlansAndReplansMatch) {
  Json golden = LoadGolden("protocol_plans.json");
  ASSERT_GE(golden["cases"].size(), 4u);
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Catalogue catalogue = CatalogueWith(c.value("catalogue_additions", Json::object()));
    auto request = PlanRequestFromJson(c["request"]);
    ASSERT_TRUE(request.ok()) << Fields(request.error());
    auto plan = BuildPlan(*request, catalogue);
    ASSERT_TRUE(plan.ok()) << Fields(plan.error());
    Json got = ToJson(*plan);
    EXPECT_EQ(CompactSessions(got), c["expect"]["sessions"]);
    EXPECT_EQ(got["harvests"], c["expect"]["harvests"]);
    EXPECT_EQ(got["totals"], c["expect"]["totals"]);
    for (const auto& step : c["replans"]) {
      SCOPED_TRACE(step["why"].get<std::string>());
      SessionChange change = SessionCancelled{};
      if (!step.value("cancel", false)) change = *ParseDate(step["date"].get<std::string>());
      auto replanned = Replan(*plan, step["session"].get<int>(), change);
      ASSERT_TRUE(replanned.ok()) << Fields(replanned.error());
      Json after = ToJson(*replanned);
      EXPECT_EQ(Column(after, "date"), step["expect"]["dates"]);
      EXPECT_EQ(Column(after, "status"), step["expect"]["statuses"]);
      EXPECT_EQ(after["harvests"], step["expect"]["harvests"]);
      EXPECT_EQ(after["totals"], step["expect"]["totals"]);
      // A re-plan never changes what is injected at a session, only when and whether.
      EXPECT_EQ(Column(after, "sites"), Column(got, "sites"));
      plan = std::move(replanned);
    }
  }
}

TEST(ProtocolPlanner, SplitsSumExactlyForAwkwardNumbers) {
  for (int sessions = 1; sessions <= kMaxSessions; ++sessions) {
    PlanRequest r{"umbilical_cord_msc", 99'999'989, sessions, *ParseDate("2026-01-01"), {7}, 9'999,
                  {{"intra_articular", 67}, {"mcl_femoral_origin", 11}, {"lcl_femoral_origin", 11},
                   {"lcl_fibular_insertion", 11}}};
    auto plan = BuildPlan(r, DefaultCatalogue());
    ASSERT_TRUE(plan.ok()) << Fields(plan.error());
    int64_t dose = 0;
    for (const auto& s : plan->sessions) {
      int64_t site_dose = 0, site_volume = 0;
      for (const auto& i : s.sites) site_dose += i.dose, site_volume += i.volume_ul;
      EXPECT_EQ(site_dose, s.dose);
      EXPECT_EQ(site_volume, 9'999);
      dose += s.dose;
    }
    EXPECT_EQ(dose, 99'999'989);
  }
}

PlanRequest DemoRequest() {
  PlanRequest r;
  r.product = "bone_marrow_concentrate";
  r.total_dose = 60'000;
  r.first_session = *ParseDate("2026-03-02");
  r.session_volume_ul = 10'000;
  r.sites = {{"intra_articular", 60},
             {"mcl_femoral_origin", 10},
             {"mcl_tibial_insertion", 10},
             {"lcl_femoral_origin", 10},
             {"lcl_fibular_insertion", 10}};
  return r;
}

void ExpectRejected(const PlanRequest& r, const std::string& field) {
  auto plan = BuildPlan(r, DefaultCatalogue());
  ASSERT_FALSE(plan.ok()) << "expected a problem with " << field;
  EXPECT_EQ(plan.error().code, ErrorCode::kValidationFailed);
  EXPECT_TRUE(NamesField(plan.error(), field)) << "wanted " << field << ", got " << Fields(plan.error());
}

TEST(ProtocolPlanner, DefaultsAreSixSessionsEveryFourteenDays) {
  auto plan = BuildPlan(DemoRequest(), DefaultCatalogue());
  ASSERT_TRUE(plan.ok()) << Fields(plan.error());
  EXPECT_EQ(plan->sessions.size(), 6u);
  EXPECT_EQ(FormatDate(plan->sessions[5].date), "2026-05-11");
}

TEST(ProtocolPlannerBadInput, NamesTheField) {
  auto with = [](auto edit) {
    PlanRequest r = DemoRequest();
    edit(r);
    return r;
  };
  ExpectRejected(with([](PlanRequest& r) { r.sessions = 0; }), "sessions");
  ExpectRejected(with([](PlanRequest& r) { r.sessions = -3; }), "sessions");
  ExpectRejected(with([](PlanRequest& r) { r.sessions = 13; }), "sessions");
  ExpectRejected(with([](PlanRequest& r) { r.product = "snake_oil"; }), "product");
  ExpectRejected(with([](PlanRequest& r) { r.sites[2].site = "patella_tendon"; }), "sites/2/site");
  ExpectRejected(with([](PlanRequest& r) { r.sites[3].site = "intra_articular"; }), "sites/3/site");
  ExpectRejected(with([](PlanRequest& r) { r.sites.clear(); }), "sites");
  ExpectRejected(with([](PlanRequest& r) { r.sites[0].share_percent = 50; }), "sites");  // 90 %
  ExpectRejected(with([](PlanRequest& r) { r.sites[1].share_percent = -10; }), "sites/1/share_percent");
  ExpectRejected(with([](PlanRequest& r) { r.session_volume_ul = -1; }), "session_volume_ul");
  ExpectRejected(with([](PlanRequest& r) { r.session_volume_ul = 0; }), "session_volume_ul");
  ExpectRejected(with([](PlanRequest& r) { r.session_volume_ul = 20'001; }), "session_volume_ul");
  // 60 % of 18 mL is 10.8 mL into the joint, over its 10 mL limit; 10 % is 1.8 mL at each ligament, fine.
  ExpectRejected(with([](PlanRequest& r) { r.session_volume_ul = 18'000; }), "sites/0/share_percent");
  // 40 % of 10 mL is 4 mL at one ligament attachment, over its 2 mL limit.
  ExpectRejected(with([](PlanRequest& r) {
                   r.sites = {{"intra_articular", 60}, {"mcl_femoral_origin", 40}};
                 }),
                 "sites/1/share_percent");
  // 150 mL over 6 sessions is 25 mL per session, over BMC's 20 mL limit.
  ExpectRejected(with([](PlanRequest& r) { r.total_dose = 150'000; }), "total_dose");
  ExpectRejected(with([](PlanRequest& r) { r.total_dose = 0; }), "total_dose");
  // 12 mL of BMC cannot go into a 10 mL session volume.
  ExpectRejected(with([](PlanRequest& r) { r.total_dose = 72'000; }), "session_volume_ul");
  ExpectRejected(with([](PlanRequest& r) { r.first_session.reset(); }), "first_session");
  ExpectRejected(with([](PlanRequest& r) {
                   r.first_session = std::chrono::year{2026} / std::chrono::February / 30;
                 }),
                 "first_session");
  ExpectRejected(with([](PlanRequest& r) { r.first_session = *ParseDate("9999-12-01"); }), "first_session");
  ExpectRejected(with([](PlanRequest& r) { r.interval_days = {14, 14}; }), "interval_days");
  ExpectRejected(with([](PlanRequest& r) { r.interval_days = {0}; }), "interval_days/0");
  ExpectRejected(with([](PlanRequest& r) { r.interval_days = {14, 14, 400, 14, 14}; }), "interval_days/2");
}

TEST(ProtocolPlannerBadInput, JsonNamesTheKey) {
  Json base = ToJson(DemoRequest());
  auto expect_key = [&](auto edit, const std::string& field) {
    Json json = base;
    edit(json);
    auto request = PlanRequestFromJson(json);
    Result<ProtocolPlan> plan = request.ok() ? BuildPlan(*request, DefaultCatalogue()) : Result<ProtocolPlan>(request.error());
    ASSERT_FALSE(plan.ok()) << field;
    EXPECT_TRUE(NamesField(plan.error(), field)) << "wanted " << field << ", got " << Fields(plan.error());
  };
  expect_key([](Json& j) { j["first_session"] = "2026-02-30"; }, "first_session");
  expect_key([](Json& j) { j["sessions"] = "six"; }, "sessions");
  expect_key([](Json& j) { j["sessions"] = 0; }, "sessions");
  expect_key([](Json& j) { j["sessions"] = 2.5; }, "sessions");
  expect_key([](Json& j) { j["session_volume_ul"] = -5; }, "session_volume_ul");
  expect_key([](Json& j) { j["colour"] = "blue"; }, "colour");
  expect_key([](Json& j) { j["sites"][2]["site"] = "nowhere"; }, "sites/2/site");
  expect_key([](Json& j) { j["sites"][1]["share"] = 10; }, "sites/1/share");
  expect_key([](Json& j) { j["sites"][4] = "lcl"; }, "sites/4");
  expect_key([](Json& j) { j["interval_days"] = {14, "x"}; }, "interval_days/1");
  expect_key([](Json& j) { j.erase("product"); }, "product");
}

TEST(ProtocolPlannerReplan, RejectsImpossibleChanges) {
  auto plan = BuildPlan(DemoRequest(), DefaultCatalogue());
  ASSERT_TRUE(plan.ok());
  auto no_session = Replan(*plan, 7, SessionCancelled{});
  ASSERT_FALSE(no_session.ok());
  EXPECT_TRUE(NamesField(no_session.error(), "session"));
  EXPECT_FALSE(Replan(*plan, 0, SessionCancelled{}).ok());
  // Session 3 cannot move onto or before session 2 (2026-03-16); the order of sessions is the plan.
  auto too_early = Replan(*plan, 3, *ParseDate("2026-03-16"));
  ASSERT_FALSE(too_early.ok());
  EXPECT_TRUE(NamesField(too_early.error(), "date"));
  EXPECT_TRUE(Replan(*plan, 3, *ParseDate("2026-03-17")).ok());
  auto cancelled = Replan(*plan, 2, SessionCancelled{});
  ASSERT_TRUE(cancelled.ok());
  auto again = Replan(*cancelled, 2, SessionCancelled{});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(Replan(*cancelled, 2, *ParseDate("2026-03-20")).ok());
  // With session 2 cancelled, session 3 may move up to the day after session 1.
  EXPECT_TRUE(Replan(*cancelled, 3, *ParseDate("2026-03-03")).ok());
  // Moving session 1 to the last month of year 9999 would push the later sessions past it.
  auto past_end = Replan(*plan, 1, *ParseDate("9999-12-01"));
  ASSERT_FALSE(past_end.ok());
  EXPECT_TRUE(NamesField(past_end.error(), "date"));
  EXPECT_FALSE(Replan(*plan, 1, std::chrono::year{2026} / std::chrono::February / 30).ok());
}

TEST(ProtocolPlannerReplan, CancellingEverySessionCancelsTheCourseHarvest) {
  PlanRequest r = DemoRequest();
  r.sessions = 2;
  r.total_dose = 20'000;
  auto plan = BuildPlan(r, DefaultCatalogue());
  ASSERT_TRUE(plan.ok());
  auto one = Replan(*plan, 1, SessionCancelled{});
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->harvests[0].cancelled);
  auto both = Replan(*one, 2, SessionCancelled{});
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->harvests[0].cancelled);
  EXPECT_EQ(both->totals.active_harvests, 0);
  EXPECT_EQ(both->totals.deliverable_dose, 0);
  EXPECT_EQ(both->totals.planned_dose, 20'000);
}

TEST(ProtocolTemplate, RoundTripsWithoutADate) {
  PlanRequest r = DemoRequest();
  r.interval_days = {14, 14, 21, 21, 28};
  ProtocolTemplate t{"Six-session BMC, joint + collaterals", r};
  t.request.first_session.reset();
  Json json = ToJson(t);
  EXPECT_FALSE(json.contains("first_session"));
  auto back = ProtocolTemplateFromJson(json);
  ASSERT_TRUE(back.ok()) << Fields(back.error());
  EXPECT_EQ(back->name, t.name);
  EXPECT_EQ(ToJson(back->request), ToJson(t.request));
  auto plan = BuildPlan(Instantiate(*back, *ParseDate("2026-09-07")), DefaultCatalogue());
  ASSERT_TRUE(plan.ok()) << Fields(plan.error());
  EXPECT_EQ(FormatDate(plan->sessions[5].date), "2026-12-14");  // 7 Sep + 14 + 14 + 21 + 21 + 28 days

  Json dated = json;
  dated["first_session"] = "2026-09-07";
  auto rejected = ProtocolTemplateFromJson(dated);
  ASSERT_FALSE(rejected.ok());
  EXPECT_TRUE(NamesField(rejected.error(), "first_session"));
  Json unnamed = json;
  unnamed.erase("name");
  EXPECT_TRUE(NamesField(ProtocolTemplateFromJson(unnamed).error(), "name"));
  // A template without a date is fine to store but cannot be planned until a date is given.
  EXPECT_TRUE(NamesField(BuildPlan(back->request, DefaultCatalogue()).error(), "first_session"));
}

TEST(Catalogue, DefaultRoundTripsAndHasTheIssueEntries) {
  Catalogue c = DefaultCatalogue();
  for (const char* code : {"bone_marrow_concentrate", "adipose_derived_cells", "umbilical_cord_msc", "exosomes"})
    EXPECT_TRUE(c.FindProduct(code)) << code;
  for (const char* code : {"intra_articular", "mcl_femoral_origin", "mcl_tibial_insertion", "lcl_femoral_origin",
                           "lcl_fibular_insertion"})
    EXPECT_TRUE(c.FindSite(code)) << code;
  EXPECT_EQ(c.FindProduct("bone_marrow_concentrate")->harvest_tissue, HarvestTissue::kIliacCrestMarrow);
  EXPECT_EQ(c.FindProduct("adipose_derived_cells")->harvest_tissue, HarvestTissue::kLipoaspirate);
  EXPECT_FALSE(c.FindProduct("exosomes")->autologous);
  auto again = Catalogue::FromJson(c.ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), c.ToJson());
  EXPECT_EQ(FormatDose(DoseUnit::kMillilitres, 60'000), "60.000 mL");
  EXPECT_EQ(FormatDose(DoseUnit::kMillilitres, 1'005), "1.005 mL");
  EXPECT_EQ(FormatDose(DoseUnit::kCells, 400'000'000), "400,000,000 cells");
}

TEST(Catalogue, BadEntriesNameTheKey) {
  auto expect_key = [](auto edit, const std::string& field) {
    Json json = DefaultCatalogue().ToJson();
    edit(json);
    auto c = Catalogue::FromJson(json);
    ASSERT_FALSE(c.ok()) << field;
    EXPECT_TRUE(NamesField(c.error(), field)) << "wanted " << field << ", got " << Fields(c.error());
  };
  expect_key([](Json& j) { j["products"][1]["colour"] = "red"; }, "products/1/colour");
  expect_key([](Json& j) { j["sites"][0]["max_volume_ul"] = "10000"; }, "sites/0/max_volume_ul");
  expect_key([](Json& j) { j["sites"][0]["max_volume_ul"] = -1; }, "sites/0/max_volume_ul");
  expect_key([](Json& j) { j["sites"].push_back(j["sites"][1]); }, "sites/5/code");
  expect_key([](Json& j) { j["products"][0]["harvest_tissue"] = "none"; }, "products/0/harvest_tissue");
  expect_key([](Json& j) { j["products"][2]["harvest_tissue"] = "lipoaspirate"; }, "products/2/harvest_tissue");
  expect_key([](Json& j) { j["products"][0]["dose_unit"] = "grams"; }, "products/0/dose_unit");
  expect_key([](Json& j) { j["products"][0]["autologous"] = 1; }, "products/0/autologous");
  expect_key([](Json& j) { j["products"][3].erase("max_dose_per_session"); }, "products/3/max_dose_per_session");
  expect_key([](Json& j) { j["sites"][0]["code"] = "Intra Articular"; }, "sites/0/code");
  expect_key([](Json& j) { j["sites"] = Json::array(); }, "sites");
  expect_key([](Json& j) { j["sites"] = Json::object(); }, "sites");
  expect_key([](Json& j) { j["extra"] = true; }, "extra");
  expect_key([](Json& j) { j.erase("max_session_volume_ul"); }, "max_session_volume_ul");
  EXPECT_FALSE(Catalogue::FromJson(Json::array()).ok());
}

}  // namespace
}  // namespace kneeregen
