#include "registry/analytics_rows.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "core/time.hpp"
#include "registry/followups.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

std::string Str(const Json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }
std::optional<double> Num(const Json& v) {
  return v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
}
int64_t Id(const Json& v) { return v.is_number_integer() ? v.get<int64_t>() : 0; }

bool IsKneeSurgery(const std::string& type) {
  return type == "total_knee_replacement" || type == "unicompartmental_knee_replacement" ||
         type == "osteotomy";
}
bool IsReplacement(const std::string& type) {
  return type == "total_knee_replacement" || type == "unicompartmental_knee_replacement";
}

void Later(std::string& latest, const std::string& date) {
  if (date.size() >= 10 && date.substr(0, 10) > latest) latest = date.substr(0, 10);
}

// The field `name` of `schema`; a name analytics asks for that the schema lacks is a programming error.
const FieldSpec& Required(const RecordSchema& schema, const std::string& name) {
  const FieldSpec* field = schema.Field(name);
  if (!field) throw std::logic_error(schema.resource + " has no field " + name);
  return *field;
}

// A kind's records of one clinic, or of some of its patients, read a page at a time and only the fields
// named: a whole clinic is never held as JSON at once, and the large text and JSON columns analytics never
// looks at are never read. With patients, one query per patient through the kind's patient index.
class RecordPages {
 public:
  RecordPages(ReadTransaction& tx, const RecordSchema& schema, int64_t clinic_id,
              std::initializer_list<const char*> fields, const FieldFilters& filters,
              const std::vector<int64_t>* patients)
      : tx_(tx), schema_(schema), clinic_id_(clinic_id), patients_(patients) {
    for (const char* name : fields) query_.fields.push_back(&Required(schema, name));
    for (const auto& [name, value] : filters) query_.filters.emplace_back(&Required(schema, name), value);
    if (patients_) query_.filters.emplace_back(&Required(schema, schema.patient_field), nullptr);
    query_.limit = 1000;
    LoadScope();
  }

  class Iterator {
   public:
    explicit Iterator(RecordPages* pages) : pages_(pages) {}
    const Json& operator*() const { return pages_->page_.items[index_]; }
    Iterator& operator++() {
      if (++index_ == pages_->page_.items.size()) {
        pages_->Next();
        index_ = 0;
      }
      return *this;
    }
    bool operator!=(const Iterator&) const { return index_ < pages_->page_.items.size(); }

   private:
    RecordPages* pages_;
    size_t index_ = 0;
  };
  Iterator begin() { return Iterator(this); }
  Iterator end() { return Iterator(this); }

 private:
  // The first page of the current scope (the clinic, or patient number `scope_`), skipping empty ones.
  void LoadScope() {
    query_.after_id = 0;
    if (!patients_) {
      page_ = tx_.ListRecords(schema_, clinic_id_, query_);
      return;
    }
    page_ = {};
    for (; scope_ < patients_->size() && page_.items.empty(); ++scope_) {
      query_.filters.back().second = (*patients_)[scope_];
      page_ = tx_.ListRecords(schema_, clinic_id_, query_);
    }
  }
  void Next() {
    if (page_.next_after_id) {
      query_.after_id = *page_.next_after_id;
      page_ = tx_.ListRecords(schema_, clinic_id_, query_);
    } else if (patients_) {
      LoadScope();
    } else {
      page_ = {};  // the clinic's last page was read
    }
  }

  ReadTransaction& tx_;
  const RecordSchema& schema_;
  int64_t clinic_id_;
  const std::vector<int64_t>* patients_;
  size_t scope_ = 0;
  ListQuery query_;
  RecordPage page_;
};

struct Assessment {
  std::string date;
  std::optional<int> kl;
  std::optional<double> bmi;
};

struct Mri {
  int64_t id = 0;
  std::string date;
  std::vector<std::tuple<std::string, std::string, double>> measurements;  // region, method, thickness
};

struct FollowUp {
  int64_t course_id = 0;
  size_t timepoint = 0;  // index into ClinicRows::timepoints
  bool completed = false;
  Day window_closes = kNoDay;
};

