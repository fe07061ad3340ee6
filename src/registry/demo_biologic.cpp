// The biologic of each synthetic session, traced the way DOMAIN.md §6 (MIBO, ISCT) asks: donor, harvest,
// processing, culture, characterisation and lots. Device, bank and tool names say they are synthetic.
//
// Bone-marrow concentrate (autologous, point-of-care): one iliac-crest harvest at the first session,
// centrifuged the same day; later sessions use thawed aliquots of the same lot (the built-in catalogue
// stores the product for later sessions). Illustrative values: aspirate 100-200 mL for six sessions and
// 40-90 mL for one; concentrate at about 4 x 10^7 nucleated cells per mL, so a 10 mL session carries
// 10^8-10^9 cells; CFU-F around the 5,727 per mL of DOMAIN.md §6 [S41]; viability 90-99 % fresh and
// 85-97 % thawed. Processing-kit lots are monthly, so a kit recall finds every patient of that month.
//
// Umbilical-cord MSCs (allogeneic, culture-expanded, cryopreserved): the supplier releases one batch a
// month, with one donor, 3-5 passages and an ISCT marker certificate (≥95 % CD105/CD73/CD90, ≤2 %
// CD45/CD34/HLA-DR); every session of that month uses the batch, so its lot is shared across patients and
// a recall by lot finds them all.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "registry/demo_random.hpp"
#include "registry/demo_treatment.hpp"

