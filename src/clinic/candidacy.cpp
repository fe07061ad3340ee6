#include "clinic/candidacy.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace kneeregen {

namespace {

// The rule set, kept deliberately simple so a clinician can audit it: every finding sets a ceiling on the
// tier, and the screening takes the lowest ceiling. Contraindications cap at "not a candidate"; the KL grade
// of each knee sets the base tier; each caution (high BMI, older age, low activity, a deep or large lesion,
// a missing radiograph) caps at "possible", which moves a favourable patient down one step and leaves a
// worse tier alone; the goal of avoiding replacement in an advanced knee caps at "symptom relief only".
// Cautions do not stack: three cautions read the same as one, because no source supports a finer scale.

constexpr std::array<std::string_view, 11> kIcrsGrades = {"0", "1", "1A", "1B", "2", "3", "3A", "3B", "3C", "3D", "4"};

bool IsKnownIcrsGrade(const std::string& grade) {
  return std::find(kIcrsGrades.begin(), kIcrsGrades.end(), grade) != kIcrsGrades.end();
}

int IcrsMainGrade(const std::string& grade) { return grade.empty() ? 0 : grade[0] - '0'; }

// "38.2", "4" — one decimal at most, so a letter never shows 38.200000.
std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string Weeks(int n) { return std::to_string(n) + (n == 1 ? " week" : " weeks"); }

std::string KneeName(KneeSide side) { return side == KneeSide::kLeft ? "left knee" : "right knee"; }

std::string_view KlDescription(int kl) {
  switch (kl) {
    case 1: return "very early";
    case 2: return "early";
    case 3: return "moderate";
    default: return "advanced (\"bone-on-bone\")";
  }
}

class ReasonList {
 public:
  void Add(std::string rule_id, std::string text, Tier implies) {
    reasons_.push_back(Reason{std::move(rule_id), std::move(text), implies});
  }
  std::vector<Reason> Take() && { return std::move(reasons_); }
  bool empty() const { return reasons_.empty(); }

