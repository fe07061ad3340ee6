// The expectation report for a prospective patient: what happened to patients like them at this clinic
// (same KL grade, same ten-year age band, same product, and the same protocol when one is chosen; no
// criterion is widened when the group is small), beside the published evidence (DOMAIN.md §9), negative
// trials included. It reports what was observed, with its uncertainty and follow-up completeness, and never
// promises a result; below the minimum cell size it gives no numbers, only a plain sentence saying so.
#pragma once

#include <optional>
#include <string>

#include "registry/analytics_rows.hpp"

namespace kneeregen {

struct ExpectationQuery {
  int kl_grade = 0;
  int age = 0;
  std::string product;
  std::optional<int64_t> protocol_id;

  int age_band_start() const { return age / 10 * 10; }
  CohortFilter AsFilter() const;
};

// kl_grade, age and product are required; protocol is optional. Errors name the parameter.
Result<ExpectationQuery> ParseExpectationQuery(const QueryParameters& query);

Json BuildExpectationReport(const ClinicRows& rows, const ExpectationQuery& query,
                            const AnalyticsSettings& settings);

// The published evidence summary as data, each finding with its source (DOMAIN.md §9, §11).
Json PublishedEvidence();

// The report as plain text, no line longer than 100 columns.
std::string RenderExpectationText(const Json& report);

// Wraps `text` at `width` columns, every line starting with `indent`.
std::string WrapText(const std::string& text, size_t width = 100, const std::string& indent = "");

}  // namespace kneeregen
