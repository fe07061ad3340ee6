#include "clinic/protocol_planner.hpp"

#include <climits>
#include <set>

#include "core/money.hpp"
#include "core/time.hpp"

namespace kneeregen {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr int kMaxIntervalDays = 365;  // a longer gap is a new course, not an interval

year_month_day AddDays(year_month_day date, int64_t n) { return year_month_day{sys_days{date} + days{n}}; }

// Dates stay inside what FormatDate writes and ParseDate reads back.
bool InRange(year_month_day date) {
  return date.ok() && date.year() >= std::chrono::year{1} && date.year() <= std::chrono::year{9999};
}

std::vector<int64_t> Weights(const std::vector<SiteShare>& sites) {
  std::vector<int64_t> weights;
  for (const auto& s : sites) weights.push_back(s.share_percent);
  return weights;
}

void CheckSites(const PlanRequest& request, const Catalogue& catalogue, std::vector<FieldError>& errors) {
  if (request.sites.empty()) {
    errors.push_back({"sites", "must name at least one injection site"});
    return;
  }
  std::set<std::string> seen;
  int total_percent = 0;
  bool shares_ok = true;
  for (size_t i = 0; i < request.sites.size(); ++i) {
    const auto& s = request.sites[i];
    std::string path = "sites/" + std::to_string(i);
    if (!catalogue.FindSite(s.site)) errors.push_back({path + "/site", "is not in the site catalogue"});
    else if (!seen.insert(s.site).second) errors.push_back({path + "/site", "is listed twice"});
    if (s.share_percent < 1 || s.share_percent > 100) {
      errors.push_back({path + "/share_percent", "must be between 1 and 100"});
      shares_ok = false;
    }
    total_percent += s.share_percent;
  }
  if (shares_ok && total_percent != 100)
    errors.push_back({"sites", "shares add up to " + std::to_string(total_percent) + " %, not 100 %"});
}

// The checks that need the computed split: a site's volume against its limit, a session's dose against the
// product's limit. Shares and volumes are already known to be valid here.
void CheckSplitLimits(const PlanRequest& request, const Product& product, const Catalogue& catalogue,
                      std::vector<FieldError>& errors) {
  auto volumes = ApportionByWeights(request.session_volume_ul, Weights(request.sites));
  for (size_t i = 0; i < request.sites.size(); ++i) {
    const Site* site = catalogue.FindSite(request.sites[i].site);
    if (site && volumes[i] > site->max_volume_ul)
      errors.push_back({"sites/" + std::to_string(i) + "/share_percent",
                        "gives " + FormatDose(DoseUnit::kMillilitres, volumes[i]) + " per injection; the limit at " +
                            site->name + " is " + FormatDose(DoseUnit::kMillilitres, site->max_volume_ul)});
  }
  // The first session carries the largest share of the dose.
  int64_t largest_dose = ApportionByWeights(request.total_dose, std::vector<int64_t>(request.sessions, 1))[0];
  if (largest_dose > product.max_dose_per_session)
    errors.push_back({"total_dose", "gives " + FormatDose(product.dose_unit, largest_dose) +
                                        " per session; the limit for " + product.name + " is " +
                                        FormatDose(product.dose_unit, product.max_dose_per_session)});
  // A product dosed by volume cannot exceed the volume injected with it.
  if (product.dose_unit == DoseUnit::kMillilitres && largest_dose > request.session_volume_ul)
    errors.push_back({"session_volume_ul", "is smaller than the " + FormatDose(product.dose_unit, largest_dose) +
                                               " of product given per session"});
}

std::vector<FieldError> Validate(const PlanRequest& request, const Catalogue& catalogue) {
  std::vector<FieldError> errors;
  const Product* product = catalogue.FindProduct(request.product);
  if (!product) errors.push_back({"product", "is not in the product catalogue"});
  if (request.total_dose <= 0) errors.push_back({"total_dose", "must be positive"});
  bool sessions_ok = request.sessions >= 1 && request.sessions <= kMaxSessions;
  if (!sessions_ok) errors.push_back({"sessions", "must be between 1 and " + std::to_string(kMaxSessions)});
  if (!request.first_session) errors.push_back({"first_session", "is required"});
  else if (!InRange(*request.first_session)) errors.push_back({"first_session", "must be a real calendar date"});
  size_t gaps = sessions_ok ? static_cast<size_t>(request.sessions - 1) : 0;
  if (sessions_ok && request.interval_days.size() != 1 && request.interval_days.size() != gaps && gaps > 0)
    errors.push_back({"interval_days", "must hold one interval or one per gap (" + std::to_string(gaps) + ")"});
  for (size_t i = 0; i < request.interval_days.size(); ++i)
    if (request.interval_days[i] < 1 || request.interval_days[i] > kMaxIntervalDays)
      errors.push_back({"interval_days/" + std::to_string(i), "must be between 1 and 365 days"});
  bool volume_ok = request.session_volume_ul > 0 && request.session_volume_ul <= catalogue.max_session_volume_ul();
  if (!volume_ok)
    errors.push_back({"session_volume_ul", "must be more than 0 and at most " +
                                               FormatDose(DoseUnit::kMillilitres, catalogue.max_session_volume_ul())});
  CheckSites(request, catalogue, errors);
  if (errors.empty() && product) CheckSplitLimits(request, *product, catalogue, errors);
  return errors;
}

PlanTotals Totals(const ProtocolPlan& plan) {
  PlanTotals t;
  for (const auto& s : plan.sessions) {
    t.planned_dose += s.dose;
    if (s.status == SessionStatus::kCancelled) {
      ++t.cancelled_sessions;
      continue;
    }
    ++t.active_sessions;
    t.deliverable_dose += s.dose;
    t.deliverable_volume_ul += s.volume_ul;
  }
  for (const auto& h : plan.harvests) t.active_harvests += h.cancelled ? 0 : 1;
  return t;
}

const char* StatusCode(SessionStatus status) { return status == SessionStatus::kPlanned ? "planned" : "cancelled"; }

}  // namespace

