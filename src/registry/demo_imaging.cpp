// Imaging of the synthetic treated knees (DOMAIN.md §5): the standing radiograph the baseline assessment
// was graded from, and for some treated patients an MRI before the first session and about a year after
// it, with quantitative cartilage thickness and WORMS cartilage and bone-marrow grades.
//
// The model (illustrative): 30 % of treated patients have a baseline MRI; the follow-up MRI is 12 months
// (± 3 weeks) after the first session while the knee is still followed. 75 % are read on 3 T, the rest on
// 1.5 T; 5 % of follow-ups are on the other field strength and 5 % segmented with another method, so the
// cartilage-change view shows its cross-method and field-strength flags. Thickness falls with the grade,
// mostly medially, and is lost at 2.5 %/yr medially and 1.5 %/yr laterally (DOMAIN.md §5: newer methods
// ~1-3 %/yr, most in the central medial femur [S34]; −5.5 % medial at 12 months in one cohort [S35]); the
// cell products are not given an effect on cartilage (DOMAIN.md §9: cartilage volume SMD not significant).
#include <algorithm>
#include <cmath>

#include "registry/demo_random.hpp"
#include "registry/demo_treatment.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;

constexpr double kMriShare = 0.30;
constexpr double kThreeTeslaShare = 0.75;
constexpr double kOtherFieldStrengthAtFollowUp = 0.05;
constexpr double kOtherMethodAtFollowUp = 0.05;
constexpr double kMedialLossPerYear = 0.025;
constexpr double kLateralLossPerYear = 0.015;
constexpr double kRepeatErrorMm = 0.04;  // scan-rescan noise of one method on one scanner [U]
constexpr double kWormsWorsensAtFollowUp = 0.15;

constexpr const char* kMethod = "semi-automated segmentation (synthetic tool A)";
constexpr const char* kOtherMethod = "deep-learning segmentation (synthetic model B)";

struct Region {
  const char* code;
  double healthy_mm;  // mean thickness of a KL0 knee
  double area_mm2;    // plate area, for the volume
  bool medial;
};
constexpr Region kRegions[] = {{"central_medial_femur", 2.3, 420, true},
                               {"medial_tibia", 2.0, 620, true},
                               {"central_lateral_femur", 2.4, 400, false},
                               {"lateral_tibia", 2.9, 560, false}};

struct Subregion {
  const char* code;
  double weight;  // of the knee's grade: medial OA first, the patella less, the lateral side least
};
constexpr Subregion kSubregions[] = {{"medial_femur_central", 1.0},  {"medial_tibia_central", 0.9},
                                     {"lateral_femur_central", 0.5}, {"lateral_tibia_central", 0.45},
                                     {"patella_medial", 0.7},        {"patella_lateral", 0.6}};
constexpr const char* kWormsCartilageGrades[] = {"0", "1", "2", "2.5", "3", "4", "5", "6"};
constexpr double kWormsMeanByKl[] = {0.5, 1.2, 2.3, 3.8, 5.5};  // index into kWormsCartilageGrades

double Round(double x, double scale) { return std::round(x * scale) / scale; }

size_t GradeIndex(std::string_view grade) {
  for (size_t i = 0; i < std::size(kWormsCartilageGrades); ++i)
    if (grade == kWormsCartilageGrades[i]) return i;
  return 0;
}

void Baseline(DemoRandom& random, int kl, DemoMri& mri) {
  for (const Region& r : kRegions) {
    double loss_by_grade = (r.medial ? 0.09 : 0.03) * kl;
    double mm = std::clamp(r.healthy_mm * (1 - loss_by_grade) + random.Normal(0, 0.15), 0.3, 4.5);
    mri.measurements.push_back({r.code, Round(mm, 100), std::round(mm * r.area_mm2), kMethod});
  }
  for (const Subregion& s : kSubregions) {
    double mean = kWormsMeanByKl[kl] * s.weight;
    auto grade = static_cast<size_t>(std::clamp(std::round(random.Normal(mean, 0.9)), 0.0, 7.0));
    int bml = static_cast<int>(std::clamp(std::round(random.Normal(0.5 * kl * s.weight, 0.7)), 0.0, 3.0));
    mri.worms.push_back({s.code, kWormsCartilageGrades[grade], bml});
  }
}

