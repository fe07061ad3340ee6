#include "registry/imaging_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "registry/record_queries.hpp"

namespace kneeregen {

namespace {

struct Measurement {
  int64_t id = 0;
  std::string region;
  double thickness_mm = 0;
  std::string method;
};

struct MeasuredStudy {
  int64_t id = 0;
  std::string date;  // YYYY-MM-DD, sorts as text
  std::optional<double> field_strength_tesla;
  std::vector<Measurement> measurements;
};

double RoundTo(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

std::string Tesla(const std::optional<double>& t) {
  if (!t) return "not recorded";
  std::ostringstream out;
  out << *t << " T";
  return out.str();
}

double YearsBetweenDates(const std::string& from, const std::string& to) {
  auto a = ParseDate(from);
  auto b = ParseDate(to);
  if (!a || !b) throw std::runtime_error("a stored study date does not parse");
  const auto days = (std::chrono::sys_days{*b} - std::chrono::sys_days{*a}).count();
  return RoundTo(static_cast<double>(days) / 365.25, 2);
}

// The knee's MRI studies that have cartilage measurements, earliest first (by date, then by id).
std::vector<MeasuredStudy> MeasuredStudies(ReadTransaction& tx, int64_t clinic_id, int64_t knee_id) {
  std::map<int64_t, MeasuredStudy> by_id;
  for (const Json& s : AllRecords(tx, KnownSchema("imaging-studies"), clinic_id,
                                  {{"knee_id", knee_id}, {"modality", "mri"}})) {
    MeasuredStudy study{.id = s["id"].get<int64_t>(), .date = s["study_date"].get<std::string>()};
    if (s["field_strength_tesla"].is_number())
      study.field_strength_tesla = s["field_strength_tesla"].get<double>();
    by_id.emplace(study.id, std::move(study));
  }
  for (const Json& m :
       AllRecords(tx, KnownSchema("cartilage-measurements"), clinic_id, {{"knee_id", knee_id}})) {
    auto it = by_id.find(m["study_id"].get<int64_t>());
    if (it == by_id.end()) continue;
    it->second.measurements.push_back({.id = m["id"].get<int64_t>(),
                                       .region = m["region"].get<std::string>(),
                                       .thickness_mm = m["thickness_mm"].get<double>(),
                                       .method = m["segmentation_method"].get<std::string>()});
  }
  std::vector<MeasuredStudy> studies;
  for (auto& [id, study] : by_id)
    if (!study.measurements.empty()) studies.push_back(std::move(study));
  std::sort(studies.begin(), studies.end(), [](const MeasuredStudy& a, const MeasuredStudy& b) {
    return a.date != b.date ? a.date < b.date : a.id < b.id;
  });
  return studies;
}

// The baseline measurement a follow-up measurement is compared with: the same region measured with the same
// method when the baseline has one (a clinic that changes method can re-segment the baseline), otherwise the
// region's first measurement, which makes the comparison cross-method.
const Measurement* BaselineFor(const MeasuredStudy& baseline, const Measurement& follow_up) {
  const Measurement* any = nullptr;
  for (const auto& m : baseline.measurements) {
    if (m.region != follow_up.region) continue;
    if (m.method == follow_up.method) return &m;
    if (!any || m.id < any->id) any = &m;
  }
  return any;
}

// Where a region sits in the schema's list of regions, so every comparison lists regions in one order.
size_t RegionOrder(const std::string& region) {
  const auto& values = KnownSchema("cartilage-measurements").Field("region")->values;
  return static_cast<size_t>(std::find(values.begin(), values.end(), region) - values.begin());
}

class ChangeReport {
 public:
  explicit ChangeReport(double measurement_error_mm) : measurement_error_mm_(measurement_error_mm) {}

  Json Compare(const MeasuredStudy& baseline, const MeasuredStudy& follow_up) const {
    std::vector<const Measurement*> measured;
    for (const auto& m : follow_up.measurements) measured.push_back(&m);
    std::sort(measured.begin(), measured.end(), [](const Measurement* a, const Measurement* b) {
      if (a->region != b->region) return RegionOrder(a->region) < RegionOrder(b->region);
      return a->id < b->id;
    });
    Json regions = Json::array();
    for (const Measurement* m : measured) regions.push_back(Region(baseline, follow_up, *m));
    return {{"study_id", follow_up.id},
            {"study_date", follow_up.date},
            {"years", YearsBetweenDates(baseline.date, follow_up.date)},
            {"regions", regions}};
  }

 private:
  Json Region(const MeasuredStudy& baseline, const MeasuredStudy& follow_up, const Measurement& after) const {
    Json row = {
        {"region", after.region}, {"follow_up_mm", after.thickness_mm}, {"follow_up_method", after.method}};
    const Measurement* before = BaselineFor(baseline, after);
    if (!before) {
      row.update({{"baseline_mm", nullptr},
                  {"baseline_method", nullptr},
                  {"change_mm", nullptr},
                  {"change_percent", nullptr},
                  {"beyond_measurement_error", nullptr},
                  {"comparable", false},
                  {"reason", "the region was not measured at the baseline study"}});
      return row;
    }
    std::vector<std::string> reasons;
    if (before->method != after.method)
      reasons.push_back("cross-method comparison: " + before->method + " vs " + after.method);
    if (baseline.field_strength_tesla != follow_up.field_strength_tesla)
      reasons.push_back("field strength differs: " + Tesla(baseline.field_strength_tesla) + " vs " +
                        Tesla(follow_up.field_strength_tesla));
    const bool comparable = reasons.empty();
    std::string reason;
    for (const auto& r : reasons) reason += (reason.empty() ? "" : "; ") + r;

    // Rounded to a micrometre and a hundredth of a percent, so that 2.1 - 2.4 reads -0.3, not
    // -0.29999999999999982.
    const double change_mm = RoundTo(after.thickness_mm - before->thickness_mm, 3);
    row.update({{"baseline_mm", before->thickness_mm},
                {"baseline_method", before->method},
                {"change_mm", change_mm},
                {"change_percent",
                 RoundTo((after.thickness_mm - before->thickness_mm) / before->thickness_mm * 100, 2)},
                // The threshold describes repeat measurements with one method and one scanner; across methods
                // the systematic difference is unknown, so no verdict is given.
                {"beyond_measurement_error",
                 comparable ? Json(std::abs(change_mm) > measurement_error_mm_) : Json()},
                {"comparable", comparable},
                {"reason", comparable ? Json() : Json(reason)}});
    return row;
  }

  double measurement_error_mm_;
};

}  // namespace

Result<Json> ImagingService::CartilageChange(const Actor& actor, int64_t knee_id) {
  const RecordSchema& studies_schema = KnownSchema("imaging-studies");
  if (auto permitted = studies_schema.policy.Check(actor.role, Action::kRead); !permitted)
    return permitted.error();
  bool knee_found = false;
  std::vector<MeasuredStudy> studies;
  auto status = store_.Read([&](ReadTransaction& tx) -> Status {
    knee_found = tx.GetRecord(KnownSchema("knees"), actor.clinic_id, knee_id).has_value();
    if (knee_found) studies = MeasuredStudies(tx, actor.clinic_id, knee_id);
    return Ok{};
  });
  if (!status) return status.error();
  if (!knee_found) return Error::NotFound();

  Json comparisons = Json::array();
  const ChangeReport report(measurement_error_mm_);
  for (size_t i = 1; i < studies.size(); ++i)
    comparisons.push_back(report.Compare(studies.front(), studies[i]));
  const bool measured = !studies.empty();
  return Json{{"id", knee_id},
              {"knee_id", knee_id},
              {"baseline_study_id", measured ? Json(studies.front().id) : Json()},
              {"baseline_study_date", measured ? Json(studies.front().date) : Json()},
              {"comparisons", comparisons},
              {"measurement_error_mm", measurement_error_mm_}};
}

}  // namespace kneeregen
