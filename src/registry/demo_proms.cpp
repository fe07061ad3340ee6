// PROM trajectories of the synthetic treated knees: who answers which follow-up, when, and what.
//
// The model (illustrative, not fitted to data; DOMAIN.md §4 and §9 give the scale of the numbers): KOOS
// Pain at baseline is worse with a higher Kellgren–Lawrence grade. The gain at 6–12 months is larger for
// KL1–2 than for KL4, a little larger after six sessions than after one and with the ligament sites, and
// fades by 24 months; it varies so much between patients (SD 11, plus noise at every answer) that many gain
// less than a KOOS Pain MIC (11.3–16.7 points in §4) and some get worse. Effects are kept small on purpose:
// the strongest trial found no cell product better than a steroid injection at 12 months (§9, Mautner 2023).
// The other KOOS subscales follow Pain with their own offset and noise; every item is drawn from its
// subscale's level with noise and clamped to 0–4, a few are left blank, and now and then a whole section
// (most often Sport/Rec) is skipped, so a subscale can be empty under the 2012 rule. Scores are never made
// here: the writer scores the items with the scoring engine.
//
// Who answers: about 97 % at baseline, then fewer at every timepoint, and patients who answer once tend to
// answer again (a patient-level propensity, a little higher for those who gain more, so completers look
// somewhat better than the whole cohort: analyses of completers alone are biased, as they would be in
// practice; the size of the bias here is invented). With the cohort's loss to follow-up (about
// 10 % a year) about 85 % answer at 6 weeks, 80 % at 3 months, 72 % at 6, 62 % at 12 and 51 % at 24
// months of the follow-ups due and not withdrawn (issue 4 cites 51 % compliance at two years). Nothing is
// answered after the patient is lost, dies, or has the treated knee replaced or osteotomised; 2 % a year
// withdraw from follow-up, and the clinic withdraws the remaining follow-ups within two months of a death
// or an operation on the knee.
#include "registry/demo_proms.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "clinic/prom_settings.hpp"
#include "registry/demo_random.hpp"
#include "scoring/instrument_catalogue.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr double kDaysPerMonth = 365.2425 / 12;

// KOOS Pain (0 = extreme problems, 100 = none) at baseline by KL grade 0..4, between patients.
constexpr double kBaselinePainByKl[] = {60, 55, 55, 45, 38};
constexpr double kBaselinePainSd = 13;  // with the noise below, observed baselines spread by about 15
// Mean gain in KOOS Pain at its peak (6–12 months) by KL grade, for a single injection at the joint.
constexpr double kPeakGainByKl[] = {12.5, 12.5, 12.5, 9, 3.5};
constexpr double kGainSd = 11;
constexpr double kSixSessionExtra = 3;  // scaled by the sessions performed: 0 for one, 3 for six
constexpr double kLigamentExtra = 1;    // injections at the collateral ligament attachments too
constexpr double kPainNoiseSd = 5;      // from one answer to the next

struct Point {
  double months;  // after the first injection
  double value;
};
// Share of the peak gain over time: none at baseline, most by 3 months, gone in part by 24 months.
constexpr Point kGainProfile[] = {{0, 0},  {1.4, 0.55}, {3, 0.85}, {6, 1},
                                  {12, 1}, {24, 0.55},  {36, 0.4}, {60, 0.3}};

// The other subscales: offset from Pain (knee OA cohorts score ADL above Pain, Sport/Rec and QOL well
// below), a patient's own deviation, and noise per answer.
struct Subscale {
  const char* id;
  double offset, patient_sd, noise_sd;
  double skipped;  // the whole section left blank
};
constexpr Subscale kSubscales[] = {{"pain", 0, 0, 0, 0.005},
                                   {"symptoms", 4, 8, 5, 0.005},
                                   {"adl", 8, 8, 4, 0.005},
                                   {"sport_rec", -25, 10, 7, 0.04},
                                   {"qol", -18, 8, 6, 0.005}};
