// The course of treatment of one synthetic patient: protocol, dates, quote, consent, sessions with their
// re-plans and early stops, and the money. Plans and quotes are built by the clinic's own planner and
// pricing, so a stored course or quote holds exactly what the services would have computed.
//
// The model (illustrative, not fitted to data; no DOMAIN.md source gives a protocol mix or a drop-out
// rate): 55 % six bone-marrow-concentrate sessions at the joint and the collateral ligaments, 20 % six at
// the joint only, 20 % a single BMC session, 5 % three umbilical-cord MSC sessions. The quote is issued at
// the baseline visit or within 3 days, the first session 10-21 days after it (DOMAIN.md §8: baseline at
// most 30 days before session 1), the consent 1-7 days before the first session. 1.5 % withdraw before the
// first session (course and invoice cancelled, deposit refunded, consent withdrawn); 3 % of multi-session
// courses stop early by the patient's choice and are refunded what was not delivered; 4 % of later
// sessions move by up to a week. A 30 % deposit is paid at consent and the balance at the first session.
#include "registry/demo_treatment.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "registry/demo_random.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr double kProtocolShares[kDemoProtocolCount] = {0.55, 0.20, 0.20, 0.05};  // by DemoProtocol
constexpr int kQuoteAfterBaselineMaxDays = 3;
constexpr int kFirstSessionAfterQuoteDays[] = {10, 21};
constexpr int kConsentBeforeFirstSessionDays[] = {1, 7};
constexpr int kQuoteValidDays = 30;  // the quotes schema's default
constexpr double kCancelledBeforeStart = 0.015;
constexpr double kStopsEarly = 0.03;    // of courses with more than one session
constexpr double kSessionMoved = 0.04;  // of sessions after the first
constexpr int kMaxMoveDays = 7;
constexpr double kOtherPhysicianPerformsSession = 0.10;
constexpr double kRepresentativeSigns = 0.01;
constexpr double kDepositShare = 0.30;
constexpr int kRefundDelayDays[] = {7, 28};
// 8-9 am to 3-4 pm in Los Angeles, so that the UTC date is the local one and a same-day withdrawal an
// hour later stays on that date.
constexpr int kSignatureMinutesUtc[] = {16 * 60, 23 * 60 - 1};

// Image guidance of the intra-articular injection: mostly ultrasound, some by landmarks (DOMAIN.md §6 asks
// for the guidance); ligament attachments are always injected under ultrasound.
constexpr const char* kJointGuidance[] = {"ultrasound", "landmark", "fluoroscopy"};
constexpr const char* kPaymentMethods[] = {"card", "financing", "bank_transfer", "check", "cash"};
constexpr const char* kRelationships[] = {"Spouse, healthcare power of attorney",
                                          "Daughter, healthcare power of attorney",
                                          "Son, healthcare power of attorney"};
constexpr const char* kRepresentativeNames[] = {"Alex", "Jordan", "Morgan", "Taylor", "Casey", "Jamie"};

Days DateOf(year_month_day date) { return sys_days{date}; }
year_month_day Ymd(Days date) { return year_month_day{date}; }

PlanRequest Request(const char* product, int64_t total_dose, int sessions, int interval_days,
                    int64_t session_volume_ul, std::vector<SiteShare> sites) {
  return PlanRequest{.product = product,
                     .total_dose = total_dose,
                     .sessions = sessions,
                     .interval_days = {interval_days},
                     .session_volume_ul = session_volume_ul,
                     .sites = std::move(sites)};
}

std::string_view PaymentMethod(DemoRandom& random) {
  return kPaymentMethods[random.Weighted({0.70, 0.12, 0.08, 0.06, 0.04})];
}

// Why the knee can no longer be treated from DemoTreatmentEnd on.
DemoStop EndReason(const DemoPatient& patient) {
  const Days end = DemoTreatmentEnd(patient);
  for (const auto& e : patient.events) {
    if (e.date != end) continue;
    if (e.knee == patient.index_knee) return DemoStop::kKneeSurgery;
    if (e.event_type == "death") return DemoStop::kDied;
  }
  return DemoStop::kLostToFollowUp;
}

