#include "registry/screening_service.hpp"

#include <set>

#include "clinic/candidacy.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "registry/record_schema.hpp"
#include "registry/record_service.hpp"

namespace kneeregen {

namespace {

// What the client asked for one knee; kl_grade and lesions are filled from the record when absent.
struct KneeRequest {
  int64_t knee_id = 0;
  bool has_kl_grade = false;
  std::optional<int> kl_grade;
  bool has_lesions = false;
  std::vector<CartilageLesion> lesions;
};

struct ScreeningRequest {
  std::optional<std::chrono::year_month_day> screened_on;
  std::vector<KneeRequest> knees;
  CandidacyInput input;  // everything but the age and the knees
};

class BodyReader {
 public:
  std::vector<FieldError> errors;

  void Fail(std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); }

  // Reports every key of `object` outside `known`.
  void OnlyKeys(const Json& object, const std::set<std::string>& known, const std::string& at) {
    for (const auto& [key, value] : object.items())
      if (!known.count(key)) Fail(at + (IsCleanText(key) ? key : "?"), "is not a field of a screening");
  }

  std::optional<int> Integer(const Json& v, const std::string& field) {
    if (v.is_null()) return std::nullopt;
    if (!v.is_number_integer() || v.get<int64_t>() < -1000000 || v.get<int64_t>() > 1000000) {
      Fail(field, "must be a whole number");
      return std::nullopt;
    }
    return static_cast<int>(v.get<int64_t>());
  }

  bool Boolean(const Json& object, const std::string& key, const std::string& at) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_boolean()) {
      Fail(at + key, "must be true or false");
      return false;
    }
    return it->get<bool>();
  }
};

Result<ScreeningRequest> ParseScreeningBody(const Json& body) {
  if (!body.is_object()) return Error::Field(ErrorCode::kValidationFailed, "", "must be a JSON object");
  BodyReader r;
  ScreeningRequest req;
  r.OnlyKeys(body, {"screened_on", "knees", "bmi", "tegner_current", "goal", "prior_knee_surgery",
                    "contraindications"}, "");
  if (auto it = body.find("screened_on"); it != body.end() && !it->is_null()) {
    auto date = it->is_string() ? ParseDate(it->get<std::string>()) : std::nullopt;
    if (!date) r.Fail("screened_on", "must be a date (YYYY-MM-DD)");
    else if (std::chrono::sys_days(*date) > std::chrono::sys_days(TodayUtc()))
      r.Fail("screened_on", "must not be in the future");
    else req.screened_on = date;
  }
  auto knees = body.find("knees");
  if (knees == body.end() || !knees->is_array() || knees->empty() || knees->size() > 2) {
    r.Fail("knees", "must list one or two knees");
  } else {
    for (size_t i = 0; i < knees->size(); ++i) {
      const Json& k = (*knees)[i];
      const std::string at = "knees/" + std::to_string(i) + "/";
      if (!k.is_object()) {
        r.Fail(at.substr(0, at.size() - 1), "must be an object with knee_id");
        continue;
      }
      r.OnlyKeys(k, {"knee_id", "kl_grade", "lesions"}, at);
      KneeRequest knee;
      auto id = k.find("knee_id");
      if (id == k.end() || !id->is_number_integer() || id->get<int64_t>() < 1)
        r.Fail(at + "knee_id", "must be the id of a knee of this patient");
      else
        knee.knee_id = id->get<int64_t>();
      if (auto kl = k.find("kl_grade"); kl != k.end()) {
        knee.has_kl_grade = true;
        knee.kl_grade = r.Integer(*kl, at + "kl_grade");
      }
      if (auto lesions = k.find("lesions"); lesions != k.end()) {
        knee.has_lesions = true;
        if (!lesions->is_array()) {
          r.Fail(at + "lesions", "must be a list of lesions");
        } else {
          for (size_t j = 0; j < lesions->size(); ++j) {
            const Json& l = (*lesions)[j];
            const std::string lat = at + "lesions/" + std::to_string(j) + "/";
            if (!l.is_object()) {
              r.Fail(lat.substr(0, lat.size() - 1), "must be an object with icrs_grade and area_cm2");
              continue;
            }
            r.OnlyKeys(l, {"icrs_grade", "area_cm2"}, lat);
            CartilageLesion lesion;
            if (auto g = l.find("icrs_grade"); g != l.end() && g->is_string())
              lesion.icrs_grade = g->get<std::string>();
            else
              r.Fail(lat + "icrs_grade", "must be an ICRS grade");
            if (auto a = l.find("area_cm2"); a != l.end() && a->is_number()) lesion.area_cm2 = a->get<double>();
            else r.Fail(lat + "area_cm2", "must be a number");
            knee.lesions.push_back(std::move(lesion));
          }
        }
      }
      req.knees.push_back(std::move(knee));
    }
  }
  CandidacyInput& in = req.input;
  if (auto it = body.find("bmi"); it != body.end() && !it->is_null()) {
    if (it->is_number()) in.bmi = it->get<double>();
    else r.Fail("bmi", "must be a number");
  }
  if (auto it = body.find("tegner_current"); it != body.end()) in.tegner_current = r.Integer(*it, "tegner_current");
  if (auto it = body.find("goal"); it != body.end() && !it->is_null()) {
    auto goal = it->is_string() ? ParseGoal(it->get<std::string>()) : std::nullopt;
    if (!goal) r.Fail("goal", "must be avoid_or_delay_replacement, pain_relief or return_to_activity");
    else in.goal = *goal;
  }
  in.prior_knee_surgery = r.Boolean(body, "prior_knee_surgery", "");
  if (auto it = body.find("contraindications"); it != body.end() && !it->is_null()) {
    const std::string at = "contraindications/";
    if (!it->is_object()) {
      r.Fail("contraindications", "must be an object");
    } else {
      const Json& c = *it;
      r.OnlyKeys(c, {"active_infection", "active_malignancy", "months_since_malignancy_treatment", "pregnancy",
                     "systemic_immunosuppression", "bleeding_disorder_or_anticoagulation",
                     "weeks_since_intra_articular_steroid"}, at);
      Contraindications& ci = in.contraindications;
      ci.active_infection = r.Boolean(c, "active_infection", at);
      ci.active_malignancy = r.Boolean(c, "active_malignancy", at);
      ci.pregnancy = r.Boolean(c, "pregnancy", at);
      ci.systemic_immunosuppression = r.Boolean(c, "systemic_immunosuppression", at);
      ci.bleeding_disorder_or_anticoagulation = r.Boolean(c, "bleeding_disorder_or_anticoagulation", at);
      if (auto m = c.find("months_since_malignancy_treatment"); m != c.end())
        ci.months_since_malignancy_treatment = r.Integer(*m, at + "months_since_malignancy_treatment");
      if (auto w = c.find("weeks_since_intra_articular_steroid"); w != c.end())
        ci.weeks_since_intra_articular_steroid = r.Integer(*w, at + "weeks_since_intra_articular_steroid");
    }
  }
  if (!r.errors.empty()) return Error::Validation(std::move(r.errors));
  return req;
}