constexpr double kItemSd = 0.55;  // on the 0–4 item scale
constexpr double kItemBlank = 0.01;
// Items harder or easier than their subscale's mean (pain on stairs more than pain sitting).
struct ItemOffset {
  const char* item;
  double offset;
};
constexpr ItemOffset kItemOffsets[] = {{"P1", 0.4},   {"P2", 0.3},   {"P3", -0.2}, {"P4", 0.1},
                                       {"P5", -0.4},  {"P6", 0.4},   {"P7", -0.2}, {"P8", -0.5},
                                       {"P9", 0.1},   {"SP1", -0.6}, {"SP2", 0.3}, {"SP3", 0.3},
                                       {"SP4", -0.3}, {"SP5", 0.3},  {"A16", 0.6}, {"A17", -0.6}};
constexpr double kNrsNoiseSd = 1.1;
constexpr double kPgicNoiseSd = 7;
// PGIC 1 (very much improved) .. 7 (very much worse) from the felt change in KOOS Pain points.
constexpr double kPgicCutoffs[] = {25, 14, 5, -5, -14, -25};
constexpr double kStaffEntered = 0.15;
constexpr int kAnswerMinutesUtc[] = {15 * 60, 23 * 60 + 59};  // daytime in Los Angeles

// Share answering among patients still followed, at the timepoint nearest in months; with the loss to
// follow-up these give the shares in the header.
constexpr Point kAnswerRate[] = {{0, 0.97},   {1.4, 0.845}, {3, 0.80}, {6, 0.73},
                                 {12, 0.655}, {24, 0.605},  {36, 0.6}, {60, 0.6}};
constexpr double kPropensitySd = 0.8;        // on the probit scale
constexpr double kPropensityFromGain = 0.3;  // of it, following the patient's own gain
constexpr double kWithdrawalPerYear = 0.02;
constexpr int kClinicWithdrawsWithinDays = 60;  // after a death or an operation on the knee

// Piecewise linear between the points, flat beyond the first and the last.
double Interpolate(std::span<const Point> points, double months) {
  if (months <= points.front().months) return points.front().value;
  for (size_t i = 1; i < points.size(); ++i)
    if (months <= points[i].months) {
      const Point &a = points[i - 1], &b = points[i];
      return a.value + (b.value - a.value) * (months - a.months) / (b.months - a.months);
    }
  return points.back().value;
}

// The probit threshold under which a patient answers, so that with a normal propensity of SD
// kPropensitySd the share answering is the table's: P(u + e < z) = Φ(z / sqrt(1 + sd²)).
double AnswerThreshold(double months) {
  static const std::vector<double> thresholds = [] {
    std::vector<double> out;
    for (const Point& p : kAnswerRate) {
      double lo = -8, hi = 8;  // Φ⁻¹ by bisection: computed once per table row
      for (int i = 0; i < 80; ++i) {
        double mid = (lo + hi) / 2;
        (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p.value ? lo : hi) = mid;
      }
      out.push_back((lo + hi) / 2 * std::sqrt(1 + kPropensitySd * kPropensitySd));
    }
    return out;
  }();
  size_t nearest = 0;
  for (size_t i = 1; i < std::size(kAnswerRate); ++i)
    if (std::abs(kAnswerRate[i].months - months) < std::abs(kAnswerRate[nearest].months - months))
      nearest = i;
  return thresholds[nearest];
}

// KOOS items in the definition's order: which of kSubscales each belongs to, and its offset.
struct KoosLayout {
  std::array<size_t, kDemoKoosItems> subscale{};
  std::array<double, kDemoKoosItems> offset{};
};
const KoosLayout& Layout() {
  static const KoosLayout layout = [] {
    const scoring::InstrumentDefinition& koos = *scoring::FindBuiltInInstrument("koos");
    KoosLayout out;
    for (size_t s = 0; s < std::size(kSubscales); ++s)
      for (size_t item : koos.scales[*koos.ScaleIndex(kSubscales[s].id)].items) out.subscale[item] = s;
    for (const auto& o : kItemOffsets) out.offset[*koos.ItemIndex(o.item)] = o.offset;
    return out;
  }();
  return layout;
}