// Plans, quotes and schedules the consent; false when the course could not finish in time.
bool PlanCourse(DemoRandom& random, const DemoPatient& patient, const DemoClinicModel& clinic,
                DemoTreatment& out) {
  out.protocol = static_cast<DemoProtocol>(
      random.Weighted({kProtocolShares[0], kProtocolShares[1], kProtocolShares[2], kProtocolShares[3]}));
  out.physician = clinic.physicians[static_cast<size_t>(random.Between(0, clinic.physicians.size() - 1))];
  out.quoted_on =
      WeekdayOnOrAfter(patient.baseline_date + days{random.Between(0, kQuoteAfterBaselineMaxDays)});
  out.first_session = WeekdayOnOrAfter(
      out.quoted_on + days{random.Between(kFirstSessionAfterQuoteDays[0], kFirstSessionAfterQuoteDays[1])});
  out.consented_on = std::max(
      out.quoted_on,
      WeekdayOnOrBefore(out.first_session - days{random.Between(kConsentBeforeFirstSessionDays[0],
                                                                kConsentBeforeFirstSessionDays[1])}));
  out.consent_minute = static_cast<int>(random.Between(kSignatureMinutesUtc[0], kSignatureMinutesUtc[1]));
  out.signer_relationship = {};
  out.signer_name = patient.given_name + " " + patient.family_name;
  if (random.Chance(kRepresentativeSigns)) {
    out.signer_relationship = random.Pick(kRelationships);
    out.signer_name = std::string(random.Pick(kRepresentativeNames)) + " " + patient.family_name;
  }

  const ProtocolTemplate& protocol = clinic.protocols[static_cast<size_t>(out.protocol)];
  auto plan = BuildPlan(Instantiate(protocol, Ymd(out.first_session)), clinic.catalogue);
  assert(plan.ok());  // the templates are fixed and valid for the built-in catalogue
  if (!plan) return false;
  auto quote = BuildQuote(*plan, clinic.prices, Ymd(out.quoted_on), kQuoteValidDays);
  assert(quote.ok());
  if (!quote) return false;
  // Nothing may be dated on or after the reference date, and the first session must find the patient.
  Days last_date = std::max(DateOf(plan->sessions.back().date), DateOf(quote->valid_until));
  if (last_date >= kDemoReferenceDate || out.first_session >= DemoTreatmentEnd(patient)) return false;
  out.planned = std::move(*plan);
  out.quote = std::move(*quote);
  return true;
}

void Cancel(ProtocolPlan& plan, size_t from, DemoTreatment& out) {
  for (size_t k = from; k < plan.sessions.size(); ++k) {
    int number = static_cast<int>(k + 1);
    auto cancelled = Replan(plan, number, SessionCancelled{});
    assert(cancelled.ok());
    plan = std::move(*cancelled);
    out.changes.push_back({number, std::nullopt});
  }
}

// Performs the planned sessions in order, with moves and early stops, and draws the adverse events.
void RunSessions(DemoRandom& random, uint64_t seed, const DemoPatient& patient, const DemoClinicModel& clinic,
                 DemoTreatment& out) {
  ProtocolPlan plan = out.planned;
  const size_t planned = plan.sessions.size();
  const size_t stop_after =
      planned > 1 && random.Chance(kStopsEarly) ? static_cast<size_t>(random.Between(1, planned - 1)) : 0;
  const Days end = DemoTreatmentEnd(patient);
  std::optional<size_t> septic;
  for (size_t k = 0; k < planned; ++k) {
    const int number = static_cast<int>(k + 1);
    if (k > 0 && random.Chance(kSessionMoved)) {
      Days moved = WeekdayOnOrAfter(DateOf(plan.sessions[k].date) + days{random.Between(1, kMaxMoveDays)});
      auto replanned = Replan(plan, number, Ymd(moved));
      if (replanned && DateOf(replanned->sessions.back().date) < kDemoReferenceDate) {
        plan = std::move(*replanned);
        out.changes.push_back({number, moved});
      }
    }
    const Days date = DateOf(plan.sessions[k].date);
    DemoStop stop = stop_after && k >= stop_after ? DemoStop::kPatientChoice
                    : septic                      ? DemoStop::kAdverseEvent
                    : date >= end                 ? EndReason(patient)
                                                  : DemoStop::kNone;
    if (stop != DemoStop::kNone) {
      out.stop = stop;
      Cancel(plan, k, out);
      break;
    }
    DemoSession& session = out.sessions.emplace_back();
    session.number = number;
    session.date = date;
    session.practitioner = out.physician;
    if (clinic.physicians.size() > 1 && random.Chance(kOtherPhysicianPerformsSession))
      session.practitioner =
          clinic.physicians[static_cast<size_t>(random.Between(0, clinic.physicians.size() - 1))];
    session.joint_guidance = kJointGuidance[random.Weighted({0.83, 0.15, 0.02})];
    GenerateDemoBiologic(random, seed, out, plan.sessions[k], k, patient.number, session.biologic);
    if (DrawSepticArthritis(random)) septic = k;
  }
  out.final_plan = std::move(plan);
  GenerateDemoAdverseEvents(random, patient, septic, out);
}

