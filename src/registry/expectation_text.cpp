// The expectation report as plain text for the command line and for printing: short sections, numbers
// always with their N and interval, suppressed cells as a sentence, lines wrapped at 100 columns.
#include <cstdio>
#include <sstream>

#include "registry/expectation_report.hpp"

namespace kneeregen {

namespace {

std::string Fixed(double v, int decimals = 1) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string Percent(const Json& v) { return v.is_number() ? Fixed(100 * v.get<double>()) + " %" : "-"; }

std::string PercentInterval(const Json& ci) {
  if (!ci.is_object()) return "no interval";
  return "95 % CI " + Percent(ci["lower"]) + " to " + Percent(ci["upper"]);
}

}  // namespace

std::string WrapText(const std::string& text, size_t width, const std::string& indent) {
  std::istringstream words(text);
  std::string out, line, word;
  while (words >> word) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

std::string RenderExpectationText(const Json& report) {
  std::string out;
  if (report.contains("synthetic_label"))
    out += WrapText(report["synthetic_label"].get<std::string>()) + "\n";
  out += WrapText(report["title"].get<std::string>());
  out += WrapText("Group: " + report["criteria_text"].get<std::string>() + ". " +
                  report["criteria_note"].get<std::string>());
  out += WrapText("As of " + report["as_of"].get<std::string>() + "; cells of fewer than " +
                  std::to_string(report["min_cell"].get<int>()) + " patients are not shown.");
  out += "\n";
  out += WrapText(report["statement"].get<std::string>());
  if (report["enough"] == true) {
    const Json& change = report["pain_change_12m"];
    out += "\nKOOS Pain change at 12 months (0-100, higher is better):\n";
    if (change["suppressed"] == true)
      out += WrapText("not shown: " + change["reason"].get<std::string>(), 100, "  ");
    else
      out +=
          WrapText("median " + Fixed(change["median"]) + " points, middle half from " + Fixed(change["q1"]) +
                       " to " + Fixed(change["q3"]) + " (N = " + std::to_string(change["n"].get<int>()) + ")",
                   100, "  ");
    const Json& responders = report["responders_12m"];
    const Json& share = responders["share"];
    out += "Improved by at least the minimal important change (" + Fixed(responders["mic"]) + " points):\n";
    if (share["suppressed"] == true)
      out += WrapText("not shown: " + share["reason"].get<std::string>(), 100, "  ");
    else
      out += WrapText(Percent(share["estimate"]) + " (" + PercentInterval(share["ci"]) +
                          ", N = " + std::to_string(share["n"].get<int>()) + ")",
                      100, "  ");
    out += WrapText("threshold: " + responders["source"].get<std::string>() + ", " +
                        responders["method"].get<std::string>(),
                    100, "  ");
    const Json& completeness = report["completeness_12m"];
    out += "Follow-up completeness at 12 months:\n";
    if (completeness["suppressed"] == true)
      out += WrapText("not shown: " + completeness["reason"].get<std::string>(), 100, "  ");
    else
      out += WrapText(std::to_string(completeness["answered"].get<int>()) + " of " +
                          std::to_string(completeness["expected"].get<int>()) + " due answered (" +
                          Percent(completeness["share"]) +
                          "); those who did not answer may have done better or "
                          "worse",
                      100, "  ");
    out += "Free of knee replacement or osteotomy (Kaplan-Meier):\n";
    for (const auto& point : report["surgery_free"]) {
      std::string years = Fixed(point["years"], 0) + " year" + (point["years"] == 1 ? "" : "s") + ": ";
      if (point["suppressed"] == true)
        out += WrapText(years + "not shown, " + point["reason"].get<std::string>(), 100, "  ");
      else
        out += WrapText(years + Percent(point["estimate"]) + " (" + PercentInterval(point["ci"]) + ", " +
                            std::to_string(point["n_at_risk"].get<int>()) + " still followed)",
                        100, "  ");
    }
  }
  out += "\n" + WrapText(report["caution"].get<std::string>());
  out += "\nPublished evidence:\n";
  for (const auto& e : report["evidence"]) {
    out += WrapText("- " + e["finding"].get<std::string>() + ".", 100, "  ");
    out += WrapText(e["design"].get<std::string>() + "; " + e["source"].get<std::string>(), 100, "    ");
  }
  return out;
}

}  // namespace kneeregen