// What stays with the patient from one answer to the next.
struct Respondent {
  double baseline_pain = 0;  // without the noise of any one answer
  double gain = 0;           // at its peak
  double propensity = 0;     // to leave a survey unanswered: lower answers more
  double deviation[std::size(kSubscales)] = {};
  int tegner = 0, tegner_pre_injury = 0;
};

Respondent DrawRespondent(DemoRandom& random, const DemoPatient& patient, const DemoTreatment& course) {
  Respondent r;
  int kl = 0;
  for (const auto& [knee, a] : patient.assessments)
    if (knee == patient.index_knee && a.baseline) {
      kl = *a.kl_grade;  // the treated knee is always graded at baseline
      r.tegner = a.tegner_level;
    }
  const double performed = static_cast<double>(course.sessions.size());
  const double mean_gain = kPeakGainByKl[kl] + kSixSessionExtra * (performed - 1) / 5 +
                           (course.protocol == DemoProtocol::kBmcJointAndLigaments ? kLigamentExtra : 0);
  r.baseline_pain = std::clamp(random.Normal(kBaselinePainByKl[kl], kBaselinePainSd), 5.0, 98.0);
  r.gain = random.Normal(mean_gain, kGainSd);
  const double own = std::sqrt(kPropensitySd * kPropensitySd - kPropensityFromGain * kPropensityFromGain);
  r.propensity = random.Normal(0, own) - kPropensityFromGain * (r.gain - mean_gain) / kGainSd;
  for (size_t s = 0; s < std::size(kSubscales); ++s)
    r.deviation[s] = random.Normal(0, kSubscales[s].patient_sd);
  r.tegner_pre_injury = std::min(10, r.tegner + 1 + random.Weighted({0.3, 0.35, 0.25, 0.1}));
  return r;
}

// The day follow-up ends by a withdrawal (the patient's, or the clinic's after a death or an operation on
// the knee); the reference date when none comes before it.
Days DrawWithdrawal(DemoRandom& random, const DemoPatient& patient, const DemoTreatment& course) {
  Days withdrawal =
      course.first_session +
      days{static_cast<int64_t>(random.Exponential(-std::log(1 - kWithdrawalPerYear) / 365.2425))};
  for (const auto& e : patient.events)
    if (!e.knee || *e.knee == patient.index_knee)
      withdrawal = std::min(withdrawal, e.date + days{random.Between(0, kClinicWithdrawsWithinDays)});
  return std::min(withdrawal, kDemoReferenceDate);
}

int Clamp(double x, int lo, int hi) {
  return static_cast<int>(std::clamp(std::lround(x), long{lo}, long{hi}));
}

void Answer(DemoRandom& random, const Respondent& r, bool baseline, double months, DemoPromAnswers& out) {
  const double pain = std::clamp(
      r.baseline_pain + r.gain * Interpolate(kGainProfile, months) + random.Normal(0, kPainNoiseSd), 0.0,
      100.0);
  double level[std::size(kSubscales)];
  bool skipped[std::size(kSubscales)];
  for (size_t s = 0; s < std::size(kSubscales); ++s) {
    const Subscale& sub = kSubscales[s];
    level[s] = std::clamp(pain + sub.offset + r.deviation[s] + random.Normal(0, sub.noise_sd), 0.0, 100.0);
    skipped[s] = random.Chance(sub.skipped);
  }
  const KoosLayout& layout = Layout();
  for (size_t i = 0; i < kDemoKoosItems; ++i) {
    const size_t s = layout.subscale[i];
    if (skipped[s] || random.Chance(kItemBlank)) {
      out.koos[i] = kDemoUnanswered;
      continue;
    }
    out.koos[i] = Clamp((100 - level[s]) / 25 + layout.offset[i] + random.Normal(0, kItemSd), 0, 4);
  }
  out.pain_nrs = Clamp((100 - pain) / 10 + random.Normal(0, kNrsNoiseSd), 0, 10);
  const double change = pain - r.baseline_pain;
  out.tegner_current = baseline ? r.tegner : Clamp(r.tegner + change / 20 + random.Normal(0, 0.6), 0, 10);
  out.tegner_pre_injury = baseline ? r.tegner_pre_injury : kDemoUnanswered;
  out.pgic = kDemoUnanswered;
  if (!baseline) {
    const double felt = change + random.Normal(0, kPgicNoiseSd);
    out.pgic = 1;
    for (double cutoff : kPgicCutoffs) out.pgic += felt < cutoff;
  }
  out.by_staff = random.Chance(kStaffEntered);
  out.submitted_minute = static_cast<int>(random.Between(kAnswerMinutesUtc[0], kAnswerMinutesUtc[1]));
}

