#include "registry/analytics_snapshot.hpp"

#include <algorithm>
#include <set>

namespace kneeregen {

namespace {

// Kinds analytics reads for the whole clinic rather than per patient: a change to one re-reads the clinic.
bool IsClinicWide(const std::string& object_type) {
  return object_type == "clinics" || object_type == "protocol-templates" || object_type == "prom-settings";
}

// Kinds analytics reads per patient (analytics_rows.cpp). Their changes always name a patient; one that
// does not (a bulk load) re-reads the clinic.
bool IsPatientKind(const std::string& object_type) {
  static const std::set<std::string> kinds = {
      "patients",       "knees",           "assessments",           "treatment-courses", "treatment-sessions",
      "injections",     "adverse-events",  "outcome-events",        "followups",         "prom-scores",
      "prom-responses", "imaging-studies", "cartilage-measurements"};
  return kinds.count(object_type) > 0;
}

// The patients whose rows the audit rows after `after_id` may have changed, or nothing when the clinic
// must be read again.
std::optional<std::vector<int64_t>> ChangedPatients(ReadTransaction& tx, int64_t clinic_id, int64_t after_id,
                                                    size_t max_patients) {
  std::set<int64_t> patients;
  int read = 0;
  for (int64_t cursor = after_id;;) {
    auto changes = tx.ListAuditChanges(clinic_id, cursor, 5000);
    if (changes.empty()) break;
    for (const auto& change : changes) {
      if (change.patient_id)
        patients.insert(*change.patient_id);
      else if (IsClinicWide(change.object_type) || IsPatientKind(change.object_type))
        return std::nullopt;
      // Anything else (sign-ins, accounts, price lists, consent templates) is not read by analytics.
    }
    read += static_cast<int>(changes.size());
    if (read > AnalyticsSnapshots::kMaxChanges || patients.size() > max_patients) return std::nullopt;
    cursor = changes.back().id;
  }
  return std::vector<int64_t>(patients.begin(), patients.end());
}

}  // namespace

namespace {

// The common change (a follow-up answered, an event recorded) keeps a patient's courses: each is
// overwritten where it is, no other course moves. False, touching nothing, when the courses differ.
bool ReplaceInPlace(ClinicRows& rows, const std::vector<size_t>& at, ClinicRows& fresh) {
  if (at.size() != fresh.courses.size()) return false;
  for (size_t i = 0; i < at.size(); ++i)
    if (rows.courses[at[i]].course_id != fresh.courses[i].course_id ||
        rows.courses[at[i]].patient_id != fresh.courses[i].patient_id)
      return false;
  const size_t timepoints = rows.timepoints.size();
  for (size_t i = 0; i < at.size(); ++i) {
    rows.courses[at[i]] = std::move(fresh.courses[i]);
    std::copy_n(fresh.koos.begin() + static_cast<std::ptrdiff_t>(i * timepoints), timepoints,
                rows.koos.begin() + static_cast<std::ptrdiff_t>(at[i] * timepoints));
  }
  return true;
}

// Otherwise the kept courses and the fresh ones, each in course-id order, are merged with their KOOS blocks.
void Merge(ClinicRows& rows, const std::vector<size_t>& at, ClinicRows& fresh) {
  const size_t timepoints = rows.timepoints.size();
  std::vector<CourseRow> courses;
  std::vector<KoosAt> koos;
  courses.reserve(rows.courses.size() - at.size() + fresh.courses.size());
  koos.reserve(courses.capacity() * timepoints);
  auto take = [&](ClinicRows& from, size_t i) {
    courses.push_back(std::move(from.courses[i]));
    const auto block = from.koos.begin() + static_cast<std::ptrdiff_t>(i * timepoints);
    koos.insert(koos.end(), block, block + static_cast<std::ptrdiff_t>(timepoints));
  };
  size_t old = 0, next = 0, dropped = 0;
  while (old < rows.courses.size() || next < fresh.courses.size()) {
    if (dropped < at.size() && old == at[dropped]) {
      ++old, ++dropped;
    } else if (next == fresh.courses.size() ||
               (old < rows.courses.size() && rows.courses[old].course_id < fresh.courses[next].course_id)) {
      take(rows, old++);
    } else {
      take(fresh, next++);
    }
  }
  rows.courses = std::move(courses);
  rows.koos = std::move(koos);
}

}  // namespace

void ReplacePatients(ClinicRows& rows, const std::vector<int64_t>& patients, ClinicRows fresh) {
  std::vector<size_t> at;  // positions of the patients' courses
  for (size_t i = 0; i < rows.courses.size(); ++i)
    if (std::binary_search(patients.begin(), patients.end(), rows.courses[i].patient_id)) at.push_back(i);
  const bool in_place = ReplaceInPlace(rows, at, fresh);
  if (!in_place) Merge(rows, at, fresh);
  rows.synthetic = fresh.synthetic || std::any_of(rows.courses.begin(), rows.courses.end(),
                                                  [](const CourseRow& r) { return r.synthetic; });
  if (!in_place || !ReindexCourses(rows.courses, at, rows.columns)) IndexCourses(rows.courses, rows.columns);
}

AnalyticsSnapshots::Entry& AnalyticsSnapshots::EntryOf(int64_t clinic_id) {
  std::lock_guard lock(mutex_);
  auto& entry = entries_[clinic_id];
  if (!entry) entry = std::make_unique<Entry>();
  return *entry;
}

AnalyticsSnapshots::Refresh AnalyticsSnapshots::Update(ReadTransaction& tx, int64_t clinic_id, Entry& entry,
                                                       int64_t latest) {
  Refresh refresh;
  std::optional<std::vector<int64_t>> patients;
  if (entry.built)
    patients =
        ChangedPatients(tx, clinic_id, entry.audit_id, entry.rows.courses.size() / kMaxPatientShare + 100);
  if (patients && patients->empty()) {  // only changes analytics does not read
    entry.audit_id = latest;
    return {.kind = Refresh::Kind::kUnchanged};
  }
  if (patients) {
    ClinicRows fresh = ExtractPatientRows(tx, clinic_id, *patients);
    // The clinic-wide parts are read again with the patients: if they moved without an audited change of
    // their own, the patch would be inconsistent, so the clinic is read instead.
    if (fresh.timepoints == entry.rows.timepoints && fresh.protocol_names == entry.rows.protocol_names) {
      ReplacePatients(entry.rows, *patients, std::move(fresh));
      entry.audit_id = latest;
      return {.kind = Refresh::Kind::kPatients, .patients = patients->size()};
    }
  }
  entry.rows = ExtractClinicRows(tx, clinic_id);
  entry.built = true;
  entry.audit_id = latest;
  return refresh;
}

AnalyticsSnapshots::Refresh AnalyticsSnapshots::Last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

AnalyticsSnapshots::Refresh AnalyticsSnapshots::Use(ReadTransaction& tx, int64_t clinic_id,
                                                    const std::function<void(const ClinicRows&)>& use) {
  const Refresh refresh = Bring(tx, clinic_id, use);
  std::lock_guard lock(mutex_);
  last_ = refresh;
  return refresh;
}

AnalyticsSnapshots::Refresh AnalyticsSnapshots::Bring(ReadTransaction& tx, int64_t clinic_id,
                                                      const std::function<void(const ClinicRows&)>& use) {
  Entry& entry = EntryOf(clinic_id);
  // Read first: rows that reflect at least this audit row include everything this transaction can see.
  const int64_t latest = tx.LatestAuditId(clinic_id);
  {
    std::shared_lock shared(entry.mutex);
    if (entry.built && entry.audit_id >= latest) {
      use(entry.rows);
      return {.kind = Refresh::Kind::kUnchanged};
    }
  }
  Refresh refresh{.kind = Refresh::Kind::kUnchanged};
  {
    std::unique_lock exclusive(entry.mutex);
    if (!entry.built || entry.audit_id < latest) refresh = Update(tx, clinic_id, entry, latest);
  }
  std::shared_lock shared(entry.mutex);
  use(entry.rows);
  return refresh;
}

}  // namespace kneeregen
