// The Store: what the registry needs from a database, as transaction primitives rather than SQL. Each
// backend (storage/sqlite, storage/postgres) implements it; services never see SQL or a backend header.
//
// Contracts shared by every backend:
//  - Read() runs the function in a read-only snapshot; Write() in one serialised read-write transaction that
//    commits only if the function returns Ok. Write() returns only after COMMIT has returned, so a caller
//    may acknowledge the write to a client as soon as it gets Ok.
//  - Every record call is scoped by clinic id: a record of another clinic is reported exactly like a record
//    that does not exist.
//  - Database failures come back as Errors (unavailable, storage_full, conflict), never as a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"
#include "registry/accounts.hpp"
#include "registry/audit.hpp"
#include "registry/record_schema.hpp"

namespace kneeregen {

struct ListQuery {
  std::vector<std::pair<const FieldSpec*, Json>> filters;  // field = value, fields from the schema only
  std::string search;  // prefix match on the schema's search fields, case-insensitive
  int64_t after_id = 0;  // the cursor: ids after this one (before it when newest_first)
  int limit = 50;
  bool newest_first = false;  // for services reading the latest record (a clinic's current price list)
  // When not empty, only these fields are read, and each record holds just them, its id and its synthetic
  // flag (no other key, not even as null): a reader that needs a few fields of many records (analytics)
  // skips the large text and JSON columns, and the building of keys, it would never look at.
  std::vector<const FieldSpec*> fields;
};

// One stored candidacy screening; the JSON columns hold what the screening service wrote.
struct ScreeningRow {
  int64_t id = 0;
  int64_t clinic_id = 0;
  int64_t patient_id = 0;
  std::string screened_on;  // YYYY-MM-DD
  std::string input_json;
  std::string tier;
  std::string reasons_json;
  std::string rules_version;
  std::optional<int64_t> created_by;  // empty for the command-line operator
  std::string created_at;
};

// One published version of a clinic's candidacy rules.
struct CandidacyRulesRow {
  int64_t id = 0;
  int64_t clinic_id = 0;
  std::string version;
  std::string rules_json;
  std::optional<int64_t> created_by;
  std::string created_at;
};

struct RecordPage {
  std::vector<Json> items;
  std::optional<int64_t> next_after_id;  // set when more records follow
};

class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;

  // Records: stored fields plus id, version, created_at, updated_at and synthetic.
  virtual std::optional<Json> GetRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id) = 0;
  virtual RecordPage ListRecords(const RecordSchema& schema, int64_t clinic_id, const ListQuery& query) = 0;
  // Id of a record other than `except_id` holding these values for the unique key, if any.
  virtual std::optional<int64_t> FindByKey(const RecordSchema& schema, int64_t clinic_id,
                                           const std::vector<std::string>& key, const Json& values,
                                           int64_t except_id) = 0;

  virtual std::optional<Clinic> GetClinic(int64_t clinic_id) = 0;
  virtual std::vector<Clinic> ListClinics() = 0;
  virtual std::optional<User> GetUser(int64_t user_id) = 0;
  virtual std::optional<User> FindUser(const std::string& username) = 0;
  virtual std::vector<User> ListUsers() = 0;
  virtual std::vector<Membership> MembershipsOfUser(int64_t user_id) = 0;
  virtual std::vector<Membership> MembershipsOfClinic(int64_t clinic_id) = 0;
  virtual std::optional<Session> FindSession(const std::string& token_hash) = 0;

  // Audit rows in id order, from `after_id` on; clinic_id = nullopt reads every clinic's rows.
  virtual std::vector<AuditEntry> ListAudit(std::optional<int64_t> clinic_id, int64_t after_id, int limit) = 0;
  // The clinic's newest audit id, 0 when it has none: one probe of the (clinic_id, id) index, so a reader
  // can ask on every request whether anything changed.
  virtual int64_t LatestAuditId(int64_t clinic_id) = 0;
  // The clinic's audit rows after `after_id`, in id order, at most `limit` (none when limit <= 0), without
  // the before/after documents.
  virtual std::vector<AuditChange> ListAuditChanges(int64_t clinic_id, int64_t after_id, int limit) = 0;
  virtual int64_t CountRecords(const RecordSchema& schema, int64_t clinic_id) = 0;

  // Screenings in id order after `after_id`, of one patient when `patient_id` is set; at most `limit`.
  virtual std::optional<ScreeningRow> GetScreening(int64_t clinic_id, int64_t id) = 0;
  virtual std::vector<ScreeningRow> ListScreenings(int64_t clinic_id, std::optional<int64_t> patient_id,
                                                   int64_t after_id, int limit) = 0;
  // The clinic's latest rules version, or nothing when it never published one.
  virtual std::optional<CandidacyRulesRow> CurrentCandidacyRules(int64_t clinic_id) = 0;
  virtual bool CandidacyRulesVersionExists(int64_t clinic_id, const std::string& version) = 0;

  // The survey link with this token hash, in whichever clinic holds it: {clinic_id, invitation id}. A
  // patient's link carries nothing but the token, so this is the one lookup not scoped by clinic.
  virtual std::optional<std::pair<int64_t, int64_t>> FindSurveyInvitation(const std::string& token_hash) = 0;
};

class WriteTransaction : public ReadTransaction {
 public:
  // Stores a validated record (client fields plus derived ones); returns its id.
  virtual int64_t InsertRecord(const RecordSchema& schema, int64_t clinic_id, const Json& record,
                               bool synthetic) = 0;
  // Applies `changes` if the stored version is `expected_version`; returns false when it is not.
  virtual bool UpdateRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id, const Json& changes,
                            int64_t expected_version) = 0;

  virtual int64_t InsertClinic(const Clinic& clinic) = 0;
  virtual void UpdateClinic(const Clinic& clinic) = 0;
  virtual int64_t InsertUser(const User& user) = 0;
  virtual void UpdateUser(const User& user) = 0;
  virtual void PutMembership(const Membership& membership) = 0;  // insert or change the role
  virtual void InsertSession(const Session& session) = 0;
  virtual void TouchSession(const std::string& token_hash, const std::string& at) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;
  virtual void DeleteSessionsOfUser(int64_t user_id) = 0;
  virtual int64_t DeleteSessionsIdleSince(const std::string& before) = 0;

  // Fill in id and created_at, then insert the row.
  virtual void InsertScreening(ScreeningRow& row) = 0;
  virtual void InsertCandidacyRules(CandidacyRulesRow& row) = 0;

  // Fills id, prev_hash and hash, then appends. Serialised with every other append.
  virtual void AppendAudit(AuditEntry& entry) = 0;
};

enum class Backend { kSqlite, kPostgres };

class Store {
 public:
  virtual ~Store() = default;
  virtual Backend backend() const = 0;
  virtual int schema_version() = 0;

  virtual Status Read(const std::function<Status(ReadTransaction&)>& fn) = 0;
  virtual Status Write(const std::function<Status(WriteTransaction&)>& fn) = 0;
  // Refreshes the query planner's statistics; call after a bulk load. Without them SQLite may walk a
  // whole clinic in id order instead of using the index a filter names.
  virtual Status RefreshStatistics() = 0;
};

}  // namespace kneeregen