Json OptionalJson(const auto& v) { return v ? Json(*v) : Json(); }

// The input as the screening used it, with where each knee's findings came from.
Json InputToJson(const CandidacyInput& in, const std::vector<KneeRequest>& knees,
                 const std::vector<std::optional<int64_t>>& assessment_ids) {
  Json knee_list = Json::array();
  for (size_t i = 0; i < in.knees.size(); ++i) {
    Json lesions = Json::array();
    for (const auto& l : in.knees[i].lesions)
      lesions.push_back({{"icrs_grade", l.icrs_grade}, {"area_cm2", l.area_cm2}});
    knee_list.push_back({{"knee_id", knees[i].knee_id},
                         {"side", SideName(in.knees[i].side)},
                         {"kl_grade", OptionalJson(in.knees[i].kl_grade)},
                         {"lesions", lesions},
                         {"from_assessment_id", OptionalJson(assessment_ids[i])}});
  }
  const Contraindications& c = in.contraindications;
  return {{"age_years", in.age_years},
          {"knees", knee_list},
          {"bmi", OptionalJson(in.bmi)},
          {"tegner_current", OptionalJson(in.tegner_current)},
          {"goal", GoalName(in.goal)},
          {"prior_knee_surgery", in.prior_knee_surgery},
          {"contraindications",
           {{"active_infection", c.active_infection},
            {"active_malignancy", c.active_malignancy},
            {"months_since_malignancy_treatment", OptionalJson(c.months_since_malignancy_treatment)},
            {"pregnancy", c.pregnancy},
            {"systemic_immunosuppression", c.systemic_immunosuppression},
            {"bleeding_disorder_or_anticoagulation", c.bleeding_disorder_or_anticoagulation},
            {"weeks_since_intra_articular_steroid", OptionalJson(c.weeks_since_intra_articular_steroid)}}}};
}

