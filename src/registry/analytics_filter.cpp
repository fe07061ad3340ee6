#include "registry/analytics_filter.hpp"

#include <algorithm>
#include <charconv>

#include "clinic/protocol_planner.hpp"
#include "core/time.hpp"
#include "registry/course_plan.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

std::optional<int64_t> ParseInteger(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

class FilterReader {
 public:
  explicit FilterReader(const QueryParameters& query) : query_(query) {}

  std::optional<std::string> Once(const std::string& name) {
    auto [first, last] = query_.equal_range(name);
    if (first == last) return std::nullopt;
    if (std::next(first) != last) {
      errors_.push_back({name, "is given more than once"});
      return std::nullopt;
    }
    return first->second;
  }

  template <class T>
  std::optional<T> Integer(const std::string& name, int64_t min, int64_t max) {
    auto text = Once(name);
    if (!text) return std::nullopt;
    auto value = ParseInteger(*text);
    if (!value || *value < min || *value > max) {
      errors_.push_back(
          {name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)});
      return std::nullopt;
    }
    return static_cast<T>(*value);
  }

  std::optional<bool> Boolean(const std::string& name) {
    auto text = Once(name);
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "yes") return true;
    if (*text == "false" || *text == "no") return false;
    errors_.push_back({name, "must be true or false"});
    return std::nullopt;
  }

  std::optional<std::string> Date(const std::string& name) {
    auto text = Once(name);
    if (!text) return std::nullopt;
    if (!ParseDate(*text)) {
      errors_.push_back({name, "must be a date, YYYY-MM-DD"});
      return std::nullopt;
    }
    return text;
  }

  std::optional<std::string> Code(const std::string& name) {
    auto text = Once(name);
    if (!text) return std::nullopt;
    if (!IsCatalogueCode(*text)) {
      errors_.push_back({name, "must be a product code such as bone_marrow_concentrate"});
      return std::nullopt;
    }
    return text;
  }

  void Fail(std::string name, std::string message) {
    errors_.push_back({std::move(name), std::move(message)});
  }
  std::vector<FieldError>& errors() { return errors_; }

 private:
  const QueryParameters& query_;
  std::vector<FieldError> errors_;
};

}  // namespace

const std::vector<std::string>& CohortFilterNames() {
  static const std::vector<std::string> names = {
      "protocol", "product", "sessions",     "ligament_sites",     "kl_grade",
      "age_min",  "age_max", "practitioner", "first_session_from", "first_session_to"};
  return names;
}

Json CohortFilter::ToJson() const {
  Json out = Json::object();
  if (protocol_id) out["protocol"] = *protocol_id;
  if (product) out["product"] = *product;
  if (sessions) out["sessions"] = *sessions;
  if (ligament_sites) out["ligament_sites"] = *ligament_sites;
  if (kl_grade) out["kl_grade"] = *kl_grade;
  if (age_min) out["age_min"] = *age_min;
  if (age_max) out["age_max"] = *age_max;
  if (practitioner_id) out["practitioner"] = *practitioner_id;
  if (first_session_from) out["first_session_from"] = *first_session_from;
  if (first_session_to) out["first_session_to"] = *first_session_to;
  return out;
}

Result<CohortFilter> ParseCohortFilter(const QueryParameters& query,
                                       const std::vector<std::string>& also_allowed) {
  FilterReader in(query);
  for (const auto& [name, value] : query) {
    const auto& names = CohortFilterNames();
    if (std::find(names.begin(), names.end(), name) == names.end() &&
        std::find(also_allowed.begin(), also_allowed.end(), name) == also_allowed.end())
      in.Fail(name, "is not a filter of this report");
  }
  CohortFilter f;
  f.protocol_id = in.Integer<int64_t>("protocol", 1, INT64_MAX);
  f.product = in.Code("product");
  f.sessions = in.Integer<int>("sessions", 1, kMaxSessions);
  f.ligament_sites = in.Boolean("ligament_sites");
  f.kl_grade = in.Integer<int>("kl_grade", 0, 4);
  f.age_min = in.Integer<int>("age_min", 0, 130);
  f.age_max = in.Integer<int>("age_max", 0, 130);
  f.practitioner_id = in.Integer<int64_t>("practitioner", 1, INT64_MAX);
  f.first_session_from = in.Date("first_session_from");
  f.first_session_to = in.Date("first_session_to");
  if (f.age_min && f.age_max && *f.age_min > *f.age_max) in.Fail("age_max", "must not be below age_min");
  if (f.first_session_from && f.first_session_to && *f.first_session_from > *f.first_session_to)
    in.Fail("first_session_to", "must not be before first_session_from");
  if (!in.errors().empty()) return Error::Validation(std::move(in.errors()));
  return f;
}

Status CheckCohortFilterAgainst(ReadTransaction& tx, int64_t clinic_id, const CohortFilter& filter) {
  std::vector<FieldError> errors;
  if (filter.protocol_id && !tx.GetRecord(KnownSchema("protocol-templates"), clinic_id, *filter.protocol_id))
    errors.push_back({"protocol", "is not a protocol template of this clinic"});
  if (filter.practitioner_id &&
      !tx.GetRecord(KnownSchema("practitioners"), clinic_id, *filter.practitioner_id))
    errors.push_back({"practitioner", "is not a practitioner of this clinic"});
  // A product retired from the catalogue still names the courses that used it.
  if (filter.product && !CurrentCatalogue(tx, clinic_id).catalogue.FindProduct(*filter.product) &&
      !NewestRecord(tx, KnownSchema("treatment-courses"), clinic_id, {{"product", *filter.product}}))
    errors.push_back({"product", "is not a product of this clinic's catalogue or courses"});
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return Ok{};
}

}  // namespace kneeregen