// The day the patient answers, when before `stop`: the baseline between the baseline visit and the first
// injection, a follow-up inside its window, most in its first days (after the invitation).
std::optional<Days> AnswerDay(DemoRandom& random, const DemoPatient& patient, const PlannedFollowUp& f,
                              Days stop) {
  Days opens = sys_days{f.window_opens};
  if (f.timepoint == "baseline") opens = std::max(opens, patient.baseline_date);
  const int64_t length = (sys_days{f.window_closes} - opens).count() + 1;
  const Days day =
      opens +
      days{static_cast<int64_t>(static_cast<double>(length) * std::min(random.Uniform(), random.Uniform()))};
  if (day >= stop) return std::nullopt;
  return day;
}

}  // namespace

std::vector<std::chrono::year_month_day> DemoInjectionDates(const DemoTreatment& course) {
  std::vector<std::chrono::year_month_day> dates;
  for (const PlannedSession& s : course.final_plan.sessions) {
    if (s.status != SessionStatus::kPlanned) continue;
    auto performed = std::find_if(course.sessions.begin(), course.sessions.end(),
                                  [&](const DemoSession& d) { return d.number == s.number; });
    dates.push_back(performed != course.sessions.end() ? std::chrono::year_month_day{performed->date}
                                                       : s.date);
  }
  return dates;
}

void GenerateDemoProms(uint64_t seed, const DemoPatient& patient, const DemoTreatment& course,
                       DemoProms& out) {
  out.followups.clear();
  if (!course.treated) return;
  static const FollowUpSettings schedule = PromSettings::Default().schedule;
  const std::vector<PlannedFollowUp> plan = PlanFollowUps(DemoInjectionDates(course), schedule);
  if (course.stop == DemoStop::kCancelledBeforeStart) {
    for (const auto& p : plan) out.followups.push_back({p, "cancelled", std::nullopt});
    return;
  }
  DemoRandom random(
      DemoStreamSeed(DemoStreamSeed(seed, kDemoPromStreams), static_cast<uint64_t>(patient.number)));
  const Respondent respondent = DrawRespondent(random, patient, course);
  const Days withdrawal = DrawWithdrawal(random, patient, course);
  const Days stop = std::min(withdrawal, DemoTreatmentEnd(patient));  // both at most the reference date
  for (const auto& p : plan) {
    DemoFollowUp& f = out.followups.emplace_back(DemoFollowUp{p, "scheduled", std::nullopt});
    const bool baseline = p.timepoint == "baseline";
    const double months =
        baseline ? 0
                 : static_cast<double>((sys_days{p.due} - sys_days{p.anchor_date}).count()) / kDaysPerMonth;
    const bool willing = respondent.propensity + random.Normal(0, 1) < AnswerThreshold(months);
    const std::optional<Days> day = willing ? AnswerDay(random, patient, p, stop) : std::nullopt;
    if (!day) {
      if (withdrawal < kDemoReferenceDate) f.status = "withdrawn";
      continue;
    }
    f.status = "completed";
    f.answers.emplace();
    f.answers->submitted_on = *day;
    Answer(random, respondent, baseline, months, *f.answers);
  }
}

}  // namespace kneeregen