Json ScreeningToJson(const ScreeningRow& row) {
  return {{"id", row.id},
          {"patient_id", row.patient_id},
          {"screened_on", row.screened_on},
          {"input", Json::parse(row.input_json)},
          {"tier", row.tier},
          {"reasons", Json::parse(row.reasons_json)},
          {"rules_version", row.rules_version},
          {"created_by", OptionalJson(row.created_by)},
          {"created_at", row.created_at}};
}

CandidacyRules LoadRules(ReadTransaction& tx, int64_t clinic_id) {
  auto row = tx.CurrentCandidacyRules(clinic_id);
  if (!row) return DefaultCandidacyRules();
  auto rules = ParseCandidacyRules(Json::parse(row->rules_json));
  if (!rules) throw std::runtime_error("stored candidacy rules no longer parse");
  return *rules;
}

// The knee's latest assessment that has a KL grade (latest by assessment date, then by id).
std::optional<Json> LatestGradedAssessment(ReadTransaction& tx, int64_t clinic_id, int64_t knee_id) {
  const RecordSchema& schema = *FindRecordSchema("assessments");
  ListQuery query{.filters = {{schema.Field("knee_id"), Json(knee_id)}}, .limit = 1000};
  std::optional<Json> latest;
  for (Json& a : tx.ListRecords(schema, clinic_id, query).items) {
    if (a["kl_grade"].is_null()) continue;
    if (!latest || a["assessed_on"].get<std::string>() >= (*latest)["assessed_on"].get<std::string>())
      latest = std::move(a);
  }
  return latest;
}

std::vector<CartilageLesion> LesionsOf(ReadTransaction& tx, int64_t clinic_id, int64_t assessment_id) {
  const RecordSchema& schema = *FindRecordSchema("cartilage-lesions");
  ListQuery query{.filters = {{schema.Field("assessment_id"), Json(assessment_id)}}, .limit = 1000};
  std::vector<CartilageLesion> lesions;
  for (const Json& l : tx.ListRecords(schema, clinic_id, query).items)
    lesions.push_back({l["icrs_grade"].get<std::string>(), l["area_cm2"].get<double>()});
  return lesions;
}

}  // namespace

const AccessPolicy& ScreeningPolicy() {
  static const AccessPolicy policy{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator},
                                   .create = {Role::kClinician, Role::kCoordinator}};
  return policy;
}

const AccessPolicy& CandidacyRulesPolicy() {
  static const AccessPolicy policy{.read = {Role::kAdmin, Role::kClinician, Role::kCoordinator},
                                   .create = {Role::kAdmin}};
  return policy;
}

Result<ScreeningQuery> ParseScreeningQuery(const std::multimap<std::string, std::string>& params) {
  ScreeningQuery query;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : params) {
    auto v = ParseNonNegativeInt(value);
    if (name == "limit") {
      if (!v || *v < 1) errors.push_back({"limit", "must be a whole number from 1 to 200"});
      else query.limit = static_cast<int>(std::min<int64_t>(*v, kMaxPageSize));
    } else if (name == "cursor") {
      if (!v) errors.push_back({"cursor", "is not a cursor this server returned"});
      else query.after_id = *v;
    } else if (name == "patient_id") {
      if (!v) errors.push_back({"patient_id", "is not a valid value for this filter"});
      else query.patient_id = *v;
    } else {
      errors.push_back({IsCleanText(name) ? name : "", "is not a query parameter of this list"});
    }
  }
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return query;
}

