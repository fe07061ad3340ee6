// The cost of computing the outcome figures and the expectation report from analytic rows already in
// memory, at the size of a 1,000,000-patient registry without building one: the courses of a demo registry
// are repeated (new course, patient and knee ids, same values) until the cohort is about that large, then
// each report is computed several times and its p50 and p95 printed, wall and CPU time (both threads).
// Reading the rows is not timed.
//
//   analytics_figures_bench --db sqlite:PATH [--clinic 1] [--copies 160] [--runs 10] [--as-of 2026-12-01]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/allocator.hpp"
#include "registry/analytics_figures.hpp"
#include "registry/analytics_snapshot.hpp"
#include "registry/expectation_report.hpp"
#include "storage/open_store.hpp"

namespace {

using namespace kneeregen;

struct Options {
  std::string db;
  int64_t clinic = 1;
  int copies = 160;  // 160 x the 9,338 courses of the 10,000-patient demo registry: about 1.5 million
  int runs = 10;
  std::string as_of = "2026-12-01";
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--db") o.db = value;
    else if (name == "--clinic") o.clinic = std::stoll(value);
    else if (name == "--copies") o.copies = std::stoi(value);
    else if (name == "--runs") o.runs = std::stoi(value);
    else if (name == "--as-of") o.as_of = value;
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  if (o.db.empty() || o.copies < 1 || o.runs < 1) {
    std::fprintf(stderr, "usage: %s --db URL [--clinic ID] [--copies N] [--runs N] [--as-of DATE]\n", argv[0]);
    std::exit(2);
  }
  return o;
}

// `copies` times the clinic's courses, each copy with ids beyond every id of the one before, so the rows
// stay in course-id order and no two copies share a patient.
ClinicRows Repeat(const ClinicRows& rows, int copies) {
  int64_t stride = 1;
  for (const auto& c : rows.courses) stride = std::max({stride, c.course_id, c.patient_id, c.knee_id});
  ++stride;
  ClinicRows out;
  out.protocol_names = rows.protocol_names;
  out.timepoints = rows.timepoints;
  out.synthetic = rows.synthetic;
  out.courses.reserve(rows.courses.size() * copies);
  out.koos.reserve(rows.koos.size() * copies);
  for (int copy = 0; copy < copies; ++copy) out.koos.insert(out.koos.end(), rows.koos.begin(), rows.koos.end());
  for (int copy = 0; copy < copies; ++copy)
    for (const auto& c : rows.courses) {
      CourseRow row = c;
      row.course_id += copy * stride;
      row.patient_id += copy * stride;
      row.knee_id += copy * stride;
      out.courses.push_back(std::move(row));
    }
  IndexCourses(out.courses, out.columns);
  return out;
}

// CPU time of the whole process (every thread), in ms: beside the wall time it tells how much of a run
// waited for a core that other work on the machine held.
double CpuMilliseconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Nearest-rank percentiles, as bench/analytics.sh prints them.
double Percentile(std::vector<double> ms, double p) {
  std::sort(ms.begin(), ms.end());
  return ms[std::min(ms.size(), static_cast<size_t>(ms.size() * p + 0.999)) - 1];
}

// The first run is printed apart: it pays for first touching the memory its figures allocate, which a
// server answering many requests pays once. The JSON's size and hash are printed so that two builds run
// side by side show whether they give the same figures. The runs are made on a thread other than main, as the
// server's request threads make them: glibc gives such a thread an arena of its own, which keeps freed
// memory differently from the main thread's.
void Time(const char* label, int runs, const std::function<Json()>& compute) {
  std::vector<double> wall, cpu;
  std::string json;
  double first = 0;
  std::thread worker([&] {
    for (int run = -1; run < runs; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = CpuMilliseconds();
      const Json out = compute();
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (run < 0) {
        first = ms;
        continue;
      }
      cpu.push_back(CpuMilliseconds() - cpu_start);
      wall.push_back(ms);
      json = out.dump();
    }
  });
  worker.join();
  std::printf("%-28s p50 %7.1f ms, p95 %7.1f ms, max %7.1f; CPU p50 %7.1f ms; first run %7.1f ms; %zu B JSON #%016zx\n",
              label, Percentile(wall, 0.5), Percentile(wall, 0.95), Percentile(wall, 1), Percentile(cpu, 0.5),
              first, json.size(), std::hash<std::string>{}(json));
}

}  // namespace

