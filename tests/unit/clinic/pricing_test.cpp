#include "clinic/pricing.hpp"

#include <gtest/gtest.h>

#include "support/golden.hpp"

#include <fstream>
#include <limits>

#include "core/time.hpp"

namespace kneeregen {
namespace {

using testing::Fields;
using testing::LoadGolden;
using testing::NamesField;

ProtocolPlan PlanFrom(const Json& request_json) {
  auto request = PlanRequestFromJson(request_json);
  EXPECT_TRUE(request.ok()) << Fields(request.error());
  auto plan = BuildPlan(*request, DefaultCatalogue());
  EXPECT_TRUE(plan.ok()) << Fields(plan.error());
  return *plan;
}

TEST(QuoteGolden, LinesAndTotalsMatchToTheCent) {
  Json golden = LoadGolden("quotes.json");
  ASSERT_GE(golden["cases"].size(), 4u);
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    ProtocolPlan plan = PlanFrom(c["request"]);
    for (const auto& step : c.value("replans", Json::array())) {
      SessionChange change = SessionCancelled{};
      if (!step.value("cancel", false)) change = *ParseDate(step["date"].get<std::string>());
      auto replanned = Replan(plan, step["session"].get<int>(), change);
      ASSERT_TRUE(replanned.ok()) << Fields(replanned.error());
      plan = std::move(*replanned);
    }
    PriceList prices = DemoPriceList();
    if (c["price_list"] != "demo") {
      auto loaded = PriceList::FromJson(c["price_list"], DefaultCatalogue());
      ASSERT_TRUE(loaded.ok()) << Fields(loaded.error());
      prices = *loaded;
    }
    auto quote = BuildQuote(plan, prices, *ParseDate(c["issued_on"].get<std::string>()), c["validity_days"].get<int>());
    ASSERT_TRUE(quote.ok()) << Fields(quote.error());
    EXPECT_EQ(ToJson(*quote), c["expect"]);
    int64_t sum = 0;
    for (const auto& line : quote->lines) sum += line.amount.cents();
    EXPECT_EQ(sum, quote->total.cents());
  }
}

Json DemoCourse(int sessions, int64_t total_ul) {
  return {{"product", "bone_marrow_concentrate"},
          {"total_dose", total_ul},
          {"sessions", sessions},
          {"first_session", "2026-03-02"},
          {"session_volume_ul", total_ul / sessions},  // BMC is the whole injectate
          {"sites",
           {{{"site", "intra_articular"}, {"share_percent", 60}},
            {{"site", "mcl_femoral_origin"}, {"share_percent", 10}},
            {{"site", "mcl_tibial_insertion"}, {"share_percent", 10}},
            {{"site", "lcl_femoral_origin"}, {"share_percent", 10}},
            {{"site", "lcl_fibular_insertion"}, {"share_percent", 10}}}}};
}

TEST(DemoPriceList, SixSessionCourseIsInsideTheTypicalRangeAndOneSessionBelowIt) {
  PriceList demo = DemoPriceList();
  EXPECT_NE(demo.name.find("synthetic"), std::string::npos);
  auto issued = *ParseDate("2026-02-16");
  auto course = BuildQuote(PlanFrom(DemoCourse(6, 60'000)), demo, issued, 30);
  ASSERT_TRUE(course.ok());
  EXPECT_GE(course->total, Money::FromCents(600'000));
  EXPECT_LE(course->total, Money::FromCents(900'000));
  EXPECT_GE(course->total, demo.typical_low);
  EXPECT_LE(course->total, demo.typical_high);
  // "Depending on how much product is used": 6 mL and 14 mL of BMC per session stay inside the range.
  for (int64_t total_ul : {36'000, 84'000}) {
    auto q = BuildQuote(PlanFrom(DemoCourse(6, total_ul)), demo, issued, 30);
    ASSERT_TRUE(q.ok());
    EXPECT_GE(q->total, demo.typical_low) << total_ul;
    EXPECT_LE(q->total, demo.typical_high) << total_ul;
  }
  auto single = BuildQuote(PlanFrom(DemoCourse(1, 10'000)), demo, issued, 30);
  ASSERT_TRUE(single.ok());
  EXPECT_LT(single->total, demo.typical_low);
  EXPECT_EQ(single->insurance_statement, "This treatment is not covered by insurance; it is self-pay.");
}

TEST(PriceListBadInput, NamesTheKey) {
  auto expect_key = [](auto edit, const std::string& field) {
    Json json = DemoPriceList().ToJson();
    edit(json);
    auto list = PriceList::FromJson(json, DefaultCatalogue());
    ASSERT_FALSE(list.ok()) << field;
    EXPECT_TRUE(NamesField(list.error(), field)) << "wanted " << field << ", got " << Fields(list.error());
  };
  expect_key([](Json& j) { j["products"][1]["product"] = "snake_oil"; }, "products/1/product");
  expect_key([](Json& j) { j["products"][1]["product"] = "bone_marrow_concentrate"; }, "products/1/product");
  expect_key([](Json& j) { j["products"][0]["per"] = 500; }, "products/0/per");
  expect_key([](Json& j) { j["products"][0]["per"] = 0; }, "products/0/per");
  expect_key([](Json& j) { j["products"][0]["unit_price"] = "50.0"; }, "products/0/unit_price");
  expect_key([](Json& j) { j["products"][0]["unit_price"] = 50; }, "products/0/unit_price");
  expect_key([](Json& j) { j["products"][0]["discount"] = "5.00"; }, "products/0/discount");
  expect_key([](Json& j) { j["session_fee"] = "-450.00"; }, "session_fee");
  expect_key([](Json& j) { j["harvest_fee"] = "1,200.00"; }, "harvest_fee");
  expect_key([](Json& j) { j["currency"] = "EUR"; }, "currency");
  expect_key([](Json& j) { j["imaging_charge"] = "per_visit"; }, "imaging_charge");
  expect_key([](Json& j) { j["typical_high"] = "5000.00"; }, "typical_high");
  expect_key([](Json& j) { j.erase("typical_low"); }, "typical_low");
  expect_key([](Json& j) { j["insurance"] = "covered"; }, "insurance");
  auto round_trip = PriceList::FromJson(DemoPriceList().ToJson(), DefaultCatalogue());
  ASSERT_TRUE(round_trip.ok());
  EXPECT_EQ(round_trip->ToJson(), DemoPriceList().ToJson());
}

TEST(QuoteBadInput, NamesTheProblem) {
  ProtocolPlan plan = PlanFrom(DemoCourse(2, 20'000));
  auto issued = *ParseDate("2026-02-16");
  PriceList without_bmc = DemoPriceList();
  without_bmc.products.erase(without_bmc.products.begin());
  auto unpriced = BuildQuote(plan, without_bmc, issued, 30);
  ASSERT_FALSE(unpriced.ok());
  EXPECT_TRUE(NamesField(unpriced.error(), "product"));
  for (int days : {0, -1, 366}) {
    auto q = BuildQuote(plan, DemoPriceList(), issued, days);
    ASSERT_FALSE(q.ok());
    EXPECT_TRUE(NamesField(q.error(), "validity_days"));
  }
  auto none_left = Replan(*Replan(plan, 1, SessionCancelled{}), 2, SessionCancelled{});
  ASSERT_TRUE(none_left.ok());
  auto empty = BuildQuote(*none_left, DemoPriceList(), issued, 30);
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(NamesField(empty.error(), "sessions"));
  PriceList absurd = DemoPriceList();
  absurd.harvest_fee = Money::FromCents(std::numeric_limits<int64_t>::max() / 2 + 1);
  absurd.session_fee = absurd.harvest_fee;
  EXPECT_FALSE(BuildQuote(plan, absurd, issued, 30).ok());  // the total would overflow int64 cents
}

}  // namespace
}  // namespace kneeregen