Result<Json> ScreeningService::Screen(const Actor& actor, int64_t patient_id, const Json& body) {
  if (auto permitted = ScreeningPolicy().Check(actor.role, Action::kCreate); !permitted) return permitted.error();
  auto parsed = ParseScreeningBody(body);
  if (!parsed) return parsed.error();
  ScreeningRequest req = std::move(*parsed);
  const auto screened_on = req.screened_on.value_or(TodayUtc());
  Json stored;
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    auto patient = tx.GetRecord(*FindRecordSchema("patients"), actor.clinic_id, patient_id);
    if (!patient) return Error::NotFound();
    CandidacyInput input = req.input;
    auto birth = ParseDate((*patient)["birth_date"].get<std::string>());
    if (!birth) throw std::runtime_error("stored birth date does not parse");
    input.age_years = YearsBetween(*birth, screened_on);
    std::vector<FieldError> errors;
    std::vector<std::optional<int64_t>> assessment_ids;
    for (size_t i = 0; i < req.knees.size(); ++i) {
      const KneeRequest& k = req.knees[i];
      auto knee = tx.GetRecord(*FindRecordSchema("knees"), actor.clinic_id, k.knee_id);
      if (!knee || (*knee)["patient_id"] != patient_id) {
        errors.push_back({"knees/" + std::to_string(i) + "/knee_id", "no such knee of this patient"});
        continue;
      }
      KneeFindings findings{.side = *ParseSide((*knee)["side"].get<std::string>()), .kl_grade = k.kl_grade,
                            .lesions = k.lesions};
      std::optional<int64_t> from;
      if (!k.has_kl_grade || !k.has_lesions) {
        if (auto latest = LatestGradedAssessment(tx, actor.clinic_id, k.knee_id)) {
          from = (*latest)["id"].get<int64_t>();
          if (!k.has_kl_grade) findings.kl_grade = (*latest)["kl_grade"].get<int>();
          if (!k.has_lesions) findings.lesions = LesionsOf(tx, actor.clinic_id, *from);
        }
      }
      input.knees.push_back(std::move(findings));
      assessment_ids.push_back(from);
    }
    if (!errors.empty()) return Error::Validation(std::move(errors));
    if (auto valid = ValidateCandidacyInput(input); !valid) return valid;

    const CandidacyRules rules = LoadRules(tx, actor.clinic_id);
    const Screening result = kneeregen::Screen(input, rules);
    Json reasons = Json::array();
    for (const auto& reason : result.reasons)
      reasons.push_back({{"rule_id", reason.rule_id}, {"text", reason.text}, {"implies", TierName(reason.implies)}});
    ScreeningRow row{.clinic_id = actor.clinic_id,
                     .patient_id = patient_id,
                     .screened_on = FormatDate(screened_on),
                     .input_json = InputToJson(input, req.knees, assessment_ids).dump(),
                     .tier = std::string(TierName(result.tier)),
                     .reasons_json = reasons.dump(),
                     .rules_version = result.rules_version,
                     .created_by = actor.user_id};
    tx.InsertScreening(row);
    stored = ScreeningToJson(row);
    AuditEntry entry = actor.Audit("create", "screenings", row.id);
    entry.patient_id = patient_id;
    entry.after_json = stored.dump();
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return stored;
}

Result<Json> ScreeningService::Get(const Actor& actor, int64_t id) {
  if (auto permitted = ScreeningPolicy().Check(actor.role, Action::kRead); !permitted) return permitted.error();
  std::optional<ScreeningRow> found;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    found = tx.GetScreening(actor.clinic_id, id);
    return Ok{};
  });
  if (!status) return status.error();
  if (!found) return Error::NotFound();
  return ScreeningToJson(*found);
}

Result<RecordPage> ScreeningService::List(const Actor& actor, const ScreeningQuery& query) {
  if (auto permitted = ScreeningPolicy().Check(actor.role, Action::kRead); !permitted) return permitted.error();
  std::vector<ScreeningRow> rows;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    rows = tx.ListScreenings(actor.clinic_id, query.patient_id, query.after_id, query.limit + 1);
    return Ok{};
  });
  if (!status) return status.error();
  RecordPage page;
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(query.limit); ++i)
    page.items.push_back(ScreeningToJson(rows[i]));
  if (rows.size() > static_cast<size_t>(query.limit)) page.next_after_id = page.items.back()["id"];
  return page;
}

Result<Json> ScreeningService::CurrentRules(const Actor& actor) {
  if (auto permitted = CandidacyRulesPolicy().Check(actor.role, Action::kRead); !permitted) return permitted.error();
  CandidacyRules rules;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    rules = LoadRules(tx, actor.clinic_id);
    return Ok{};
  });
  if (!status) return status.error();
  return ToJson(rules);
}

Result<Json> ScreeningService::PublishRules(const Actor& actor, const Json& body) {
  if (auto permitted = CandidacyRulesPolicy().Check(actor.role, Action::kCreate); !permitted) return permitted.error();
  auto rules = ParseCandidacyRules(body);
  if (!rules) return rules.error();
  Json document = ToJson(*rules);
  auto status = store_.Write([&](WriteTransaction& tx) -> Status {
    // The default rules' version names screenings made before any version was published.
    if (rules->version == DefaultCandidacyRules().version ||
        tx.CandidacyRulesVersionExists(actor.clinic_id, rules->version))
      return Error::Field(ErrorCode::kConflict, "version",
                          "is already used by another rules version of this clinic");
    CandidacyRulesRow row{.clinic_id = actor.clinic_id, .version = rules->version, .rules_json = document.dump(),
                          .created_by = actor.user_id};
    tx.InsertCandidacyRules(row);
    AuditEntry entry = actor.Audit("create", "candidacy-rules", row.id);
    entry.after_json = row.rules_json;
    tx.AppendAudit(entry);
    return Ok{};
  });
  if (!status) return status.error();
  return document;
}

}  // namespace kneeregen