Result<ProtocolPlan> BuildPlan(const PlanRequest& request, const Catalogue& catalogue) {
  if (auto errors = Validate(request, catalogue); !errors.empty()) return Error::Validation(std::move(errors));
  const Product& product = *catalogue.FindProduct(request.product);
  ProtocolPlan plan;
  plan.product = product.code;
  plan.product_name = product.name;
  plan.dose_unit = product.dose_unit;
  auto doses = ApportionByWeights(request.total_dose, std::vector<int64_t>(request.sessions, 1));
  auto weights = Weights(request.sites);
  auto volumes = ApportionByWeights(request.session_volume_ul, weights);
  year_month_day date = *request.first_session;
  for (int n = 1; n <= request.sessions; ++n) {
    if (n > 1) {
      size_t gap = request.interval_days.size() == 1 ? 0 : static_cast<size_t>(n - 2);
      date = AddDays(date, request.interval_days[gap]);
    }
    PlannedSession session{n, date, SessionStatus::kPlanned, doses[n - 1], request.session_volume_ul, {}};
    auto site_doses = ApportionByWeights(session.dose, weights);
    for (size_t i = 0; i < request.sites.size(); ++i)
      session.sites.push_back({request.sites[i].site, volumes[i], site_doses[i]});
    plan.sessions.push_back(std::move(session));
  }
  if (product.autologous) {
    if (product.harvest_each_session)
      for (const auto& s : plan.sessions)
        plan.harvests.push_back({s.number, AddDays(s.date, -product.harvest_lead_days), product.harvest_tissue});
    else
      plan.harvests.push_back({0, AddDays(*request.first_session, -product.harvest_lead_days), product.harvest_tissue});
  }
  for (const auto& h : plan.harvests)
    if (!InRange(h.date)) return Error::Field(ErrorCode::kValidationFailed, "first_session", "puts the harvest before year 1");
  if (!InRange(plan.sessions.back().date))
    return Error::Field(ErrorCode::kValidationFailed, "first_session", "puts the course past year 9999");
  plan.totals = Totals(plan);
  return plan;
}

