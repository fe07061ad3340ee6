// The clinical course of one synthetic patient: radiographic grades, baseline findings, follow-up visits,
// grade progression, knee replacements, osteotomies, death and loss to follow-up. Scales follow DOMAIN.md
// §3 (Tegner), §5 (Kellgren–Lawrence, ICRS) and §8 (follow-up at 6, 12 and 24 months).
#include <algorithm>
#include <array>
#include <cmath>

#include "registry/demo_cohort.hpp"
#include "registry/demo_random.hpp"

namespace kneeregen {

namespace {

constexpr double kDaysPerYear = 365.2425;
constexpr double kDaysPerMonth = kDaysPerYear / 12;

// Annual probabilities by Kellgren–Lawrence grade 0..4.
constexpr double kReplacementPerYear[] = {0.002, 0.005, 0.01, 0.03, 0.07};
constexpr double kProgressionPerYear[] = {0.04, 0.08, 0.08, 0.06, 0.0};
constexpr double kUntreatedKneeHazardRatio = 0.7;  // the knee that brought the patient in does worse
constexpr double kOsteotomyPerYear = 0.004;        // KL2-3 knees of patients under 65
constexpr double kUnicompartmentalShare = 0.15;
constexpr double kLossPerYear = 0.10;
constexpr double kRecordsConfirmedShare = 0.70;
// Gompertz mortality exp(a + b * age) per year: about 0.8 % at 60, 2 % at 70, 5.5 % at 80.
constexpr double kGompertzA = -10.5;
constexpr double kGompertzB = 0.095;

constexpr int kVisitMonths[] = {6, 12, 24};
constexpr double kRadiographAtVisit = 0.7;  // at 12 and 24 months; none at 6

// ICRS grades by depth; 3D (blisters) is a rare variant of a grade-3 lesion rather than a deeper step.
constexpr const char* kIcrsGrades[] = {"1A", "1B", "2", "3A", "3B", "3C", "4"};
constexpr double kIcrsMeanByKl[] = {0.7, 1.3, 2.6, 3.8, 5.2};  // index into kIcrsGrades
constexpr double kBlisterShare = 0.05;
constexpr const char* kSites[] = {
    "medial_femoral_condyle", "patella", "trochlea", "lateral_femoral_condyle", "medial_tibial_plateau",
    "lateral_tibial_plateau"};
constexpr const char* kSurgeries[] = {"arthroscopic partial medial meniscectomy",
                                      "arthroscopic partial lateral meniscectomy",
                                      "arthroscopic debridement",
                                      "ACL reconstruction",
                                      "meniscal repair",
                                      "microfracture",
                                      "lateral retinacular release",
                                      "tibial plateau fracture fixation"};

double RatePerDay(double annual_probability) { return -std::log(1.0 - annual_probability) / kDaysPerYear; }

// Whole days after baseline for a continuous time: at least one, so nothing falls on the baseline day.
int64_t DayOffset(double days) { return static_cast<int64_t>(days) + 1; }

double Round1(double x) { return std::round(x * 10) / 10; }

// Clinic visits and radiographs fall on weekdays: Saturday moves to Friday, Sunday to Monday unless
// Monday would reach `before` (exclusive).
Days ClinicDay(Days date, Days before) {
  std::chrono::weekday day{date};
  if (day == std::chrono::Saturday) return date - std::chrono::days{1};
  if (day != std::chrono::Sunday) return date;
  return date + std::chrono::days{1} < before ? date + std::chrono::days{1} : date - std::chrono::days{2};
}

struct KneeCourse {
  bool followed = false;  // graded at baseline, so seen again at follow-up visits
  int baseline_kl = 0;
  std::array<std::pair<int64_t, int>, 4> progressions{};  // (days after baseline, new grade)
  int progression_count = 0;
  std::optional<Days> end_date;  // replacement or osteotomy: the knee leaves follow-up
  std::string_view end_type;