int main(int argc, char** argv) {
  KeepFreedMemoryForReuse();  // as kneeregen does
  const Options o = Parse(argc, argv);
  auto store = OpenStore(o.db, {.readers = 1});
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", o.db.c_str(), store.error().detail.c_str());
    return 1;
  }
  ClinicRows read;
  auto status = (*store)->Read([&](ReadTransaction& tx) -> Status {
    read = ExtractClinicRows(tx, o.clinic);
    return Ok{};
  });
  if (!status) {
    std::fprintf(stderr, "cannot read clinic %lld: %s\n", static_cast<long long>(o.clinic),
                 status.error().detail.c_str());
    return 1;
  }
  const ClinicRows rows = Repeat(read, o.copies);
  read = {};
  std::printf("clinic %lld: %zu courses read, %d copies: %zu courses; %d runs each, as of %s\n",
              static_cast<long long>(o.clinic), rows.courses.size() / o.copies, o.copies, rows.courses.size(),
              o.runs, o.as_of.c_str());

  AnalyticsSettings settings;
  settings.as_of = o.as_of;
  CohortFilter kl2;
  kl2.kl_grade = 2;
  ExpectationQuery query;
  query.kl_grade = 2;
  query.age = 58;
  query.product = "bone_marrow_concentrate";

  Time("OutcomeReport (full cohort)", o.runs, [&] { return OutcomeReport(rows, CohortFilter{}, settings); });
  Time("OutcomeReport (kl_grade 2)", o.runs, [&] { return OutcomeReport(rows, kl2, settings); });
  Time("BuildExpectationReport", o.runs, [&] { return BuildExpectationReport(rows, query, settings); });
  // The figure families of the full cohort one by one, on one thread: where the report's time goes.
  const Cohort all = SelectRows(rows, CohortFilter{});
  const size_t patients = CountPatients(all).patients;
  Time("  SelectRows", o.runs, [&] { return Json(SelectRows(rows, CohortFilter{}).size()); });
  Time("  CountPatients", o.runs, [&] { return Json(CountPatients(all).patients); });
  Time("  SummarizeKoos", o.runs, [&] {
    return Json(SummarizeKoos(all, all.courses, rows.timepoints.size(), rows.TimepointIndex("12m"), settings).pain_pairs.size());
  });
  const KoosCells cells = SummarizeKoos(all, all.courses, rows.timepoints.size(), rows.TimepointIndex("12m"), settings);
  Time("  SplitVersusSingle", o.runs, [&] { return SplitVersusSingle(all, cells, rows.TimepointIndex("12m"), settings); });
  const Json completeness = SurvivalCompleteness(all, settings, o.as_of);
  Time("  SurvivalCompleteness", o.runs, [&] { return SurvivalCompleteness(all, settings, o.as_of); });
  Time("  AdverseEventRates", o.runs, [&] { return AdverseEventRates(all, patients, completeness, settings); });
  Time("  KneeSurvival", o.runs, [&] { return KneeSurvival(all, patients, completeness, settings); });
  Time("  CartilageChangeFigure", o.runs, [&] { return CartilageChangeFigure(all, settings); });

  // What a request pays after one patient's record changed, before its figures: that patient's courses
  // replaced by freshly read ones (here: the same ones again, so every run starts from the same rows).
  ClinicRows live = rows;
  const int64_t patient = live.courses[live.courses.size() / 2].patient_id;
  ClinicRows fresh;
  fresh.timepoints = live.timepoints;
  for (size_t i = 0; i < live.courses.size(); ++i)
    if (live.courses[i].patient_id == patient) {
      fresh.courses.push_back(live.courses[i]);
      const auto koos = live.KoosOf(i);
      fresh.koos.insert(fresh.koos.end(), koos.begin(), koos.end());
    }
  Time("ReplacePatients (1 patient)", o.runs, [&] {
    ReplacePatients(live, {patient}, fresh);
    return Json(live.courses.size());
  });
  return 0;
}
