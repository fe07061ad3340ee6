// Each clinic's analytic rows kept in memory between requests, so that a figure over a million treated
// knees costs its computation and not a re-read of the registry. Before every use the rows are brought up
// to date inside the caller's read transaction from the audit trail: every change is audited in its own
// transaction and names its patient, so only the patients changed since the last use are read again (one
// indexed query per record kind and patient). A change that is not one patient's (a protocol template's
// name, the PROM schedule, the clinic itself, a bulk load) or more patients than re-reading the clinic
// would cost makes it read the whole clinic.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "registry/analytics_rows.hpp"

namespace kneeregen {

class AnalyticsSnapshots {
 public:
  // How the rows of the last use were brought up to date, for tests and logs.
  struct Refresh {
    enum class Kind { kUnchanged, kPatients, kClinic } kind = Kind::kClinic;
    size_t patients = 0;  // re-read, when kind is kPatients
  };

  // Runs `use` on the clinic's rows, up to date as of `tx`'s snapshot (or newer). Uses of one clinic run
  // side by side; a refresh waits until they end and they wait for it.
  Refresh Use(ReadTransaction& tx, int64_t clinic_id, const std::function<void(const ClinicRows&)>& use);
  // What the latest Use of any clinic did.
  Refresh Last() const;

  // Re-reading more patients than this share of the clinic's courses (or than kMaxChanges audit rows)
  // reads the whole clinic instead.
  static constexpr size_t kMaxPatientShare = 20;  // 1 in 20
  static constexpr int kMaxChanges = 200000;

 private:
  struct Entry {
    std::shared_mutex mutex;
    bool built = false;
    int64_t audit_id = 0;  // the newest audit row the rows reflect
    ClinicRows rows;
  };

  Entry& EntryOf(int64_t clinic_id);
  Refresh Bring(ReadTransaction& tx, int64_t clinic_id, const std::function<void(const ClinicRows&)>& use);
  // Brings `entry` up to `latest`; the caller holds its mutex exclusively.
  Refresh Update(ReadTransaction& tx, int64_t clinic_id, Entry& entry, int64_t latest);

  mutable std::mutex mutex_;  // guards entries_ (the map, not the entries) and last_
  std::map<int64_t, std::unique_ptr<Entry>> entries_;
  Refresh last_;
};

// Replaces the courses of `patients` (sorted ids) in `rows` by `fresh`, keeping courses in id order.
void ReplacePatients(ClinicRows& rows, const std::vector<int64_t>& patients, ClinicRows fresh);

}  // namespace kneeregen
