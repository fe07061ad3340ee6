// `kneeregen audit verify`: recomputes the audit trail's SHA-256 chain and names the first broken row.
#include <iostream>

#include "cli/commands.hpp"
#include "registry/audit.hpp"

namespace kneeregen::cli {

void AddAuditCommand(CLI::App& app, int& exit_code) {
  auto db = std::make_shared<std::string>(kDefaultDatabase);
  auto* audit = app.add_subcommand("audit", "Check the audit trail");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Recompute the hash chain; exits 1 at the first broken row");
  verify->add_option("--db", *db, "Database URL: sqlite:PATH or postgresql://...")->capture_default_str();
  verify->callback([db, &exit_code] {
    auto store = OpenOrReport(*db);
    if (!store) {
      exit_code = 1;
      return;
    }
    auto result = VerifyAuditChain(*store);
    if (!result) {
      exit_code = ReportError(result.error());
      return;
    }
    if (result->first_broken_id) {
      std::cerr << "kneeregen: audit row " << *result->first_broken_id << " does not verify: " << result->problem
                << " (" << result->rows_checked << " rows read)\n";
      exit_code = 1;
      return;
    }
    std::cout << "Audit trail intact: " << result->rows_checked << " rows verified.\n";
  });
}

}  // namespace kneeregen::cli
