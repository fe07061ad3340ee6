// `kneeregen recall --lot LOT --clinic ID`: every patient, session and injection site of one clinic that
// received a lot, as CSV for the recall calls (one row per site, formula-guarded) or as the API's JSON.
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/csv.hpp"
#include "registry/course_service.hpp"

namespace kneeregen::cli {

namespace {

std::string Text(const Json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void PrintCsv(const Json& recall) {
  std::map<int64_t, Json> patients, sessions;
  for (const auto& p : recall["patients"]) patients[p["patient_id"]] = p;
  for (const auto& s : recall["sessions"]) sessions[s["session_id"]] = s;
  std::cout << GuardedCsvRow({"patient_id", "mrn", "family_name", "given_name", "phone", "email", "session_id",
                       "performed_on", "matched_on", "injection_id", "site", "volume_ml", "injection_lot"});
  auto row = [](const Json& p, const Json& s, const Json& i) {
    std::string matched;
    for (const auto& m : s["matched_on"]) matched += (matched.empty() ? "" : ";") + m.get<std::string>();
    std::cout << GuardedCsvRow({Text(p["patient_id"]), Text(p["mrn"]), Text(p["family_name"]), Text(p["given_name"]),
                         Text(p["phone"]), Text(p["email"]), Text(s["session_id"]), Text(s["performed_on"]), matched,
                         Text(i["injection_id"]), Text(i["site"]), Text(i["volume_ml"]), Text(i["product_lot"])});
  };
  for (const auto& [id, s] : sessions) {
    bool any = false;
    for (const auto& i : recall["injections"]) {
      if (i["session_id"] != id) continue;
      row(patients[s["patient_id"]], s, i);
      any = true;
    }
    if (!any) row(patients[s["patient_id"]], s, Json::object());  // a session whose sites were not recorded
  }
}

}  // namespace

void AddRecallCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDatabase;
    std::string lot;
    int64_t clinic_id = 0;
    std::string format = "csv";
  };
  auto o = std::make_shared<Options>();
  auto* recall = app.add_subcommand("recall", "Patients, sessions and sites that received a lot (product, injection or kit lot)");
  recall->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  recall->add_option("--lot", o->lot, "The lot number, exactly as recorded")->required();
  recall->add_option("--clinic", o->clinic_id, "Clinic id")->required()->check(CLI::PositiveNumber);
  recall->add_option("--format", o->format, "csv (one row per injection site) or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  recall->callback([o, &exit_code] {
    auto store = OpenOrReport(o->db);
    if (!store) {
      exit_code = 1;
      return;
    }
    bool clinic_exists = false;
    auto read = store->Read([&](ReadTransaction& tx) -> Status {
      clinic_exists = tx.GetClinic(o->clinic_id).has_value();
      return Ok{};
    });
    if (!read || !clinic_exists) {
      exit_code = ReportError(read ? Error::NotFound("no clinic " + std::to_string(o->clinic_id)) : read.error());
      return;
    }
    CourseService courses(*store);
    auto result = courses.RecallLot(Operator(o->clinic_id), o->lot);
    if (!result) {
      exit_code = ReportError(result.error());
      return;
    }
    if (o->format == "json") std::cout << result->dump(2) << "\n";
    else PrintCsv(*result);
    std::cerr << "Lot " << o->lot << ": " << (*result)["patients"].size() << " patients, "
              << (*result)["sessions"].size() << " sessions, " << (*result)["injections"].size()
              << " injection sites.\n";
  });
}

}  // namespace kneeregen::cli
