// The demo clinic's PROMs look like the model in demo_proms.cpp claims (rates and effects are illustrative,
// not fitted to data): completion falling with time, worse baselines and smaller gains for worse knees,
// a small protocol effect, instruments that agree with each other, nothing answered after a death or an
// operation on the knee.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "unit/registry/demo_fixture.hpp"

namespace kneeregen {
namespace {

using testing_demo::MemoryStore;
using testing_demo::PromSnapshot;
using testing_demo::Seed;

double Mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) sum += x;
  return xs.empty() ? NAN : sum / static_cast<double>(xs.size());
}

double Sd(const std::vector<double>& xs) {
  double m = Mean(xs), sum = 0;
  for (double x : xs) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(xs.size() - 1));
}

double Correlation(const std::vector<std::pair<double, double>>& xy) {
  double mx = 0, my = 0;
  for (auto [x, y] : xy) mx += x, my += y;
  mx /= static_cast<double>(xy.size());
  my /= static_cast<double>(xy.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (auto [x, y] : xy) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx), syy += (y - my) * (y - my);
  return sxy / std::sqrt(sxx * syy);
}

// 2,000 patients: enough for shares and means by KL grade and timepoint.
class DemoPromModel : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = MemoryStore().release();
    summary_ = Seed(*store_, 2000, 1);
    data_ = new Data;
    data_->records = PromSnapshot(*store_, summary_.clinic_id);
    Status status = store_->Read([&](ReadTransaction& tx) -> Status {
      for (const char* kind : {"treatment-courses", "assessments", "outcome-events", "protocol-templates"})
        data_->records[kind] = AllRecords(tx, KnownSchema(kind), summary_.clinic_id, {});
      return Ok{};
    });
    ASSERT_TRUE(status.ok());
    std::map<int64_t, Json> followups;
    for (const auto& f : Records("followups")) followups[f["id"].get<int64_t>()] = f;
    for (const auto& s : Records("prom-scores")) {
      const Json& f = followups.at(s["followup_id"].get<int64_t>());
      data_->scores[{f["course_id"].get<int64_t>(), f["timepoint"].get<std::string>()}]
                   [s["instrument"].get<std::string>() + "." + s["scale"].get<std::string>()] = s["score"];
    }
  }
  static void TearDownTestSuite() {
    delete data_;
    delete store_;
  }

  static const std::vector<Json>& Records(const std::string& kind) { return data_->records.at(kind); }
  // The score of `scale` ("koos.pain") of a course at a timepoint; null when unanswered or empty.
  static Json ScoreOf(int64_t course, const std::string& timepoint, const std::string& scale) {
    auto it = data_->scores.find({course, timepoint});
    if (it == data_->scores.end() || !it->second.count(scale)) return nullptr;
    return it->second.at(scale);
  }
  // KOOS Pain change from baseline at `timepoint` for each course where both are scored.
  static std::map<int64_t, double> PainChange(const std::string& timepoint) {
    std::map<int64_t, double> out;
    for (const auto& c : Records("treatment-courses")) {
      Json before = ScoreOf(c["id"], "baseline", "koos.pain"),
           after = ScoreOf(c["id"], timepoint, "koos.pain");
      if (before.is_number() && after.is_number())
        out[c["id"].get<int64_t>()] = after.get<double>() - before.get<double>();
    }
    return out;
  }
  // The KL grade of each course's knee at baseline.
  static std::map<int64_t, int> CourseGrades() {
    std::map<int64_t, int> by_knee, out;
    for (const auto& a : Records("assessments"))
      if (a["kind"] == "baseline") by_knee[a["knee_id"].get<int64_t>()] = a["kl_grade"];
    for (const auto& c : Records("treatment-courses"))
      out[c["id"].get<int64_t>()] = by_knee.at(c["knee_id"].get<int64_t>());
    return out;
  }

  struct Data {
    std::map<std::string, std::vector<Json>> records;
    std::map<std::pair<int64_t, std::string>, std::map<std::string, Json>> scores;
  };
  static Store* store_;
  static DemoSummary summary_;
  static Data* data_;
};

Store* DemoPromModel::store_ = nullptr;
DemoSummary DemoPromModel::summary_;
DemoPromModel::Data* DemoPromModel::data_ = nullptr;