// Everything read once, keyed for joining.
class ClinicReader {
 public:
  // Every treated course of the clinic, or only those of `patients` (sorted ids) when given.
  ClinicReader(ReadTransaction& tx, int64_t clinic_id, const std::vector<int64_t>* patients = nullptr)
      : tx_(tx), clinic_id_(clinic_id), patients_(patients) {}

  ClinicRows Read() {
    ClinicRows out;
    auto clinic = tx_.GetClinic(clinic_id_);
    out.synthetic = clinic && clinic->synthetic;
    for (const auto& t : RecordPages(tx_, KnownSchema("protocol-templates"), clinic_id_, {"name"}, {}, nullptr))
      out.protocol_names[Id(t["id"])] = Str(t["name"]);
    out.timepoints.push_back("baseline");
    for (const auto& tp : CurrentPromSettings(tx_, clinic_id_).schedule.timepoints)
      out.timepoints.push_back(tp.code);
    for (size_t i = 0; i < out.timepoints.size(); ++i) timepoint_index_.emplace(out.timepoints[i], i);

    ReadPeople();
    ReadTreatment();
    ReadEvents();
    ReadProms();
    ReadImaging();

    for (auto& [id, course] : courses_) {
      if (course.sessions == 0) continue;  // planned but never treated
      course.synthetic = course_synthetic_[id];
      out.synthetic = out.synthetic || course.synthetic;
      Complete(course);
      out.courses.push_back(std::move(course));
      const std::vector<KoosAt>& koos = koos_[id];
      out.koos.insert(out.koos.end(), koos.begin(), koos.end());
    }
    for (auto& row : out.courses) {
      if (!row.protocol_id)
        row.protocol_name = "custom plan";
      else
        row.protocol_name = out.protocol_names[*row.protocol_id];
    }
    IndexCourses(out.courses, out.columns);
    return out;
  }

 private:
  RecordPages All(const char* kind, std::initializer_list<const char*> fields, const FieldFilters& filters = {}) {
    return All(KnownSchema(kind), fields, filters);
  }
  RecordPages All(const RecordSchema& schema, std::initializer_list<const char*> fields,
                  const FieldFilters& filters = {}) {
    return RecordPages(tx_, schema, clinic_id_, fields, filters, patients_);
  }

  void ReadPeople() {
    auto person = [&](const Json& p) {
      people_[Id(p["id"])] = {Str(p["birth_date"]), Str(p["sex"])};
    };
    if (!patients_) {
      for (const auto& p : All("patients", {"birth_date", "sex"})) person(p);
    } else {
      for (int64_t id : *patients_)
        if (auto p = tx_.GetRecord(KnownSchema("patients"), clinic_id_, id)) person(*p);
    }
    for (const auto& k : All("knees", {"patient_id"})) knee_patient_[Id(k["id"])] = Id(k["patient_id"]);
    for (const auto& a : All("assessments", {"patient_id", "knee_id", "assessed_on", "bmi", "kl_grade"})) {
      const int64_t patient = Id(a["patient_id"]);
      Assessment row{.date = Str(a["assessed_on"]), .bmi = Num(a["bmi"])};
      if (a["kl_grade"].is_number_integer()) row.kl = a["kl_grade"].get<int>();
      knee_assessments_[Id(a["knee_id"])].push_back(row);
      patient_assessments_[patient].push_back(row);
      Later(last_contact_[patient], row.date);
    }
  }

