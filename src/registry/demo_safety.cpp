// Adverse events of the synthetic courses (DOMAIN.md §7), with CTCAE grade, seriousness, WHO-UMC causality,
// action, outcome and resolution consistent with the adverse-event rules (a resolution date exactly when
// the outcome is recovered; onset on or after the session it followed).
//
// Rates (illustrative; where DOMAIN.md §7 gives one, it is named):
//  - post-injection pain or flare: 3.9 % of treated patients (Centeno 2016 [S48]: post-procedure pain 3.9 %);
//  - effusion or swelling: 3 % of patients, "a few %": the pooled 12.5 % / 11.9 % of Shang 2023 [S50]
//    count mild swelling that patients report and a clinic rarely records as an adverse event;
//  - harvest-site pain or haematoma: 3 % of harvests (DOMAIN.md gives no rate [U]);
//  - septic arthritis: 0.037 % per injection session (Geirsson 2008 [S52], per arthrocentesis); the course
//    stops after it;
//  - other serious events needing hospitalisation, possibly related: 0.5 % of patients (Centeno 2016 [S48]:
//    serious adverse events possibly related 0.55 %);
//  - immune or allergic reaction after allogeneic cells: 1 % of UC-MSC courses [U].
// An event whose onset falls on or after the patient's horizon is never known, so it is not recorded; one
// not resolved by the horizon is "recovering" at the reference date, or "unknown" after loss or death.
#include <algorithm>
#include <array>

#include "registry/demo_random.hpp"
#include "registry/demo_treatment.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;

constexpr double kFlarePerPatient = 0.039;
constexpr double kEffusionPerPatient = 0.03;
constexpr double kHarvestSitePerHarvest = 0.03;
constexpr double kSepticArthritisPerSession = 0.00037;
constexpr double kOtherSeriousPerPatient = 0.005;
constexpr double kImmuneReactionPerAllogeneicCourse = 0.01;

struct OtherSeriousEvent {
  const char* term;
  int onset_days[2];  // after the session
  const char* action;
  const char* description;
};
constexpr OtherSeriousEvent kOtherSerious[] = {
    {"Deep vein thrombosis of the treated leg",
     {3, 21},
     "medication",
     "Calf swelling after the session; DVT on ultrasound, admitted for anticoagulation (synthetic)"},
    {"Cellulitis of the lower leg",
     {2, 10},
     "antibiotics",
     "Spreading redness below the knee, admitted for intravenous antibiotics (synthetic)"},
    {"Vasovagal syncope with fall",
     {0, 0},
     "observation",
     "Fainted after the procedure and fell; admitted overnight for observation (synthetic)"},
};

template <size_t N>
std::string_view OneOf(DemoRandom& random, const std::array<const char*, N>& values,
                       std::initializer_list<double> weights) {
  return values[static_cast<size_t>(random.Weighted(weights))];
}

class AdverseEvents {
 public:
  AdverseEvents(DemoRandom& random, const DemoPatient& patient, DemoTreatment& course)
      : random_(random), known_until_(patient.horizon), course_(course) {}

  // A session chosen at random among those performed.
  int AnySession() { return static_cast<int>(random_.Between(0, course_.sessions.size() - 1)); }

  DemoAdverseEvent After(int session, int min_days, int max_days) {
    DemoAdverseEvent e;
    e.session = session;
    e.onset = course_.sessions[static_cast<size_t>(session)].date + days{random_.Between(min_days, max_days)};
    return e;
  }

  // Records `e` when its onset is known, resolving it `min_days`..`max_days` after onset if that is known.
  void Add(DemoAdverseEvent e, int min_days, int max_days, std::string_view resolved_outcome = "recovered") {
    if (e.onset >= known_until_) return;
    const Days resolved = e.onset + days{random_.Between(min_days, max_days)};
    if (resolved < known_until_) {
      e.outcome = resolved_outcome;
      e.resolved = resolved;
    } else {
      e.outcome = known_until_ < kDemoReferenceDate ? "unknown" : "recovering";
      e.resolved.reset();
    }
    course_.adverse_events.push_back(e);
  }

  DemoRandom& random() { return random_; }

 private:
  DemoRandom& random_;
  Days known_until_;
  DemoTreatment& course_;
};

}  // namespace