Result<ProtocolPlan> Replan(const ProtocolPlan& plan, int session_number, const SessionChange& change) {
  if (session_number < 1 || session_number > static_cast<int>(plan.sessions.size()))
    return Error::Field(ErrorCode::kValidationFailed, "session", "there is no such session in this plan");
  size_t k = static_cast<size_t>(session_number - 1);
  if (plan.sessions[k].status == SessionStatus::kCancelled)
    return Error::Field(ErrorCode::kConflict, "session", "is cancelled and cannot be changed");
  ProtocolPlan out = plan;
  bool first_active = true;
  for (size_t i = 0; i < k; ++i) first_active = first_active && plan.sessions[i].status == SessionStatus::kCancelled;

  if (std::holds_alternative<SessionCancelled>(change)) {
    out.sessions[k].status = SessionStatus::kCancelled;
    for (auto& h : out.harvests)
      if (h.for_session == session_number) h.cancelled = true;
    out.totals = Totals(out);
    // The one course harvest is only needed while some session remains.
    if (out.totals.active_sessions == 0)
      for (auto& h : out.harvests) h.cancelled = true;
    out.totals = Totals(out);
    return out;
  }

  year_month_day new_date = std::get<year_month_day>(change);
  if (!InRange(new_date)) return Error::Field(ErrorCode::kValidationFailed, "date", "must be a real calendar date");
  for (size_t i = k; i-- > 0;) {
    if (plan.sessions[i].status == SessionStatus::kCancelled) continue;
    if (sys_days{new_date} <= sys_days{plan.sessions[i].date})
      return Error::Field(ErrorCode::kValidationFailed, "date",
                          "must be after session " + std::to_string(plan.sessions[i].number) + " on " +
                              FormatDate(plan.sessions[i].date));
    break;
  }
  int64_t delta = (sys_days{new_date} - sys_days{plan.sessions[k].date}).count();
  for (size_t i = k; i < out.sessions.size(); ++i) out.sessions[i].date = AddDays(out.sessions[i].date, delta);
  for (auto& h : out.harvests)
    if (h.for_session >= session_number || (h.for_session == 0 && first_active)) h.date = AddDays(h.date, delta);
  if (!InRange(out.sessions.back().date))
    return Error::Field(ErrorCode::kValidationFailed, "date", "puts the course past year 9999");
  for (const auto& h : out.harvests)
    if (!InRange(h.date)) return Error::Field(ErrorCode::kValidationFailed, "date", "puts the harvest before year 1");
  return out;
}

Json ToJson(const PlanRequest& request) {
  Json sites = Json::array();
  for (const auto& s : request.sites) sites.push_back({{"site", s.site}, {"share_percent", s.share_percent}});
  Json json = {{"product", request.product},
               {"total_dose", request.total_dose},
               {"sessions", request.sessions},
               {"interval_days", request.interval_days},
               {"session_volume_ul", request.session_volume_ul},
               {"sites", sites}};
  if (request.first_session) json["first_session"] = FormatDate(*request.first_session);
  return json;
}