 private:
  std::vector<Reason> reasons_;
};

void ScreenContraindications(const Contraindications& c, const CandidacyRules& rules, ReasonList& out) {
  constexpr Tier kNo = Tier::kNotACandidate;
  if (c.active_infection)
    out.Add("contra.active_infection",
            "An active infection was recorded. Injecting a joint while an infection is present could spread "
            "it, so treatment is not offered until the infection has fully cleared.",
            kNo);
  bool recent_cancer = c.months_since_malignancy_treatment &&
                       *c.months_since_malignancy_treatment < rules.malignancy_recent_months;
  if (c.active_malignancy || recent_cancer)
    out.Add("contra.malignancy",
            "Cancer that is active or was treated within the last " +
                std::to_string(rules.malignancy_recent_months) +
                " months was recorded. Cell-based injections have not been studied enough in this situation "
                "to be considered safe, so they are not offered.",
            kNo);
  if (c.pregnancy)
    out.Add("contra.pregnancy",
            "Pregnancy was recorded. These injections have not been studied in pregnancy, so they are not "
            "offered until after it.",
            kNo);
  if (c.systemic_immunosuppression)
    out.Add("contra.immunosuppression",
            "Treatment that suppresses the immune system was recorded. It raises the risk of infection after "
            "an injection, so treatment is not offered while it continues.",
            kNo);
  if (c.bleeding_disorder_or_anticoagulation)
    out.Add("contra.bleeding_or_anticoagulation",
            "A bleeding disorder or blood-thinning treatment was recorded. It raises the risk of bleeding at "
            "the harvest and injection sites, so treatment is not offered unless your doctors agree it can "
            "safely be managed.",
            kNo);
  if (c.weeks_since_intra_articular_steroid && *c.weeks_since_intra_articular_steroid < rules.steroid_washout_weeks)
    out.Add("contra.recent_steroid",
            "A steroid injection into the knee was given " + Weeks(*c.weeks_since_intra_articular_steroid) +
                " ago. Steroids may harm injected cells, so the clinic waits at least " +
                Weeks(rules.steroid_washout_weeks) + " after one; you can be screened again after that.",
            kNo);
}

void ScreenKnee(const KneeFindings& knee, const CandidacyRules& rules, ReasonList& out) {
  const std::string name = KneeName(knee.side);
  if (!knee.kl_grade) {
    out.Add("kl.missing",
            "The " + name + " needs a standing radiograph graded for Kellgren–Lawrence (an X-ray taken while "
            "standing) before the stage of arthritis can be judged.",
            Tier::kPossible);
  } else if (int kl = *knee.kl_grade; kl == 0) {
    out.Add("kl.no_radiographic_oa",
            "The X-ray of the " + name + " shows no osteoarthritis (Kellgren–Lawrence grade 0). Pain without "
            "arthritis on the X-ray needs another explanation, such as a meniscus, ligament or tendon problem, "
            "which should be looked for first.",
            Tier::kPossible);
  } else {
    std::string seen = "The X-ray of the " + name + " shows " + std::string(KlDescription(kl)) +
                       " osteoarthritis (Kellgren–Lawrence grade " + std::to_string(kl) + "). ";
    if (kl <= rules.favourable_max_kl)
      out.Add("kl.early_oa",
              seen + "Studies of cell-based injections report their best results at this stage, but the "
                     "evidence is still limited and results vary from person to person.",
              Tier::kFavourable);
    else if (kl <= rules.possible_max_kl)
      out.Add("kl.moderate_oa",
              seen + "Some patients at this stage report less pain and better function after injections, "
                     "but fewer than at earlier stages, and the evidence is limited.",
              Tier::kPossible);
    else
      out.Add("kl.advanced_oa",
              seen + "Injections may ease pain and help function for a time, but they are not expected to "
                     "rebuild the joint, and the evidence is limited.",
              Tier::kSymptomReliefOnly);
  }

  // One reason per rule and knee, however many lesions qualify: the letter should not repeat itself.
  const CartilageLesion* through_bone = nullptr;
  const CartilageLesion* large_deep = nullptr;
  for (const auto& lesion : knee.lesions) {
    int grade = IcrsMainGrade(lesion.icrs_grade);
    if (grade == 4 && !through_bone) through_bone = &lesion;
    if (grade >= 3 && lesion.area_cm2 > rules.large_lesion_cm2 && (!large_deep || lesion.area_cm2 > large_deep->area_cm2))
      large_deep = &lesion;
  }
  if (through_bone)
    out.Add("lesion.through_bone",
            "The " + name + " has a cartilage defect that reaches into the bone beneath (ICRS grade 4). There "
            "is little evidence that injections help defects this deep; a surgical opinion may be worth having.",
            Tier::kPossible);
  if (large_deep)
    out.Add("lesion.large_deep",
            "The " + name + " has a deep cartilage defect of " + FormatNumber(large_deep->area_cm2) +
                " cm², larger than the " + FormatNumber(rules.large_lesion_cm2) +
                " cm² the clinic uses as a caution limit. Injections are less likely to help large, deep "
                "defects; a surgical opinion may be worth having.",
            Tier::kPossible);
}

void ScreenPatient(const CandidacyInput& input, const CandidacyRules& rules, ReasonList& out) {
  if (input.bmi && *input.bmi > rules.bmi_caution_above)
    out.Add("bmi.high",
            "A body-mass index of " + FormatNumber(*input.bmi) + " (above " + FormatNumber(rules.bmi_caution_above) +
                ") puts extra load on the knee and is linked with smaller benefit from knee treatments; weight "
                "management can be discussed alongside any treatment.",
            Tier::kPossible);
  if (input.age_years > rules.age_caution_above)
    out.Add("age.older",
            "Above the age of " + std::to_string(rules.age_caution_above) +
                ", reported results of cell-based injections are less consistent, and fewer patients of this "
                "age have been studied.",
            Tier::kPossible);
  if (input.tegner_current && *input.tegner_current <= rules.low_activity_tegner_max)
    out.Add("activity.low",
            "A low activity level was recorded (Tegner " + std::to_string(*input.tegner_current) +
                "). The best reported results come from more active patients, and a rehabilitation programme "
                "is an important part of any course.",
            Tier::kPossible);

  bool any_advanced = std::any_of(input.knees.begin(), input.knees.end(), [&](const KneeFindings& k) {
    return k.kl_grade && *k.kl_grade > rules.possible_max_kl;
  });
  if (input.goal == TreatmentGoal::kAvoidOrDelayReplacement && any_advanced)
    out.Add("goal.avoid_replacement_advanced",
            "Your goal is to avoid or delay a knee replacement. Whether injections delay replacement is "
            "uncertain, because the evidence comes from observational studies, and an advanced knee may "
            "still need a replacement.",
            Tier::kSymptomReliefOnly);
  if (input.prior_knee_surgery)
    out.Add("history.prior_surgery",
            "Previous surgery on the knee was recorded. This does not rule out treatment by itself; the "
            "clinician will review the operation notes and imaging.",
            Tier::kFavourable);
}

}  // namespace