  void ReadTreatment() {
    for (const auto& c : All("treatment-courses", {"patient_id", "knee_id", "product", "template_id", "practitioner_id",
                                                   "plan_request", "sessions_planned", "ligament_sites"})) {
      CourseRow row;
      row.course_id = Id(c["id"]);
      row.patient_id = Id(c["patient_id"]);
      row.knee_id = Id(c["knee_id"]);
      row.product = Str(c["product"]);
      if (c["template_id"].is_number_integer()) row.protocol_id = Id(c["template_id"]);
      if (c["practitioner_id"].is_number_integer()) row.practitioner_id = Id(c["practitioner_id"]);
      const Json& requested = c["plan_request"];
      if (requested.is_object() && requested.contains("sessions") &&
          requested["sessions"].is_number_integer())
        row.sessions_intended = requested["sessions"].get<int>();
      else if (c["sessions_planned"].is_number_integer())
        row.sessions_intended = c["sessions_planned"].get<int>();
      row.ligament_sites = c["ligament_sites"] == true;  // the plan's, until injections say otherwise
      koos_[row.course_id].resize(timepoint_index_.size());
      course_synthetic_[row.course_id] = c.value("synthetic", false) == true;
      courses_.emplace(row.course_id, std::move(row));
    }
    for (const auto& s : All("treatment-sessions", {"course_id", "performed_on", "practitioner_id"})) {
      auto it = courses_.find(Id(s["course_id"]));
      if (it == courses_.end()) continue;
      CourseRow& row = it->second;
      const std::string date = Str(s["performed_on"]);
      ++row.sessions;
      std::string& first = first_session_[row.course_id];
      if (first.empty() || date < first) {
        first = date;
        first_injector_[row.course_id] = Id(s["practitioner_id"]);
      }
      Later(last_contact_[row.patient_id], date);
    }
    std::unordered_map<int64_t, bool> ligament;  // from what was injected, when injections were recorded
    for (const auto& i : All("injections", {"course_id", "site"})) {
      bool& any = ligament[Id(i["course_id"])];
      any = any || Str(i["site"]) != "intra_articular";
    }
    // A course without a responsible clinician is attributed to whoever gave its first injection.
    for (auto& [id, row] : courses_)
      if (!row.practitioner_id && first_injector_.count(id)) row.practitioner_id = first_injector_[id];
    for (const auto& [course, any] : ligament)
      if (auto it = courses_.find(course); it != courses_.end()) it->second.ligament_sites = any;
    for (const auto& e : All("adverse-events", {"course_id", "ctcae_grade", "serious", "onset_date"})) {
      auto it = courses_.find(Id(e["course_id"]));
      if (it == courses_.end()) continue;
      it->second.adverse_events.push_back(
          {.grade = e["ctcae_grade"].get<int>(), .serious = e["serious"] == true});
      Later(last_contact_[it->second.patient_id], Str(e["onset_date"]));
    }
  }

  void ReadEvents() {
    for (const auto& e : All("outcome-events", {"patient_id", "knee_id", "event_type", "event_date"})) {
      const int64_t patient = Id(e["patient_id"]);
      events_[patient].push_back(e);
      Later(last_contact_[patient], Str(e["event_date"]));
    }
  }

  void ReadProms() {
    std::unordered_map<int64_t, FollowUp> followups;
    for (const auto& f :
         All(FollowUpSchema(), {"course_id", "patient_id", "timepoint", "status", "window_closes", "completed_at"})) {
      const std::string status = Str(f["status"]);
      if (status == "cancelled") continue;
      auto timepoint = timepoint_index_.find(Str(f["timepoint"]));
      if (timepoint == timepoint_index_.end()) continue;  // no longer in the clinic's schedule
      FollowUp row{.course_id = Id(f["course_id"]),
                   .timepoint = timepoint->second,
                   .completed = status == "completed",
                   .window_closes = ToDay(Str(f["window_closes"])).value_or(kNoDay)};
      followups.emplace(Id(f["id"]), row);
      if (status == "completed") Later(last_contact_[Id(f["patient_id"])], Str(f["completed_at"]));
    }
    for (const auto& s : All(PromScoreSchema(), {"followup_id", "scale", "score"}, {{"instrument", "koos"}})) {
      auto f = followups.find(Id(s["followup_id"]));
      if (f == followups.end()) continue;
      auto course = courses_.find(f->second.course_id);
      if (course == courses_.end()) continue;
      KoosAt& at = koos_[course->first][f->second.timepoint];
      const std::string scale = Str(s["scale"]);
      for (size_t k = 0; k < kKoosScales.size(); ++k)
        if (scale == kKoosScales[k]) at.scores[k] = Num(s["score"]).value_or(kNoScore);
      at.answered = true;
    }
    for (const auto& [id, f] : followups) {
      auto course = courses_.find(f.course_id);
      if (course == courses_.end()) continue;
      KoosAt& at = koos_[course->first][f.timepoint];
      at.completed = at.completed || f.completed;
      at.window_closes = std::min(at.window_closes, f.window_closes);
    }
  }

