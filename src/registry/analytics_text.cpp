// The outcome figures as plain text for `kneeregen report outcomes`: one block per figure, each line a cell
// with its estimate, 95 % interval, N and completeness, or the reason it is not shown. Lines stay within
// 100 columns.
#include <cstdio>

#include "registry/analytics_service.hpp"
#include "registry/expectation_report.hpp"

namespace kneeregen {

namespace {

std::string Fixed(const Json& v, int decimals = 1) {
  if (!v.is_number()) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v.get<double>());
  return buffer;
}
std::string Pct(const Json& v) { return v.is_number() ? Fixed(100 * v.get<double>()) + "%" : "-"; }
std::string Count(const Json& v) { return v.is_number() ? std::to_string(v.get<long long>()) : "-"; }

std::string Ci(const Json& ci, bool percent = false, int decimals = 1) {
  if (!ci.is_object()) return "[-]";
  return "[" + (percent ? Pct(ci["lower"]) : Fixed(ci["lower"], decimals)) + ", " +
         (percent ? Pct(ci["upper"]) : Fixed(ci["upper"], decimals)) + "]";
}

std::string Hidden(const Json& cell) {
  return "suppressed (" + cell.value("reason", std::string("small cell")) + ")";
}

std::string Completeness(const Json& c) {
  if (c["suppressed"] == true) return "completeness " + Hidden(c);
  return "completeness " + Count(c["answered"]) + "/" + Count(c["expected"]) + " " + Pct(c["share"]);
}

std::string Proportion(const Json& p) {
  if (p["suppressed"] == true) return Hidden(p);
  return Pct(p["estimate"]) + " " + Ci(p["ci"], true) + " " + Count(p["events"]) + "/" + Count(p["n"]);
}

std::string Line(const std::string& text) { return WrapText(text, 100, "  "); }

std::string Koos(const Json& f) {
  std::string out = f["title"].get<std::string>() + "\n";
  for (const auto& scale : f["scales"]) {
    out += " " + scale["title"].get<std::string>() + "\n";
    for (const auto& p : scale["timepoints"]) {
      const Json& score = p["score"];
      std::string text = p["timepoint"].get<std::string>() + ": ";
      text += score["suppressed"] == true
                  ? Hidden(score)
                  : "mean " + Fixed(score["mean"]) + " " + Ci(score["ci"]) + " N=" + Count(score["n"]);
      if (p.contains("change_from_baseline")) {
        const Json& c = p["change_from_baseline"];
        text += c["suppressed"] == true
                    ? "; change suppressed"
                    : "; change " + Fixed(c["mean_change"]) + " " + Ci(c["ci"]) + " N=" + Count(c["n"]);
      }
      out += Line(text + "; " + Completeness(p["completeness"]));
    }
  }
  return out;
}

std::string Responders(const Json& f) {
  std::string out = f["title"].get<std::string>() + "\n";
  out += Line("MIC method: " + f["mic"]["method"].get<std::string>());
  for (const auto& t : f["mic"]["thresholds"])
    out += Line(t["scale"].get<std::string>() + " >= " + Fixed(t["mic"]) + ": " +
                t["source"].get<std::string>());
  out +=
      Line("PASS: Pain >= " + Fixed(f["pass"]["threshold"]) + ": " + f["pass"]["source"].get<std::string>());
  for (const auto& p : f["timepoints"]) {
    std::string text = p["timepoint"].get<std::string>() + ":";
    for (const auto& s : p["mic_responders"])
      text += " " + s["scale"].get<std::string>() + " " + Proportion(s["responders"]) + ";";
    text += " PASS " + Proportion(p["pass_pain"]) + "; " + Completeness(p["completeness"]);
    out += Line(text);
  }
  return out;
}

std::string Safety(const Json& f) {
  std::string out = f["title"].get<std::string>() + " (" + Count(f["sessions"]) + " sessions)\n";
  for (const auto& g : f["groups"]) {
    const Json& r = g["per_100_sessions"];
    std::string text = g["group"].get<std::string>() + ": ";
    text += r["suppressed"] == true
                ? Hidden(r)
                : Fixed(r["per_100_sessions"], 2) + " per 100 sessions " + Ci(r["ci"], false, 2);
    text += "; patients " + Proportion(g["patients_with_event"]);
    out += Line(text);
  }
  return out;
}

std::string Survival(const Json& f) {
  std::string out = f["title"].get<std::string>() + "\n";
  const Json& c = f["completeness"];
  out +=
      Line("follow-up completeness (Clark's C): " + (c["suppressed"] == true ? Hidden(c) : Pct(c["share"])));
  for (const auto& curve : f["curves"]) {
    if (curve["suppressed"] == true) {
      out += Line(curve["group"].get<std::string>() + ": " + Hidden(curve));
      continue;
    }
    out += Line(curve["group"].get<std::string>() + " (N=" + Count(curve["n"]) + ", events " +
                Count(curve["events"]) + ")");
    for (const auto& p : curve["points"]) {
      std::string text = "  " + Fixed(p["month"], 0) + " mo: ";
      text += p["suppressed"] == true
                  ? Hidden(p)
                  : "free " + Pct(p["surgery_free"]) + " " + Ci(p["surgery_free_ci"], true) + ", incidence " +
                        Pct(p["cumulative_incidence"]) + " " + Ci(p["cumulative_incidence_ci"], true) +
                        ", at risk " + Count(p["n_at_risk"]);
      out += Line(text);
    }
  }
  if (f["logrank"].is_object())
    out += Line("log-rank between protocols: chi-square " + Fixed(f["logrank"]["chisq"], 2) + ", df " +
                Count(f["logrank"]["df"]) + ", p = " + Fixed(f["logrank"]["p"], 3));
  out += Line("other knee replaced: " + Proportion(f["other_knee_replaced"]["share"]));
  return out;
}

std::string Cartilage(const Json& f) {
  std::string out = f["title"].get<std::string>() + "\n";
  out += Line("measurement error " + Fixed(f["measurement_error_mm"], 2) +
              " mm: " + f["measurement_error_source"].get<std::string>());
  out += Line("knees compared: " + Completeness(f["completeness"]));
  for (const auto& r : f["regions"]) {
    const Json& c = r["change_mm"];
    std::string text = r["region"].get<std::string>() + ": ";
    text += c["suppressed"] == true
                ? Hidden(c)
                : Fixed(c["mean_change"], 3) + " mm " + Ci(c["ci"], false, 3) + " N=" + Count(c["n"]);
    out += Line(text + "; thickened " + Proportion(r["thickened_beyond_error"]));
  }
  return out;
}

std::string Split(const Json& f) {
  std::string out = f["title"].get<std::string>() + "\n";
  if (f["suppressed"] == true)
    out += Line(Hidden(f));
  else if (f["adjusted_difference"].contains("estimate"))
    out += Line("adjusted difference (split - single): " + Fixed(f["adjusted_difference"]["estimate"]) + " " +
                Ci(f["adjusted_difference"]["ci"]) + " N=" + Count(f["adjusted_difference"]["n"]) + "; " +
                Completeness(f["completeness"]));
  else if (f["adjusted_difference"].is_object())
    out += Line(f["adjusted_difference"]["reason"].get<std::string>());
  out += Line(f["statement"].get<std::string>());
  return out;
}

}  // namespace

std::string RenderOutcomesText(const Json& o) {
  std::string out;
  if (o.contains("synthetic_label")) out += WrapText(o["synthetic_label"].get<std::string>()) + "\n";
  out += WrapText("Outcomes as of " + o["as_of"].get<std::string>() + "; filter " + o["filter"].dump() +
                  "; cells of fewer than " + Count(o["min_cell"]) + " patients are suppressed.");
  out += WrapText("Courses " +
                  (o["courses"]["suppressed"] == true ? Hidden(o["courses"]) : Count(o["courses"]["n"])) +
                  ", patients " +
                  (o["patients"]["suppressed"] == true ? Hidden(o["patients"]) : Count(o["patients"]["n"])));
  const Json& f = o["figures"];
  out += "\n" + Koos(f["koos"]) + "\n" + Responders(f["responders"]) + "\n" + Safety(f["adverse_events"]) +
         "\n" + Survival(f["knee_survival"]) + "\n" + Cartilage(f["cartilage"]) + "\n" +
         Split(f["split_vs_single"]);
  return out;
}

}  // namespace kneeregen