void FollowUp(DemoRandom& random, const DemoMri& baseline, DemoMri& mri) {
  const double years = static_cast<double>((mri.date - baseline.date).count()) / 365.25;
  const std::string_view method = random.Chance(kOtherMethodAtFollowUp) ? kOtherMethod : kMethod;
  for (size_t i = 0; i < baseline.measurements.size(); ++i) {
    const Region& r = kRegions[i];
    double rate = r.medial ? kMedialLossPerYear : kLateralLossPerYear;
    double mm = baseline.measurements[i].thickness_mm * (1 - rate * years) + random.Normal(0, kRepeatErrorMm);
    // Another method reads systematically differently, which is why the comparison is flagged.
    if (method == kOtherMethod) mm *= 1.06;
    mm = std::clamp(mm, 0.3, 4.5);
    mri.measurements.push_back({r.code, Round(mm, 100), std::round(mm * r.area_mm2), method});
  }
  for (const auto& w : baseline.worms) {
    size_t grade =
        std::min<size_t>(GradeIndex(w.cartilage_grade) + (random.Chance(kWormsWorsensAtFollowUp) ? 1 : 0),
                         std::size(kWormsCartilageGrades) - 1);
    int bml = std::clamp(w.bone_marrow_lesion + random.Weighted({0.2, 0.6, 0.2}) - 1, 0, 3);
    mri.worms.push_back({w.subregion, kWormsCartilageGrades[grade], bml});
  }
}

void Scanner(double tesla, DemoMri& mri) {
  mri.field_strength_tesla = tesla;
  mri.sequences = tesla == 3.0 ? "3D DESS, PD FS, T2 mapping" : "3D SPGR FS, PD FS";
}

}  // namespace

void GenerateDemoImaging(uint64_t seed, const DemoPatient& patient, const DemoTreatment& course,
                         const std::vector<int>& readers, DemoImaging& out) {
  DemoRandom random(
      DemoStreamSeed(DemoStreamSeed(seed, kDemoImagingStreams), static_cast<uint64_t>(patient.number)));
  for (const auto& [knee, a] : patient.assessments) {
    if (knee != patient.index_knee || !a.baseline) continue;
    out.radiograph_date = a.kl_image_date;
    out.radiograph_kl = *a.kl_grade;  // the treated knee is always graded at baseline
    out.radiograph_reader = a.kl_reader;
  }
  out.mris.clear();
  if (course.sessions.empty() || !random.Chance(kMriShare)) return;
  auto reader = [&] { return readers[static_cast<size_t>(random.Between(0, readers.size() - 1))]; };

  DemoMri& baseline = out.mris.emplace_back();
  baseline.date = WeekdayOnOrBefore(patient.baseline_date - days{random.Between(1, 21)});
  baseline.reader = reader();
  Scanner(random.Chance(kThreeTeslaShare) ? 3.0 : 1.5, baseline);
  Baseline(random, out.radiograph_kl, baseline);

  Days follow_up = WeekdayOnOrAfter(course.first_session + days{365 + random.Between(-21, 21)});
  if (follow_up >= DemoTreatmentEnd(patient)) return;
  DemoMri& later = out.mris.emplace_back();  // may move `baseline`: read it through out.mris from here
  later.date = follow_up;
  later.reader = reader();
  const double tesla = out.mris.front().field_strength_tesla;
  Scanner(random.Chance(kOtherFieldStrengthAtFollowUp) ? 4.5 - tesla : tesla, later);
  FollowUp(random, out.mris.front(), later);
}

}  // namespace kneeregen
