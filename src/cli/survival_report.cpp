#include "cli/survival_report.hpp"

#include <cmath>

#include "stats/kaplan_meier.hpp"
#include "stats/logrank.hpp"

namespace kneeregen::cli {

namespace {

using nlohmann::ordered_json;

// Whole numbers (times in days or months) print as integers, as they appear in the file; everything else
// prints as the shortest decimal that reads back to the same double.
ordered_json Number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 9007199254740992.0)
    return static_cast<int64_t>(value);
  return value;  // NaN and infinities print as null
}

ordered_json Optional(const std::optional<double>& value) { return value ? Number(*value) : ordered_json(); }

struct GroupColumns {
  std::vector<double> time;
  std::vector<int> event;
};

std::vector<GroupColumns> SplitByGroup(const SurvivalData& data) {
  std::vector<GroupColumns> groups(data.group_names.size());
  for (size_t i = 0; i < data.time.size(); ++i) {
    GroupColumns& g = groups[static_cast<size_t>(data.group[i])];
    g.time.push_back(data.time[i]);
    g.event.push_back(data.event[i]);
  }
  return groups;
}

// The Cox model on the rows with every covariate present (R's na.omit).
ordered_json CoxJson(const SurvivalData& data, const SurvivalReportOptions& options) {
  std::vector<double> time;
  std::vector<int> event;
  std::vector<std::vector<double>> x(data.covariates.size());
  size_t left_out = 0;
  for (size_t i = 0; i < data.time.size(); ++i) {
    bool complete = true;
    for (const auto& column : data.covariates) complete = complete && !std::isnan(column[i]);
    if (!complete) {
      ++left_out;
      continue;
    }
    time.push_back(data.time[i]);
    event.push_back(data.event[i]);
    for (size_t j = 0; j < x.size(); ++j) x[j].push_back(data.covariates[j][i]);
  }
  const stats::CoxFit fit = stats::FitCox(time, event, x, options.ties);
  auto numbers = [](const std::vector<double>& values) {
    ordered_json array = ordered_json::array();
    for (double v : values) array.push_back(Number(v));
    return array;
  };
  size_t events = 0;
  for (int e : event) events += static_cast<size_t>(e);
  ordered_json cox;
  cox["ties"] = options.ties == stats::Ties::kEfron ? "efron" : "breslow";
  cox["covariates"] = options.covariates;
  cox["coef"] = numbers(fit.coef);
  cox["se"] = numbers(fit.se);
  cox["p"] = numbers(fit.p);
  cox["loglik"] = {Number(fit.loglik_null), Number(fit.loglik)};
  cox["hazard_ratio"] = numbers(fit.hazard_ratio);
  cox["hr_lower"] = numbers(fit.hr_lower);
  cox["hr_upper"] = numbers(fit.hr_upper);
  cox["n"] = time.size();
  cox["events"] = events;
  cox["rows_left_out"] = left_out;
  cox["iterations"] = fit.iterations;
  cox["converged"] = fit.converged;
  return cox;
}

}  // namespace

ordered_json SurvivalReport(const SurvivalData& data, const SurvivalReportOptions& options) {
  ordered_json report;
  ordered_json km = ordered_json::array(), median = ordered_json::object(),
               median_ci = ordered_json::object(), counts = ordered_json::object();
  const std::vector<GroupColumns> groups = SplitByGroup(data);
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::string& name = data.group_names[g];
    const stats::KmCurve curve = stats::KaplanMeier(groups[g].time, groups[g].event);
    for (const stats::KmRow& row : curve.rows) {
      ordered_json r;
      r["group"] = name;
      r["time"] = Number(row.time);
      r["n_risk"] = row.n_risk;
      r["n_event"] = row.n_event;
      r["survival"] = Number(row.survival);
      r["lower"] = Optional(row.lower);
      r["upper"] = Optional(row.upper);
      km.push_back(std::move(r));
    }
    median[name] = Optional(curve.median);
    median_ci[name] = {Optional(curve.median_lower), Optional(curve.median_upper)};
    counts[name] = {{"n", curve.n}, {"events", curve.events}};
  }
  report["km"] = std::move(km);
  report["median"] = std::move(median);
  report["median_ci"] = std::move(median_ci);
  report["n"] = std::move(counts);
  if (options.grouped) {
    const stats::LogRankTest test =
        stats::LogRank(data.time, data.event, data.group, static_cast<int>(data.group_names.size()));
    report["logrank"] = {{"chisq", Number(test.chisq)}, {"df", test.df}, {"p", Number(test.p)}};
  }
  if (!options.covariates.empty()) report["cox"] = CoxJson(data, options);
  return report;
}

}  // namespace kneeregen::cli