  void ReadImaging() {
    std::unordered_map<int64_t, Mri> studies;
    for (const auto& s : All("imaging-studies", {"knee_id", "study_date"}, {{"modality", "mri"}})) {
      const int64_t knee = Id(s["knee_id"]);
      studies.emplace(Id(s["id"]), Mri{.id = Id(s["id"]), .date = Str(s["study_date"])});
      study_knee_[Id(s["id"])] = knee;
      Later(last_contact_[knee_patient_[knee]], Str(s["study_date"]));
    }
    for (const auto& m : All("cartilage-measurements", {"study_id", "region", "segmentation_method", "thickness_mm"})) {
      auto it = studies.find(Id(m["study_id"]));
      if (it == studies.end()) continue;
      it->second.measurements.emplace_back(Str(m["region"]), Str(m["segmentation_method"]),
                                           m["thickness_mm"].get<double>());
    }
    for (auto& [id, study] : studies)
      if (!study.measurements.empty()) knee_mris_[study_knee_[id]].push_back(std::move(study));
  }

  // Joins what was read onto one course.
  void Complete(CourseRow& row) {
    const std::string& start = first_session_[row.course_id];
    row.first_session = ToDay(start).value_or(0);
    if (auto p = people_.find(row.patient_id); p != people_.end()) {
      row.sex = p->second.second;
      if (ParseDate(p->second.first) && ParseDate(start))
        row.age = YearsBetween(*ParseDate(p->second.first), *ParseDate(start));
    }
    // The grade of the treated knee and the BMI as last recorded before treatment.
    std::string kl_date, bmi_date;
    for (const auto& a : knee_assessments_[row.knee_id])
      if (a.kl && a.date <= start && a.date >= kl_date) kl_date = a.date, row.kl_grade = a.kl;
    for (const auto& a : patient_assessments_[row.patient_id])
      if (a.bmi && a.date <= start && a.date >= bmi_date) bmi_date = a.date, row.bmi = a.bmi;

    std::string death, surgery, other_knee;
    for (const auto& e : events_[row.patient_id]) {
      const std::string type = Str(e["event_type"]), date = Str(e["event_date"]);
      if (type == "death") {
        death = date;
        continue;
      }
      if (date < start) continue;  // before treatment: not an outcome of it
      const bool same_knee = Id(e["knee_id"]) == row.knee_id;
      if (same_knee && IsKneeSurgery(type) && (surgery.empty() || date < surgery)) {
        surgery = date;
        row.surgery_type = type;
      }
      if (!same_knee && IsReplacement(type) && (other_knee.empty() || date < other_knee)) other_knee = date;
    }
    row.death = ToDay(death);
    row.treated_knee_surgery = ToDay(surgery);
    row.other_knee_replaced = ToDay(other_knee);
    row.last_recorded = ToDay(std::max(last_contact_[row.patient_id], start)).value_or(row.first_session);

    PairCartilage(row, start);
  }

  // Baseline: the knee's last measured MRI on or before the first session; follow-up: its last one after.
  // Only regions measured with the same segmentation method at both are compared.
  void PairCartilage(CourseRow& row, const std::string& start) {
    const Mri* baseline = nullptr;
    const Mri* follow_up = nullptr;
    for (const auto& m : knee_mris_[row.knee_id]) {
      if (m.date <= start) {
        if (!baseline || m.date > baseline->date) baseline = &m;
      } else if (!follow_up || m.date > follow_up->date) {
        follow_up = &m;
      }
    }
    if (!baseline || !follow_up) return;
    for (const auto& [region, method, after] : follow_up->measurements)
      for (const auto& [region0, method0, before] : baseline->measurements)
        if (region == region0 && method == method0)
          row.cartilage.push_back({.region = region,
                                   .method = method,
                                   .baseline_mm = before,
                                   .follow_up_mm = after,
                                   .years = DaysBetween(*ToDay(baseline->date), *ToDay(follow_up->date)) / 365.25});
  }