Screening Screen(const CandidacyInput& input, const CandidacyRules& rules) {
  ReasonList reasons;
  ScreenContraindications(input.contraindications, rules, reasons);
  for (const auto& knee : input.knees) ScreenKnee(knee, rules, reasons);
  ScreenPatient(input, rules, reasons);
  // Only reachable with input that skipped validation (no knees): never fall through to "favourable".
  if (reasons.empty())
    reasons.Add("screening.no_rule",
                "No screening rule applied to the information given, so a clinician must review it before any "
                "advice is given.",
                Tier::kPossible);

  Screening s;
  s.reasons = std::move(reasons).Take();
  s.tier = Tier::kFavourable;
  for (const auto& r : s.reasons) s.tier = std::min(s.tier, r.implies);
  s.rules_version = rules.version;
  return s;
}

Status ValidateCandidacyInput(const CandidacyInput& input) {
  std::vector<FieldError> errors;
  auto fail = [&](std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); };

  if (input.age_years < 18 || input.age_years > 110) fail("age_years", "must be between 18 and 110");
  if (input.knees.empty()) fail("knees", "must list at least one knee");
  if (input.knees.size() > 2) fail("knees", "must list at most two knees");
  for (size_t i = 0; i < input.knees.size(); ++i) {
    const auto& knee = input.knees[i];
    const std::string at = "knees/" + std::to_string(i);
    for (size_t j = 0; j < i; ++j)
      if (input.knees[j].side == knee.side) fail(at + "/side", "lists the same knee twice");
    if (knee.kl_grade && (*knee.kl_grade < 0 || *knee.kl_grade > 4)) fail(at + "/kl_grade", "must be 0 to 4");
    for (size_t j = 0; j < knee.lesions.size(); ++j) {
      const auto& lesion = knee.lesions[j];
      const std::string lat = at + "/lesions/" + std::to_string(j);
      if (!IsKnownIcrsGrade(lesion.icrs_grade))
        fail(lat + "/icrs_grade", "must be an ICRS grade: 0, 1, 1A, 1B, 2, 3, 3A, 3B, 3C, 3D or 4");
      if (!(lesion.area_cm2 > 0 && lesion.area_cm2 <= 40))  // written so NaN fails too
        fail(lat + "/area_cm2", "must be greater than 0 and at most 40");
    }
  }
  if (input.bmi && !(*input.bmi >= 10 && *input.bmi <= 80)) fail("bmi", "must be between 10 and 80");
  if (input.tegner_current && (*input.tegner_current < 0 || *input.tegner_current > 10))
    fail("tegner_current", "must be 0 to 10");
  const auto& c = input.contraindications;
  if (c.weeks_since_intra_articular_steroid && *c.weeks_since_intra_articular_steroid < 0)
    fail("contraindications/weeks_since_intra_articular_steroid", "must not be negative");
  if (c.months_since_malignancy_treatment && *c.months_since_malignancy_treatment < 0)
    fail("contraindications/months_since_malignancy_treatment", "must not be negative");

  if (!errors.empty()) return Error::Validation(std::move(errors));
  return Ok{};
}

}  // namespace kneeregen