  int GradeAt(int64_t days_after_baseline) const {
    int kl = baseline_kl;
    for (int i = 0; i < progression_count; ++i)
      if (progressions[i].first <= days_after_baseline) kl = progressions[i].second;
    return kl;
  }
};

// Competing grade progression, replacement and osteotomy, each a constant hazard while the grade holds.
void SimulateKnee(DemoRandom& random, bool treated, double age, Days baseline, Days horizon,
                  KneeCourse& knee) {
  int64_t horizon_days = (horizon - baseline).count();
  int kl = knee.baseline_kl;
  double t = 0;
  while (true) {
    double replace = RatePerDay(kReplacementPerYear[kl]) * (treated ? 1.0 : kUntreatedKneeHazardRatio);
    double osteotomy = (kl == 2 || kl == 3) && age < 65 ? RatePerDay(kOsteotomyPerYear) : 0.0;
    double progress = RatePerDay(kProgressionPerYear[kl]);
    double total = replace + osteotomy + progress;
    t += random.Exponential(total);
    int64_t day = DayOffset(t);
    if (day >= horizon_days) return;
    double which = random.Uniform() * total;
    if (which < progress) {
      knee.progressions[static_cast<size_t>(knee.progression_count++)] = {day, ++kl};
      continue;
    }
    knee.end_date = baseline + std::chrono::days{day};
    knee.end_type = which < progress + osteotomy            ? "osteotomy"
                    : random.Chance(kUnicompartmentalShare) ? "unicompartmental_knee_replacement"
                                                            : "total_knee_replacement";
    return;
  }
}

int BaselineTegner(DemoRandom& random, double age, int kl) {
  int level = 1 + random.Weighted({0.22, 0.28, 0.22, 0.14, 0.09, 0.05});
  if (age < 45 && random.Chance(0.5)) level = std::min(level + 1, 6);
  if (kl == 4 && random.Chance(0.4)) level = std::max(level - 1, 1);
  return level;
}

void AddLesions(DemoRandom& random, int kl, std::vector<DemoLesion>& lesions) {
  int count = 1 + random.Weighted({0.5, 0.33, 0.17});
  bool used[std::size(kSites)] = {};
  for (int i = 0; i < count; ++i) {
    size_t site = static_cast<size_t>(random.Weighted({0.34, 0.2, 0.12, 0.13, 0.13, 0.08}));
    while (used[site]) site = (site + 1) % std::size(kSites);
    used[site] = true;
    double depth = std::clamp(std::round(random.Normal(kIcrsMeanByKl[kl], 1.1)), 0.0, 6.0);
    std::string_view grade = kIcrsGrades[static_cast<size_t>(depth)];
    if (grade[0] == '3' && random.Chance(kBlisterShare)) grade = "3D";
    double area = std::exp(random.Normal(std::log(0.8 + 0.4 * depth), 0.5));
    lesions.push_back({kSites[site], grade, Round1(std::clamp(area, 0.5, 6.0))});
  }
}

}  // namespace

void GenerateDemoPatient(uint64_t seed, int64_t number, int mrn_digits,
                         const std::vector<DemoPractitioner>& practitioners, DemoPatient& out) {
  DemoRandom random(DemoStreamSeed(seed, static_cast<uint64_t>(number)));
  double age = GenerateDemoIdentity(random, number, mrn_digits, out);
  const Days baseline = out.baseline_date;
  std::vector<int> readers;
  for (size_t i = 0; i < practitioners.size(); ++i)
    if (practitioners[i].reads_radiographs) readers.push_back(static_cast<int>(i));
  auto pick_reader = [&] { return readers[static_cast<size_t>(random.Between(0, readers.size() - 1))]; };

  // Observation ends at the reference date or at loss to follow-up; death ends it too.
  Days observed_end =
      std::min(kDemoReferenceDate,
               baseline + std::chrono::days{DayOffset(random.Exponential(RatePerDay(kLossPerYear)))});
  double mortality = std::exp(kGompertzA + kGompertzB * age);
  double years_to_death = std::log1p(random.Exponential(1.0) * kGompertzB / mortality) / kGompertzB;
  Days death = baseline + std::chrono::days{DayOffset(years_to_death * kDaysPerYear)};
  Days horizon = std::min(observed_end, death);
  out.horizon = horizon;

  out.index_knee = random.Chance(0.5) ? DemoSide::kRight : DemoSide::kLeft;
  DemoSide other = out.index_knee == DemoSide::kLeft ? DemoSide::kRight : DemoSide::kLeft;
  KneeCourse knees[2];  // [0] the treated (index) knee, [1] the other
  knees[0].followed = true;
  knees[0].baseline_kl = 1 + random.Weighted({0.10, 0.35, 0.35, 0.20});
  knees[1].followed = random.Chance(0.6);
  knees[1].baseline_kl = std::max(0, knees[0].baseline_kl - random.Weighted({0.35, 0.40, 0.25}));
  for (int k = 0; k < 2; ++k) SimulateKnee(random, k == 0, age, baseline, horizon, knees[k]);

  // Baseline: both knees on the same day, one standing radiograph read by one physician.
  out.assessments.clear();
  double bmi = Round1(random.TruncatedNormal(29, 5, 18, 50));
  int tegner = BaselineTegner(random, age, knees[0].baseline_kl);
  Days image_date = ClinicDay(baseline - std::chrono::days{random.Between(1, 10)}, baseline);
  int reader = pick_reader();
  int baseline_year = static_cast<int>(std::chrono::year_month_day{baseline}.year());
  int birth_year = static_cast<int>(std::chrono::year_month_day{out.birth_date}.year());
  for (int k = 0; k < 2; ++k) {
    if (!knees[k].followed) continue;
    DemoAssessment a{.baseline = true,
                     .assessed_on = baseline,
                     .kl_grade = knees[k].baseline_kl,
                     .kl_image_date = image_date,
                     .kl_reader = reader,
                     .bmi = bmi,
                     .tegner_level = tegner};
    a.prior_knee_surgery = random.Chance(0.25);
    if (*a.prior_knee_surgery) {
      int year = std::max(baseline_year - static_cast<int>(random.Between(1, 25)), birth_year + 16);
      a.prior_surgery_details = std::string(random.Pick(kSurgeries)) + ", " + std::to_string(year);
    }
    if (random.Chance(0.4)) AddLesions(random, knees[k].baseline_kl, a.lesions);
    out.assessments.push_back({k == 0 ? out.index_knee : other, std::move(a)});
  }

  // Follow-up visits while the patient is observed; a knee leaves follow-up once replaced or osteotomised.
  Days last_visit = baseline;
  for (int months : kVisitMonths) {
    int64_t window = months <= 6 ? 14 : 30;
    Days visit = ClinicDay(
        baseline + std::chrono::days{std::llround(months * kDaysPerMonth) + random.Between(-window, window)},
        horizon);
    if (visit >= horizon) break;
    double years = static_cast<double>((visit - last_visit).count()) / kDaysPerYear;
    bmi = Round1(std::clamp(random.Normal(bmi + 0.15 * years, 0.9 * std::sqrt(years)), 18.0, 50.0));
    last_visit = visit;
    int level = std::clamp(tegner + random.Weighted({0.2, 0.55, 0.25}) - 1, 1, 6);
    bool radiograph = months >= 12 && random.Chance(kRadiographAtVisit);
    image_date = ClinicDay(visit - std::chrono::days{random.Between(0, 7)}, visit + std::chrono::days{1});
    reader = pick_reader();
    for (int k = 0; k < 2; ++k) {
      if (!knees[k].followed || (knees[k].end_date && visit >= *knees[k].end_date)) continue;
      DemoAssessment a{.assessed_on = visit, .bmi = bmi, .tegner_level = level};
      if (radiograph) {
        a.kl_grade = knees[k].GradeAt((visit - baseline).count());
        a.kl_image_date = image_date;
        a.kl_reader = reader;
      }
      out.assessments.push_back({k == 0 ? out.index_knee : other, std::move(a)});
    }
  }

  out.events.clear();
  if (death < observed_end) out.events.push_back({"death", std::nullopt, death, false});
  for (int k = 0; k < 2; ++k)
    if (knees[k].end_date)
      out.events.push_back({knees[k].end_type, k == 0 ? out.index_knee : other, *knees[k].end_date, false});
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const DemoEvent& a, const DemoEvent& b) { return a.date < b.date; });
  for (auto& e : out.events) e.records_confirmed = random.Chance(kRecordsConfirmedShare);
}

}  // namespace kneeregen
