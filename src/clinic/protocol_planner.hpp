// The protocol planner: a total dose of one catalogue product split over N injection sessions, each
// session's volume split over knee sites by share, with dates and the autologous harvest. All quantities
// are integers (doses in base units, volumes in microlitres) split by largest remainder, so every split sums
// exactly. Re-planning moves or cancels a session; templates are plan requests without a date.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "clinic/catalogue.hpp"
#include "core/json_body.hpp"
#include "core/result.hpp"

namespace kneeregen {

inline constexpr int kDefaultSessions = 6;
inline constexpr int kMaxSessions = 12;
inline constexpr int kDefaultIntervalDays = 14;  // [U] clinic-configurable; no verified interval in DOMAIN.md

struct SiteShare {
  std::string site;       // site catalogue code
  int share_percent = 0;  // of each session's volume and dose; all shares sum to 100
};

struct PlanRequest {
  std::string product;     // product catalogue code
  int64_t total_dose = 0;  // in the product's base unit (cells, microlitres, particles)
  int sessions = kDefaultSessions;
  std::optional<std::chrono::year_month_day> first_session;  // absent in a template
  // Days between consecutive sessions: one value used for every gap, or exactly sessions - 1 values.
  std::vector<int> interval_days{kDefaultIntervalDays};
  int64_t session_volume_ul = 0;
  std::vector<SiteShare> sites;
};

struct SiteInjection {
  std::string site;
  int64_t volume_ul = 0;
  int64_t dose = 0;
};

enum class SessionStatus { kPlanned, kCancelled };

struct PlannedSession {
  int number = 0;  // 1-based, stable across re-plans
  std::chrono::year_month_day date;
  SessionStatus status = SessionStatus::kPlanned;
  int64_t dose = 0;
  int64_t volume_ul = 0;
  std::vector<SiteInjection> sites;
};

struct Harvest {
  int for_session = 0;  // 0: one harvest for the whole course
  std::chrono::year_month_day date;
  HarvestTissue tissue = HarvestTissue::kNone;
  bool cancelled = false;
};

struct PlanTotals {
  int64_t planned_dose = 0;      // the consented total; never changes
  int64_t deliverable_dose = 0;  // planned minus cancelled sessions
  int64_t deliverable_volume_ul = 0;
  int active_sessions = 0;
  int cancelled_sessions = 0;
  int active_harvests = 0;
};

struct ProtocolPlan {
  std::string product;
  std::string product_name;  // from the catalogue, so a quote can name the product without it
  DoseUnit dose_unit = DoseUnit::kMillilitres;
  std::vector<PlannedSession> sessions;
  std::vector<Harvest> harvests;
  PlanTotals totals;
};

// Checks the request against the catalogue and lays out the course; every problem comes back as a
// FieldError naming its field ("sessions", "sites/2/site", "first_session").
Result<ProtocolPlan> BuildPlan(const PlanRequest& request, const Catalogue& catalogue);

// A change to one session: a new date, or cancellation.
struct SessionCancelled {};
using SessionChange = std::variant<std::chrono::year_month_day, SessionCancelled>;

// Moving session k to a new date shifts it and every later session (and the harvests scheduled from them)
// by the same number of days, so the intervals the clinician chose are kept. Cancelling session k keeps its
// dose out of the course: the dose is not redistributed to later sessions, because giving any session more
// product than the consented plan states is a clinical decision for a new plan and a new consent, not
// arithmetic. The cancelled session stays in the plan and the totals show the deliverable dose.
Result<ProtocolPlan> Replan(const ProtocolPlan& plan, int session_number, const SessionChange& change);

// JSON forms. A request's JSON reads back to the same request; the plan's JSON is what golden tests compare.
Json ToJson(const PlanRequest& request);
Result<PlanRequest> PlanRequestFromJson(const Json& json);
Json ToJson(const ProtocolPlan& plan);

// A named, reusable protocol: a request with no patient and no first-session date.
struct ProtocolTemplate {
  std::string name;
  PlanRequest request;  // first_session always empty
};

Json ToJson(const ProtocolTemplate& protocol_template);
Result<ProtocolTemplate> ProtocolTemplateFromJson(const Json& json);
PlanRequest Instantiate(const ProtocolTemplate& protocol_template, std::chrono::year_month_day first_session);

}  // namespace kneeregen