namespace kneeregen {

namespace {

constexpr double kConcentrateCellsPerMl = 4e7;
constexpr double kCfuFPerMl = 5727;  // DOMAIN.md §6 [S41]
constexpr double kThawRecovery[] = {0.80, 0.95};
constexpr double kSterilityTestedShare = 0.25;
constexpr double kPrpCoInjectedShare = 0.25;

constexpr const char* kHarvestSides[] = {"bilateral", "left", "right"};
constexpr const char* kHarvestTechniques[] = {"Jamshidi 11G needle, 4 sites per side",
                                              "Jamshidi 11G needle, 6 sites per side",
                                              "8G marrow aspiration needle, 3 sites per side"};
constexpr const char* kAnaesthesia[] = {"Lidocaine 1% local", "Lidocaine 1% local with oral lorazepam",
                                        "Lidocaine 1% and bupivacaine 0.25% local"};

// Dividing by the inverse of a fractional unit keeps 95.3 from printing as 95.30000000000001.
double RoundTo(double x, double unit) {
  return unit >= 1 ? std::round(x / unit) * unit : std::round(x / unit) / std::round(1 / unit);
}

Days DateOf(std::chrono::year_month_day date) { return std::chrono::sys_days{date}; }

std::string Month(Days date) {  // "202507"
  std::chrono::year_month_day ymd{date};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

void BoneMarrowConcentrate(DemoRandom& random, const DemoTreatment& course, const PlannedSession& planned,
                           size_t index, int64_t patient_number, DemoBiologic& out) {
  const double dose_ml = static_cast<double>(planned.dose) / 1000.0;
  out.processing_device = "Point-of-care BMC centrifuge system (synthetic)";
  out.processing_method = "centrifugation";
  out.additives = "None";
  out.co_injectates = random.Chance(kPrpCoInjectedShare) ? "Autologous PRP 2 mL" : "";
  if (index == 0) {
    const Days harvested_on = DateOf(planned.date);
    const bool six_sessions = course.planned.sessions.size() > 1;
    out.harvested = true;
    out.harvest_site = random.Chance(0.95) ? "posterior_iliac_crest" : "anterior_iliac_crest";
    out.harvest_side = kHarvestSides[random.Weighted({0.55, 0.20, 0.25})];
    out.harvest_volume_ml = six_sessions ? std::round(random.TruncatedNormal(150, 20, 100, 200))
                                         : std::round(random.TruncatedNormal(60, 10, 40, 90));
    out.harvest_technique = random.Pick(kHarvestTechniques);
    out.harvest_anaesthesia = random.Pick(kAnaesthesia);
    out.anticoagulant = random.Chance(0.8) ? "ACD-A" : "Heparin 1,000 U/mL";
    out.processing_kit_lot = "BMK-" + Month(harvested_on) + (random.Chance(0.5) ? "-A" : "-B");
    // The patient's own concentrate: a lot of its own, named by harvest day and patient number.
    char lot[48];
    std::snprintf(lot, sizeof lot, "BMC-%s%02u-%07lld", Month(harvested_on).c_str(),
                  static_cast<unsigned>(planned.date.day()), static_cast<long long>(patient_number));
    out.product_lot = lot;
    out.preservation = "fresh";
    const double cells_per_ml = std::exp(random.Normal(std::log(kConcentrateCellsPerMl), 0.4));
    out.total_nucleated_cells = RoundTo(std::clamp(cells_per_ml * dose_ml, 1e8, 1e9), 1e6);
    out.wbc_per_ul = RoundTo(out.total_nucleated_cells / dose_ml / 1000.0, 100);
    out.cfu_f_per_ml =
        RoundTo(std::clamp(std::exp(random.Normal(std::log(kCfuFPerMl), 0.5)), 500.0, 30000.0), 1);
    out.viability_percent = RoundTo(random.TruncatedNormal(95.5, 2, 90, 99), 0.1);
    out.platelets_per_ul = RoundTo(random.TruncatedNormal(8e5, 2.5e5, 2e5, 1.6e6), 1000);
    out.rbc_per_ul = RoundTo(random.TruncatedNormal(1.0e6, 3e5, 3e5, 2.5e6), 1000);
    out.sterility = random.Chance(kSterilityTestedShare) ? "negative" : "not_tested";
    return;
  }
  // A thawed aliquot of the first session's concentrate: same lot, kit and counts, fewer live cells.
  const DemoBiologic& first = course.sessions.front().biologic;
  const double first_dose_ml = static_cast<double>(course.planned.sessions.front().dose) / 1000.0;
  const double recovery = kThawRecovery[0] + random.Uniform() * (kThawRecovery[1] - kThawRecovery[0]);
  out.processing_kit_lot = first.processing_kit_lot;
  out.product_lot = first.product_lot;
  out.preservation = "cryopreserved";
  out.total_nucleated_cells = RoundTo(first.total_nucleated_cells / first_dose_ml * dose_ml * recovery, 1e6);
  out.wbc_per_ul = RoundTo(first.wbc_per_ul * recovery, 100);
  out.cfu_f_per_ml = RoundTo(first.cfu_f_per_ml * recovery, 1);
  out.viability_percent = RoundTo(random.TruncatedNormal(91, 2.5, 85, 97), 0.1);
  out.platelets_per_ul = first.platelets_per_ul;
  out.rbc_per_ul = first.rbc_per_ul;
  out.sterility = first.sterility;
  out.notes = "Thawed aliquot of the session-1 concentrate (synthetic)";
}

void UmbilicalCordMsc(DemoRandom& random, uint64_t seed, const PlannedSession& planned, DemoBiologic& out) {
  const Days date = DateOf(planned.date);
  const std::string month = Month(date);
  // The batch is the same for every patient treated that month, so it draws from the month's stream.
  std::chrono::year_month_day ymd{date};
  const auto month_number = static_cast<uint64_t>(static_cast<int>(ymd.year()) * 12 +
                                                  static_cast<int>(static_cast<unsigned>(ymd.month())));
  DemoRandom batch(DemoStreamSeed(DemoStreamSeed(seed, kDemoBatchStreams), month_number));
  out.allogeneic = true;
  out.donor_id = "UCD-" + month + "-" + std::to_string(batch.Between(100, 999));
  out.source_bank = "Synthetic Cord Tissue Bank (synthetic)";
  out.processing_device = "Supplier GMP cell-culture facility (synthetic)";
  out.processing_method = batch.Chance(0.7) ? "enzymatic_digestion" : "mechanical_fragmentation";
  out.culture_expanded = true;
  out.passages = static_cast<int>(batch.Between(3, 5));
  out.preservation = "cryopreserved";
  out.additives = "None";
  out.product_lot = "UCM-" + month;
  char markers[200];
  std::snprintf(markers, sizeof markers,
                "CD105+ %.1f%%, CD73+ %.1f%%, CD90+ %.1f%%, CD45- %.1f%%, CD34- %.1f%%, HLA-DR- %.1f%% "
                "(supplier certificate, synthetic)",
                batch.TruncatedNormal(97.5, 1, 95, 99.9), batch.TruncatedNormal(98.5, 0.8, 95, 99.9),
                batch.TruncatedNormal(98, 1, 95, 99.9), batch.TruncatedNormal(99.3, 0.4, 98, 100),
                batch.TruncatedNormal(99.4, 0.4, 98, 100), batch.TruncatedNormal(99, 0.5, 98, 100));
  out.flow_markers = markers;
  out.sterility = "negative";
  // Counted and checked for viability at thaw, per session.
  out.total_nucleated_cells =
      RoundTo(static_cast<double>(planned.dose) * (0.92 + 0.16 * random.Uniform()), 1e5);
  out.viability_percent = RoundTo(random.TruncatedNormal(92, 3, 85, 98), 0.1);
  out.notes = "Thawed vial from the supplier's monthly batch (synthetic)";
}

}  // namespace

void GenerateDemoBiologic(DemoRandom& random, uint64_t seed, const DemoTreatment& course,
                          const PlannedSession& planned, size_t index, int64_t patient_number,
                          DemoBiologic& out) {
  out = DemoBiologic{};
  if (course.planned.product == "umbilical_cord_msc")
    UmbilicalCordMsc(random, seed, planned, out);
  else
    BoneMarrowConcentrate(random, course, planned, index, patient_number, out);
}

}  // namespace kneeregen