  ReadTransaction& tx_;
  int64_t clinic_id_;
  const std::vector<int64_t>* patients_;
  std::unordered_map<std::string, size_t> timepoint_index_;
  std::map<int64_t, CourseRow> courses_;
  std::unordered_map<int64_t, std::vector<KoosAt>> koos_;  // by course id, by timepoint
  std::unordered_map<int64_t, std::string> first_session_;
  std::unordered_map<int64_t, bool> course_synthetic_;
  std::unordered_map<int64_t, std::pair<std::string, std::string>> people_;  // birth date, sex
  std::unordered_map<int64_t, int64_t> knee_patient_, study_knee_;
  std::unordered_map<int64_t, std::vector<Assessment>> knee_assessments_, patient_assessments_;
  std::unordered_map<int64_t, std::vector<Json>> events_;
  std::unordered_map<int64_t, std::vector<Mri>> knee_mris_;
  std::unordered_map<int64_t, std::string> last_contact_;
  std::unordered_map<int64_t, int64_t> first_injector_;
};

}  // namespace

std::optional<Day> ToDay(const std::string& date) {
  auto parsed = ParseDate(date.substr(0, 10));
  if (!parsed) return std::nullopt;
  return static_cast<Day>(std::chrono::sys_days{*parsed}.time_since_epoch().count());
}

std::string FromDay(Day day) {
  return FormatDate(std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}});
}

Day AsOfDay(const AnalyticsSettings& settings) {
  if (!settings.as_of) throw std::logic_error("analytics settings without as_of");
  return *ToDay(*settings.as_of);
}

std::optional<size_t> ClinicRows::TimepointIndex(const std::string& code) const {
  auto it = std::find(timepoints.begin(), timepoints.end(), code);
  if (it == timepoints.end()) return std::nullopt;
  return static_cast<size_t>(it - timepoints.begin());
}

ClinicRows ExtractClinicRows(ReadTransaction& tx, int64_t clinic_id) { return ClinicReader(tx, clinic_id).Read(); }

ClinicRows ExtractPatientRows(ReadTransaction& tx, int64_t clinic_id, const std::vector<int64_t>& patients) {
  return ClinicReader(tx, clinic_id, &patients).Read();
}

namespace {

// The filter with its first-session dates and product resolved once, not once per course.
struct RowFilter {
  const CohortFilter& f;
  std::optional<Day> from, to;
  std::optional<uint16_t> product;

  bool Matches(const CourseFacts& c) const {
    if (f.protocol_id && c.protocol_id != *f.protocol_id) return false;
    if (f.product && c.product != product) return false;
    if (f.sessions && c.sessions != *f.sessions) return false;
    if (f.ligament_sites && c.ligament_sites != *f.ligament_sites) return false;
    if (f.kl_grade && c.kl_grade != *f.kl_grade) return false;
    if ((f.age_min || f.age_max) && std::isnan(c.age)) return false;
    if (f.age_min && c.age < *f.age_min) return false;
    if (f.age_max && c.age >= *f.age_max + 1) return false;  // age_max 69 keeps 69.9
    if (f.practitioner_id && c.practitioner_id != *f.practitioner_id) return false;
    if (from && c.first_session < *from) return false;
    if (to && c.first_session > *to) return false;
    return true;
  }
};

}  // namespace

Cohort SelectRows(const ClinicRows& rows, const CohortFilter& filter) {
  const RowFilter matches{.f = filter,
                          .from = filter.first_session_from ? ToDay(*filter.first_session_from) : std::nullopt,
                          .to = filter.first_session_to ? ToDay(*filter.first_session_to) : std::nullopt,
                          .product = filter.product ? rows.columns.ProductIndex(*filter.product) : std::nullopt};
  Cohort cohort{.rows = &rows, .courses = {}};
  if (filter.product && !matches.product) return cohort;  // no course used it
  const std::vector<CourseFacts>& facts = rows.columns.facts;
  for (size_t i = 0; i < facts.size(); ++i)
    if (matches.Matches(facts[i])) cohort.courses.push_back(static_cast<uint32_t>(i));
  return cohort;
}

}  // namespace kneeregen
