// CourseColumns from the rows: one walk over the courses, names replaced by positions in sorted lists.
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "registry/analytics_rows.hpp"

namespace kneeregen {

namespace {

// Distinct names, sorted, and each name's position among them. A clinic has a handful of products,
// protocols and regions against a million courses, so both Add and Of first try the name they met last.
class NameIndex {
 public:
  void Add(const std::string& name) {
    if (last_ < names_.size() && names_[last_] == name) return;
    auto it = std::find(names_.begin(), names_.end(), name);
    last_ = static_cast<size_t>(it - names_.begin());
    if (it == names_.end()) names_.push_back(name);
  }
  std::vector<std::string> Seal() {
    std::sort(names_.begin(), names_.end());
    if (names_.size() > std::numeric_limits<uint16_t>::max()) throw std::length_error("too many names");
    last_ = 0;
    return names_;
  }
  uint16_t Of(const std::string& name) {
    if (last_ < names_.size() && names_[last_] == name) return static_cast<uint16_t>(last_);
    last_ = static_cast<size_t>(std::lower_bound(names_.begin(), names_.end(), name) - names_.begin());
    return static_cast<uint16_t>(last_);
  }

 private:
  std::vector<std::string> names_;
  size_t last_ = 0;
};

int8_t Small(std::optional<int> value) { return value ? static_cast<int8_t>(*value) : int8_t{-1}; }

}  // namespace

std::optional<uint16_t> CourseColumns::ProductIndex(const std::string& code) const {
  auto it = std::lower_bound(products.begin(), products.end(), code);
  if (it == products.end() || *it != code) return std::nullopt;
  return static_cast<uint16_t>(it - products.begin());
}

namespace {

// What a course's facts say beside its patient number and name positions.
CourseFacts FactsOf(const CourseRow& row, uint16_t product, uint16_t protocol) {
  CourseFacts f;
  f.protocol_id = row.protocol_id.value_or(0);
  f.practitioner_id = row.practitioner_id.value_or(0);
  if (row.age) f.age = *row.age;
  if (row.bmi) f.bmi = *row.bmi;
  f.first_session = row.first_session;
  f.last_recorded = row.last_recorded;
  f.treated_knee_surgery = row.treated_knee_surgery.value_or(kNoDay);
  f.death = row.death.value_or(kNoDay);
  f.other_knee_replaced = row.other_knee_replaced.value_or(kNoDay);
  f.product = product;
  f.protocol = protocol;
  f.sessions = static_cast<uint8_t>(std::clamp(row.sessions, 0, 255));
  f.sessions_intended = static_cast<uint8_t>(std::clamp(row.sessions_intended, 0, 255));
  f.kl_grade = Small(row.kl_grade);
  f.ligament_sites = row.ligament_sites;
  return f;
}

// Appends the course's adverse events, and its first cartilage pair of each region, to the flat lists.
template <typename RegionOf>
void AddListed(const CourseRow& row, uint32_t course, RegionOf region_of,
               std::vector<CourseColumns::AdverseEvent>& events,
               std::vector<CourseColumns::CartilagePair>& pairs) {
  for (const auto& e : row.adverse_events)
    events.push_back(
        {.course = course, .grade = static_cast<uint8_t>(std::clamp(e.grade, 0, 255)), .serious = e.serious});
  for (size_t i = 0; i < row.cartilage.size(); ++i) {
    const CartilageChangeRow& c = row.cartilage[i];
    const auto earlier = row.cartilage.begin() + static_cast<std::ptrdiff_t>(i);
    if (std::any_of(row.cartilage.begin(), earlier,
                    [&](const CartilageChangeRow& r) { return r.region == c.region; }))
      continue;
    pairs.push_back({.course = course,
                     .region = region_of(c.region),
                     .knee_id = row.knee_id,
                     .baseline_mm = c.baseline_mm,
                     .follow_up_mm = c.follow_up_mm});
  }
}

// The position of `name` in a sealed (sorted) list, or nothing when it is not listed.
std::optional<uint16_t> Listed(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::lower_bound(names.begin(), names.end(), name);
  if (it == names.end() || *it != name) return std::nullopt;
  return static_cast<uint16_t>(it - names.begin());
}

// `list` (ordered by course) with the entries of the `changed` courses replaced by `fresh` (theirs, in
// order).
template <typename Entry>
void ReplaceListed(std::vector<Entry>& list, const std::vector<size_t>& changed,
                   const std::vector<Entry>& fresh) {
  std::vector<Entry> out;
  out.reserve(list.size() + fresh.size());
  auto next = fresh.begin();
  for (const Entry& e : list) {
    for (; next != fresh.end() && next->course <= e.course; ++next) out.push_back(*next);
    if (!std::binary_search(changed.begin(), changed.end(), size_t{e.course})) out.push_back(e);
  }
  out.insert(out.end(), next, fresh.end());
  list = std::move(out);
}

}  // namespace

void IndexCourses(const std::vector<CourseRow>& courses, CourseColumns& out) {
  if (courses.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("too many courses");
  out.adverse_events.clear();
  out.cartilage.clear();
  NameIndex products, protocols, regions;
  int64_t first_patient = std::numeric_limits<int64_t>::max(), last_patient = 0;
  for (const CourseRow& row : courses) {
    products.Add(row.product);
    protocols.Add(row.protocol_name);
    for (const auto& c : row.cartilage) regions.Add(c.region);
    first_patient = std::min(first_patient, row.patient_id);
    last_patient = std::max(last_patient, row.patient_id);
  }
  out.products = products.Seal();
  out.protocol_names = protocols.Seal();
  out.regions = regions.Seal();
  // Patient ids of one clinic lie close together: their offset from the smallest is a dense number.
  std::vector<int64_t> patient_ids;
  const bool dense = courses.empty() || last_patient - first_patient < std::numeric_limits<uint32_t>::max();
  if (dense) {
    out.patient_span = courses.empty() ? 0 : static_cast<uint32_t>(last_patient - first_patient + 1);
  } else {
    for (const CourseRow& row : courses) patient_ids.push_back(row.patient_id);
    std::sort(patient_ids.begin(), patient_ids.end());
    patient_ids.erase(std::unique(patient_ids.begin(), patient_ids.end()), patient_ids.end());
    out.patient_span = static_cast<uint32_t>(patient_ids.size());
  }

  out.facts.resize(courses.size());
  for (size_t i = 0; i < courses.size(); ++i) {
    const CourseRow& row = courses[i];
    CourseFacts& f = out.facts[i];
    f = FactsOf(row, products.Of(row.product), protocols.Of(row.protocol_name));
    f.patient =
        dense
            ? static_cast<uint32_t>(row.patient_id - first_patient)
            : static_cast<uint32_t>(std::lower_bound(patient_ids.begin(), patient_ids.end(), row.patient_id) -
                                    patient_ids.begin());
    AddListed(
        row, static_cast<uint32_t>(i), [&](const std::string& r) { return regions.Of(r); },
        out.adverse_events, out.cartilage);
  }
}

bool ReindexCourses(const std::vector<CourseRow>& courses, const std::vector<size_t>& changed,
                    CourseColumns& columns) {
  for (size_t i : changed) {
    const CourseRow& row = courses[i];
    if (!Listed(columns.products, row.product) || !Listed(columns.protocol_names, row.protocol_name))
      return false;
    for (const auto& c : row.cartilage)
      if (!Listed(columns.regions, c.region)) return false;
  }
  std::vector<CourseColumns::AdverseEvent> events;
  std::vector<CourseColumns::CartilagePair> pairs;
  for (size_t i : changed) {
    const CourseRow& row = courses[i];
    const uint32_t patient = columns.facts[i].patient;  // the same patient's course: its number stays
    columns.facts[i] = FactsOf(row, *Listed(columns.products, row.product),
                               *Listed(columns.protocol_names, row.protocol_name));
    columns.facts[i].patient = patient;
    AddListed(
        row, static_cast<uint32_t>(i), [&](const std::string& r) { return *Listed(columns.regions, r); },
        events, pairs);
  }
  ReplaceListed(columns.adverse_events, changed, events);
  ReplaceListed(columns.cartilage, changed, pairs);
  return true;
}

}  // namespace kneeregen