bool DrawSepticArthritis(DemoRandom& random) { return random.Chance(kSepticArthritisPerSession); }

void GenerateDemoAdverseEvents(DemoRandom& random, const DemoPatient& patient,
                               std::optional<size_t> septic_session, DemoTreatment& out) {
  if (out.sessions.empty()) return;
  AdverseEvents events(random, patient, out);

  if (out.sessions.front().biologic.harvested && random.Chance(kHarvestSitePerHarvest)) {
    auto e = events.After(0, 0, 1);
    e.term = "harvest_site_pain_haematoma";
    e.site = "harvest_site";
    e.ctcae_grade = random.Chance(0.85) ? 1 : 2;
    e.causality = random.Chance(0.6) ? "certain" : "probable";
    e.action_taken = OneOf(random, std::array{"none", "observation", "medication"}, {0.4, 0.3, 0.3});
    e.description = "Aching and bruising over the iliac crest where the marrow was drawn (synthetic)";
    events.Add(e, 2, 14);
  }
  if (random.Chance(kFlarePerPatient)) {
    auto e = events.After(events.AnySession(), 0, 2);
    e.term = "post_injection_flare";
    e.site = "intra_articular";
    e.ctcae_grade = 1 + random.Weighted({0.75, 0.23, 0.02});
    e.causality = random.Chance(0.7) ? "probable" : "possible";
    e.action_taken = OneOf(random, std::array{"none", "observation", "medication"}, {0.3, 0.2, 0.5});
    e.description = "Knee pain and stiffness for a few days after the injection (synthetic)";
    events.Add(e, 1, 10);
  }
  if (random.Chance(kEffusionPerPatient)) {
    auto e = events.After(events.AnySession(), 1, 5);
    e.term = "effusion_swelling";
    e.site = "intra_articular";
    e.ctcae_grade = random.Chance(0.7) ? 1 : 2;
    e.causality = random.Chance(0.5) ? "probable" : "possible";
    e.action_taken = OneOf(random, std::array{"observation", "aspiration", "medication"}, {0.55, 0.25, 0.2});
    e.description = "Swollen knee with a palpable effusion after the injection (synthetic)";
    events.Add(e, 3, 21);
  }
  if (out.sessions.front().biologic.allogeneic && random.Chance(kImmuneReactionPerAllogeneicCourse)) {
    auto e = events.After(events.AnySession(), 0, 1);
    e.term = "immune_allergic_reaction";
    e.site = "intra_articular";
    e.ctcae_grade = random.Chance(0.8) ? 1 : 2;
    e.causality = "possible";
    e.action_taken = "medication";
    e.description = "Itchy rash and warmth around the knee the day after the injection (synthetic)";
    events.Add(e, 1, 7);
  }
  if (random.Chance(kOtherSeriousPerPatient)) {
    const OtherSeriousEvent& kind = random.Pick(kOtherSerious);
    auto e = events.After(events.AnySession(), kind.onset_days[0], kind.onset_days[1]);
    e.term = "other";
    e.term_other = kind.term;
    e.ctcae_grade = 3;
    e.hospitalised = true;
    e.causality = random.Chance(0.6) ? "possible" : "unlikely";
    e.action_taken = kind.action;
    e.description = kind.description;
    events.Add(e, 7, 60);
  }
  if (septic_session) {
    auto e = events.After(static_cast<int>(*septic_session), 1, 7);
    e.term = "infection_septic_arthritis";
    e.site = "intra_articular";
    e.ctcae_grade = random.Chance(0.85) ? 3 : 4;
    e.hospitalised = true;
    e.causality = "probable";
    const bool washout = random.Chance(0.6);
    e.action_taken = washout ? "surgery" : "antibiotics";
    e.description = washout
                        ? "Hot swollen knee, aspirate grew bacteria; arthroscopic washout and intravenous "
                          "antibiotics; course stopped (synthetic)"
                        : "Hot swollen knee, aspirate grew bacteria; intravenous antibiotics; course "
                          "stopped (synthetic)";
    events.Add(e, 21, 90, random.Chance(0.8) ? "recovered" : "recovered_with_sequelae");
  }
  std::stable_sort(out.adverse_events.begin(), out.adverse_events.end(),
                   [](const DemoAdverseEvent& a, const DemoAdverseEvent& b) { return a.onset < b.onset; });
}

}  // namespace kneeregen
