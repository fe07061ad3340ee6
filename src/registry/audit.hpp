// The audit trail: one row per change (and per sign-in event), written in the same transaction as the
// change, chained by SHA-256 so that an edited or deleted row breaks verification from that row on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace kneeregen {

struct AuditEntry {
  int64_t id = 0;           // assigned by the store
  std::string at;           // UTC server time
  std::optional<int64_t> user_id;
  std::string username;     // as it was at the time
  std::string role;
  std::optional<int64_t> clinic_id;
  std::string action;       // create, update, login, login_failed, logout, user.add, ...
  std::string object_type;  // resource name: patients, knees, users, clinics, ...
  std::optional<int64_t> object_id;
  std::optional<int64_t> patient_id;
  std::string before_json;  // "" when there was nothing before
  std::string after_json;
  std::string reason;
  std::string request_id;
  std::string ip;
  std::string prev_hash;    // hash of the previous row, "" for the first row
  std::string hash;
};

// One audit row without its before/after documents: enough for a reader that keeps derived data (the
// analytics snapshot) to learn which records changed since it last looked, without paying for the documents.
struct AuditChange {
  int64_t id = 0;
  std::string action;
  std::string object_type;
  std::optional<int64_t> object_id;
  std::optional<int64_t> patient_id;
};

// SHA-256 over the previous hash and every field of the entry, in a fixed order with length prefixes so
// that no two different entries serialise alike.
std::string ComputeAuditHash(const AuditEntry& entry, const std::string& prev_hash);

struct AuditVerification {
  int64_t rows_checked = 0;
  std::optional<int64_t> first_broken_id;  // the first row whose hash or link does not verify
  std::string problem;                     // what is wrong with that row
};

class Store;
// Walks the whole trail in id order and recomputes the chain. A store error is returned as an Error.
Result<AuditVerification> VerifyAuditChain(Store& store);

}  // namespace kneeregen