// Of the follow-ups whose window has closed and that were not withdrawn (death, an operation on the knee,
// the patient's own withdrawal), the share answered: issue 4 cites 51 % at two years.
TEST_F(DemoPromModel, CompletionFallsWithTime) {
  std::map<std::string, std::pair<int, int>> counts;  // timepoint -> (answered, due)
  int withdrawn = 0;
  for (const auto& f : Records("followups")) {
    withdrawn += f["status"] == "withdrawn";
    if (f["window_closes"].get<std::string>() >= "2026-11-01" || f["status"] == "withdrawn" ||
        f["status"] == "cancelled")
      continue;
    auto& [answered, due] = counts[f["timepoint"]];
    answered += f["status"] == "completed";
    ++due;
  }
  const std::map<std::string, double> expected = {{"baseline", 0.97}, {"6w", 0.85},  {"3m", 0.80},
                                                  {"6m", 0.72},       {"12m", 0.62}, {"24m", 0.51}};
  for (const auto& [timepoint, share] : expected) {
    auto [answered, due] = counts[timepoint];
    ASSERT_GT(due, 500) << timepoint;
    EXPECT_NEAR(answered / static_cast<double>(due), share, 0.04) << timepoint;
  }
  EXPECT_GT(withdrawn, 100);
}

TEST_F(DemoPromModel, BaselinePainIsWorseWithAHigherGrade) {
  auto grades = CourseGrades();
  std::map<int, std::vector<double>> pain;
  for (const auto& [course, kl] : grades)
    if (Json p = ScoreOf(course, "baseline", "koos.pain"); p.is_number())
      pain[kl <= 2 ? 2 : kl].push_back(p.get<double>());
  EXPECT_NEAR(Mean(pain[2]), 55, 3);
  EXPECT_NEAR(Mean(pain[3]), 45, 3);
  EXPECT_NEAR(Mean(pain[4]), 38, 3);
  for (int kl : {2, 3, 4}) {
    EXPECT_GT(Sd(pain[kl]), 11) << kl;
    EXPECT_LT(Sd(pain[kl]), 19) << kl;
  }
}

// DOMAIN.md §4 and §9: a modest average gain, larger for milder knees, with many non-responders.
TEST_F(DemoPromModel, TwelveMonthPainGainIsLargerForMilderKnees) {
  auto grades = CourseGrades();
  std::map<int, std::vector<double>> change;
  for (const auto& [course, delta] : PainChange("12m"))
    change[std::max(2, grades.at(course))].push_back(delta);
  ASSERT_GT(change[4].size(), 150u);
  const double mild = Mean(change[2]), severe = Mean(change[4]);
  EXPECT_GT(mild, severe + 4);
  EXPECT_NEAR(mild, 15, 3);
  EXPECT_NEAR(severe, 7, 3);
  EXPECT_LT(Mean(change[3]), mild);
  EXPECT_GT(Mean(change[3]), severe);
  int worse = 0, below_mic = 0, all = 0;
  for (const auto& [kl, deltas] : change)
    for (double d : deltas) worse += d < 0, below_mic += d < 11.3, ++all;  // DOMAIN.md §4: KOOS Pain MIC 11.3
  EXPECT_GT(worse / static_cast<double>(all), 0.08);
  EXPECT_GT(below_mic / static_cast<double>(all), 0.3);
  EXPECT_LT(below_mic / static_cast<double>(all), 0.7);
  // The gain fades by 24 months.
  EXPECT_LT(Mean([] {
              std::vector<double> v;
              for (const auto& [c, d] : PainChange("24m")) v.push_back(d);
              return v;
            }()),
            mild - 3);
}

TEST_F(DemoPromModel, SixSessionsGainALittleMoreThanOne) {
  std::map<int64_t, std::string> names;
  for (const auto& t : Records("protocol-templates"))
    names[t["id"].get<int64_t>()] = t["name"].get<std::string>();
  std::map<int64_t, std::string> protocol;
  for (const auto& c : Records("treatment-courses"))
    protocol[c["id"].get<int64_t>()] = names.at(c["template_id"].get<int64_t>());
  std::vector<double> single, six;
  for (const auto& [course, delta] : PainChange("12m")) {
    const std::string& name = protocol.at(course);
    if (name.rfind("Single", 0) == 0) single.push_back(delta);
    if (name.rfind("6 x", 0) == 0) six.push_back(delta);
  }
  ASSERT_GT(single.size(), 100u);
  EXPECT_GT(Mean(six), Mean(single));
  EXPECT_LT(Mean(six) - Mean(single), 8);  // small, as the evidence allows (DOMAIN.md §9)
}