Result<PlanRequest> PlanRequestFromJson(const Json& json) {
  std::vector<FieldError> errors;
  JsonFieldReader r(json, "", errors);
  PlanRequest request;
  if (r.is_object()) {
    // Ranges here only keep values inside their C++ types; BuildPlan checks the clinical limits, so a
    // request built in code and one read from JSON fail with the same messages.
    request.product = r.Text("product").value_or("");
    request.total_dose = r.Integer("total_dose", INT64_MIN, INT64_MAX).value_or(0);
    request.sessions = static_cast<int>(r.Integer("sessions", INT_MIN, INT_MAX, false).value_or(kDefaultSessions));
    if (auto text = r.Text("first_session", false)) {
      request.first_session = ParseDate(*text);
      if (!request.first_session) r.Fail("first_session", "must be a real calendar date as YYYY-MM-DD");
    }
    if (const Json* intervals = r.Value("interval_days", false)) {
      if (intervals->is_number_integer()) request.interval_days = {0};
      else if (intervals->is_array()) request.interval_days.assign(intervals->size(), 0);
      else r.Fail("interval_days", "must be a number of days or an array of them");
      for (size_t i = 0; i < request.interval_days.size(); ++i) {
        const Json& v = intervals->is_array() ? (*intervals)[i] : *intervals;
        if (!v.is_number_integer() || v.get<int64_t>() < INT_MIN || v.get<int64_t>() > INT_MAX)
          errors.push_back({"interval_days/" + std::to_string(i), "must be a whole number of days"});
        else request.interval_days[i] = v.get<int>();
      }
    }
    request.session_volume_ul = r.Integer("session_volume_ul", INT64_MIN, INT64_MAX).value_or(0);
    if (const Json* sites = r.Array("sites")) {
      for (size_t i = 0; i < sites->size(); ++i) {
        JsonFieldReader s((*sites)[i], "sites/" + std::to_string(i), errors);
        if (!s.is_object()) continue;
        SiteShare share;
        share.site = s.Text("site").value_or("");
        share.share_percent = static_cast<int>(s.Integer("share_percent", INT_MIN, INT_MAX).value_or(0));
        s.Finish();
        request.sites.push_back(std::move(share));
      }
    }
    r.Finish();
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return request;
}

Json ToJson(const ProtocolPlan& plan) {
  Json sessions = Json::array();
  for (const auto& s : plan.sessions) {
    Json sites = Json::array();
    for (const auto& i : s.sites) sites.push_back({{"site", i.site}, {"volume_ul", i.volume_ul}, {"dose", i.dose}});
    sessions.push_back({{"number", s.number},
                        {"date", FormatDate(s.date)},
                        {"status", StatusCode(s.status)},
                        {"dose", s.dose},
                        {"volume_ul", s.volume_ul},
                        {"sites", sites}});
  }
  Json harvests = Json::array();
  for (const auto& h : plan.harvests)
    harvests.push_back({{"for_session", h.for_session},
                        {"date", FormatDate(h.date)},
                        {"tissue", HarvestTissueCode(h.tissue)},
                        {"cancelled", h.cancelled}});
  const auto& t = plan.totals;
  return {{"product", plan.product},
          {"product_name", plan.product_name},
          {"dose_unit", DoseUnitCode(plan.dose_unit)},
          {"sessions", sessions},
          {"harvests", harvests},
          {"totals",
           {{"planned_dose", t.planned_dose},
            {"deliverable_dose", t.deliverable_dose},
            {"deliverable_volume_ul", t.deliverable_volume_ul},
            {"active_sessions", t.active_sessions},
            {"cancelled_sessions", t.cancelled_sessions},
            {"active_harvests", t.active_harvests}}}};
}

Json ToJson(const ProtocolTemplate& protocol_template) {
  Json json = ToJson(protocol_template.request);
  json.erase("first_session");
  json["name"] = protocol_template.name;
  return json;
}

Result<ProtocolTemplate> ProtocolTemplateFromJson(const Json& json) {
  if (!json.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "must be a JSON object");
  std::vector<FieldError> errors;
  ProtocolTemplate out;
  auto name = json.find("name");
  if (name == json.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
    errors.push_back({"name", "must be a non-empty string"});
  else out.name = name->get<std::string>();
  // A template is reused for many patients; a date in it would silently schedule them all on that day.
  if (json.contains("first_session")) errors.push_back({"first_session", "a template has no first-session date"});
  Json request_json = json;
  request_json.erase("name");
  request_json.erase("first_session");
  auto request = PlanRequestFromJson(request_json);
  if (!request) errors.insert(errors.end(), request.error().fields.begin(), request.error().fields.end());
  if (!errors.empty()) return Error::Validation(std::move(errors));
  out.request = std::move(*request);
  return out;
}

PlanRequest Instantiate(const ProtocolTemplate& protocol_template, std::chrono::year_month_day first_session) {
  PlanRequest request = protocol_template.request;
  request.first_session = first_session;
  return request;
}

}  // namespace kneeregen
