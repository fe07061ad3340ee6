#include "registry/analytics_cells.hpp"

#include <algorithm>
#include <cmath>

#include "stats/descriptive.hpp"

namespace kneeregen {

namespace {

Json Value(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

Json Interval(const std::optional<double>& lower, const std::optional<double>& upper, double level) {
  if (!lower || !upper) return nullptr;
  return {{"lower", *lower}, {"upper", *upper}, {"level", level}};
}

}  // namespace

std::string TooFewReason(int min_cell) { return "fewer than " + std::to_string(min_cell) + " patients"; }

void Suppress(Json& cell, const std::string& reason) {
  for (auto& [key, value] : cell.items())
    if (value.is_number() || value.is_object() || value.is_boolean()) value = nullptr;
  cell["suppressed"] = true;
  cell["reason"] = reason;
}

namespace {

Json MeanCellOf(const stats::MeanInterval& m, const AnalyticsSettings& settings) {
  Json cell = {{"n", m.n},
               {"mean", m.mean},
               {"sd", m.sd},
               {"ci", Interval(m.lower, m.upper, settings.level)},
               {"suppressed", false}};
  if (TooFewPatients(m.n, settings)) Suppress(cell, TooFewReason(settings.min_cell));
  return cell;
}

Json ChangeCellOf(const stats::PairedChange& c, const AnalyticsSettings& settings) {
  Json cell = {{"n", c.n},        {"mean_change", c.mean_change},
               {"sd", c.sd},      {"ci", Interval(c.lower, c.upper, settings.level)},
               {"p", Value(c.p)}, {"suppressed", false}};
  if (TooFewPatients(c.n, settings)) Suppress(cell, TooFewReason(settings.min_cell));
  return cell;
}

}  // namespace

Json MeanCell(std::span<const double> values, const AnalyticsSettings& settings) {
  return MeanCellOf(stats::MeanWithCi(values, settings.level), settings);
}

Json MeanCell(const stats::RunningMoments& values, const AnalyticsSettings& settings) {
  return MeanCellOf(stats::MeanWithCi(values, settings.level), settings);
}

Json ChangeCell(std::span<const double> before, std::span<const double> after,
                const AnalyticsSettings& settings) {
  return ChangeCellOf(stats::PairedT(before, after, settings.level), settings);
}

Json ChangeCell(const stats::RunningMoments& changes, const AnalyticsSettings& settings) {
  return ChangeCellOf(stats::PairedT(changes, settings.level), settings);
}

Json ProportionCell(size_t events, size_t n, Counted counted, const AnalyticsSettings& settings) {
  auto p = stats::WilsonInterval(events, n, settings.level);
  Json cell = {{"n", n},
               {"events", events},
               {"estimate", Value(p.estimate)},
               {"ci", Interval(p.lower, p.upper, settings.level)},
               {"suppressed", false}};
  if (PatientsAtLeast(n, counted, settings) < static_cast<size_t>(settings.min_cell))
    Suppress(cell, TooFewReason(settings.min_cell));
  else if (IsSmallCount(events, counted, settings) || IsSmallCount(n - events, counted, settings))
    Suppress(cell, "the events or the non-events are " + TooFewReason(settings.min_cell));
  return cell;
}

Json CompletenessCell(size_t answered, size_t expected, const AnalyticsSettings& settings) {
  auto p = stats::WilsonInterval(answered, expected, settings.level);
  Json cell = {{"expected", expected},
               {"answered", answered},
               {"share", Value(p.estimate)},
               {"ci", Interval(p.lower, p.upper, settings.level)},
               {"suppressed", false}};
  if (TooFewPatients(expected, settings))
    Suppress(cell, TooFewReason(settings.min_cell) + " expected");
  else if (IsSmallCount(answered, Counted::kCourses, settings) ||
           IsSmallCount(expected - answered, Counted::kCourses, settings))
    Suppress(cell, "those who answered or did not are " + TooFewReason(settings.min_cell));
  return cell;
}

Json CountCell(size_t n, Counted counted, const AnalyticsSettings& settings) {
  Json cell = {{"n", n}, {"suppressed", false}};
  if (IsSmallCount(n, counted, settings)) Suppress(cell, TooFewReason(settings.min_cell));
  return cell;
}

void SuppressComplementary(const std::vector<Json*>& cells, const std::vector<size_t>& sizes, int min_cell) {
  size_t hidden = 0;
  for (size_t i = 0; i < cells.size(); ++i)
    if (sizes[i] > 0 && (*cells[i])["suppressed"] == true) ++hidden;
  if (hidden != 1) return;
  std::optional<size_t> smallest;
  for (size_t i = 0; i < cells.size(); ++i)
    if (sizes[i] > 0 && (*cells[i])["suppressed"] != true && (!smallest || sizes[i] < sizes[*smallest]))
      smallest = i;
  if (smallest)
    Suppress(*cells[*smallest],
             "complementary: with the total it would reveal a cell of " + TooFewReason(min_cell));
}

}  // namespace kneeregen