// Deposit at consent, balance at the first session; a refund of the deposit when the patient withdrew
// before starting, or of what was not delivered when the course stopped early at the patient's or the
// clinician's decision (no refund is recorded for a patient who died or was lost to follow-up).
void Pay(DemoRandom& random, const DemoClinicModel& clinic, DemoTreatment& out) {
  const int64_t total = out.quote.total.cents();
  const int64_t deposit =
      std::llround(static_cast<double>(total) * kDepositShare / 100.0) * 100;  // whole dollars
  const std::string_view method = PaymentMethod(random);
  out.payments.push_back({false, deposit, method, out.consented_on});
  if (out.stop == DemoStop::kCancelledBeforeStart) {
    out.payments.push_back({true, deposit, method, out.stopped_on});
    return;
  }
  out.payments.push_back(
      {false, total - deposit, random.Chance(0.8) ? method : PaymentMethod(random), out.first_session});
  if (out.stop != DemoStop::kPatientChoice && out.stop != DemoStop::kAdverseEvent &&
      out.stop != DemoStop::kKneeSurgery)
    return;
  auto delivered = BuildQuote(out.final_plan, clinic.prices, Ymd(out.quoted_on), kQuoteValidDays);
  assert(delivered.ok());
  const Days refunded_on =
      out.sessions.back().date + days{random.Between(kRefundDelayDays[0], kRefundDelayDays[1])};
  const int64_t refund = total - delivered->total.cents();
  if (refund > 0 && refunded_on < kDemoReferenceDate)
    out.payments.push_back({true, refund, method, refunded_on});
}

}  // namespace

DemoClinicModel BuildDemoClinicModel(const std::vector<DemoPractitioner>& practitioners) {
  DemoClinicModel model{.catalogue = DefaultCatalogue(), .prices = DemoPriceList()};
  // The same 60 mL of BMC over six sessions with or without the ligament attachments (8.4 mL into the joint
  // and 1.4 mL at each attachment, within the built-in 10 mL and 2 mL limits); one 10 mL session; three
  // sessions of 3 x 10^7 UC-MSCs a month apart. Priced by DemoPriceList: $7,500, $7,500, $2,250, $7,050.
  model.protocols = {
      {"6 x BMC, joint + collateral ligaments (synthetic)",
       Request("bone_marrow_concentrate", 60'000, 6, 14, 14'000,
               {{"intra_articular", 60},
                {"mcl_femoral_origin", 10},
                {"mcl_tibial_insertion", 10},
                {"lcl_femoral_origin", 10},
                {"lcl_fibular_insertion", 10}})},
      {"6 x BMC, joint only (synthetic)",
       Request("bone_marrow_concentrate", 60'000, 6, 14, 10'000, {{"intra_articular", 100}})},
      {"Single-injection BMC (synthetic)",
       Request("bone_marrow_concentrate", 10'000, 1, 14, 10'000, {{"intra_articular", 100}})},
      {"3 x UC-MSC, monthly (synthetic)",
       Request("umbilical_cord_msc", 90'000'000, 3, 28, 5'000, {{"intra_articular", 100}})},
  };
  for (size_t i = 0; i < practitioners.size(); ++i)
    if (practitioners[i].reads_radiographs) model.physicians.push_back(static_cast<int>(i));
  return model;
}

Days DemoTreatmentEnd(const DemoPatient& patient) {
  Days end = patient.horizon;
  for (const auto& e : patient.events)
    if (e.knee == patient.index_knee) end = std::min(end, e.date);
  return end;
}

void GenerateDemoTreatment(uint64_t seed, const DemoPatient& patient, const DemoClinicModel& clinic,
                           DemoTreatment& out) {
  DemoRandom random(
      DemoStreamSeed(DemoStreamSeed(seed, kDemoTreatmentStreams), static_cast<uint64_t>(patient.number)));
  out.treated = false;
  out.stop = DemoStop::kNone;
  out.changes.clear();
  out.sessions.clear();
  out.payments.clear();
  out.adverse_events.clear();
  if (PlanCourse(random, patient, clinic, out)) {
    out.treated = true;
    if (random.Chance(kCancelledBeforeStart)) {
      out.stop = DemoStop::kCancelledBeforeStart;
      out.stopped_on =
          out.consented_on + days{random.Between(0, (out.first_session - out.consented_on).count() - 1)};
      out.final_plan = out.planned;
    } else {
      RunSessions(random, seed, patient, clinic, out);
    }
    Pay(random, clinic, out);
  }
  GenerateDemoImaging(seed, patient, out, clinic.physicians, out.imaging);
}

}  // namespace kneeregen