TEST_F(DemoPromModel, InstrumentsHangTogether) {
  std::vector<std::pair<double, double>> nrs, adl;
  std::map<int, std::vector<double>> change_by_pgic;
  int sport_empty = 0, sport_all = 0;
  for (const auto& c : Records("treatment-courses")) {
    for (const char* tp : {"baseline", "6w", "3m", "6m", "12m", "24m"}) {
      Json pain = ScoreOf(c["id"], tp, "koos.pain");
      if (!pain.is_number()) continue;
      nrs.emplace_back(pain.get<double>(), ScoreOf(c["id"], tp, "pain_nrs.pain").get<double>());
      if (Json a = ScoreOf(c["id"], tp, "koos.adl"); a.is_number())
        adl.emplace_back(pain.get<double>(), a.get<double>());
      ++sport_all;
      sport_empty += ScoreOf(c["id"], tp, "koos.sport_rec").is_null();
      EXPECT_EQ(ScoreOf(c["id"], tp, "pgic.pgic").is_null(), std::string(tp) == "baseline");
      EXPECT_EQ(ScoreOf(c["id"], tp, "tegner.pre_injury").is_null(), std::string(tp) != "baseline");
      Json base = ScoreOf(c["id"], "baseline", "koos.pain");
      if (std::string(tp) != "baseline" && base.is_number())
        change_by_pgic[ScoreOf(c["id"], tp, "pgic.pgic").get<int>()].push_back(pain.get<double>() -
                                                                               base.get<double>());
    }
  }
  EXPECT_LT(Correlation(nrs), -0.6);
  EXPECT_GT(Correlation(adl), 0.5);
  EXPECT_GT(sport_empty / static_cast<double>(sport_all), 0.02);
  EXPECT_LT(sport_empty / static_cast<double>(sport_all), 0.08);
  EXPECT_GT(Mean(change_by_pgic[1]), Mean(change_by_pgic[2]));
  EXPECT_GT(Mean(change_by_pgic[2]), Mean(change_by_pgic[4]));
  EXPECT_GT(Mean(change_by_pgic[4]), Mean(change_by_pgic[6]));
  int staff = 0;
  for (const auto& r : Records("prom-responses")) staff += r["entered_by"] == "staff";
  EXPECT_NEAR(staff / static_cast<double>(Records("prom-responses").size()), 0.15, 0.03);
}

// Outcome events are records: no answer is dated on or after a death or an operation on the treated knee.
TEST_F(DemoPromModel, NothingIsAnsweredAfterDeathOrAnOperationOnTheKnee) {
  std::map<int64_t, std::string> death, knee_event;  // patient or knee id -> date
  for (const auto& e : Records("outcome-events"))
    (e["knee_id"].is_null() ? death[e["patient_id"].get<int64_t>()]
                            : knee_event[e["knee_id"].get<int64_t>()]) = e["event_date"].get<std::string>();
  std::map<int64_t, Json> courses;
  for (const auto& c : Records("treatment-courses")) courses[c["id"].get<int64_t>()] = c;
  int after_an_event = 0;
  for (const auto& f : Records("followups")) {
    const Json& c = courses.at(f["course_id"].get<int64_t>());
    for (auto [events, key] : {std::pair{&death, c["patient_id"]}, std::pair{&knee_event, c["knee_id"]}}) {
      auto it = events->find(key.get<int64_t>());
      if (it == events->end()) continue;
      if (f["status"] == "completed")
        EXPECT_LT(f["completed_at"].get<std::string>(), it->second);
      else
        after_an_event += f["window_opens"].get<std::string>() > it->second;
    }
  }
  EXPECT_GT(after_an_event, 50);
}

}  // namespace
}  // namespace kneeregen
