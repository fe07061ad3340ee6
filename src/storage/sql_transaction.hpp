// ReadTransaction and WriteTransaction in portable SQL on one connection inside an open transaction.
#pragma once

#include <string>

#include "registry/store.hpp"
#include "storage/sql_connection.hpp"

namespace kneeregen {

class SqlTransaction : public WriteTransaction {
 public:
  SqlTransaction(SqlConnection& connection, std::string audit_lock_sql)
      : db_(connection), audit_lock_sql_(std::move(audit_lock_sql)) {}

  std::optional<Json> GetRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id) override;
  RecordPage ListRecords(const RecordSchema& schema, int64_t clinic_id, const ListQuery& query) override;
  std::optional<int64_t> FindByKey(const RecordSchema& schema, int64_t clinic_id,
                                   const std::vector<std::string>& key, const Json& values,
                                   int64_t except_id) override;
  int64_t CountRecords(const RecordSchema& schema, int64_t clinic_id) override;

  std::optional<Clinic> GetClinic(int64_t clinic_id) override;
  std::vector<Clinic> ListClinics() override;
  std::optional<User> GetUser(int64_t user_id) override;
  std::optional<User> FindUser(const std::string& username) override;
  std::vector<User> ListUsers() override;
  std::vector<Membership> MembershipsOfUser(int64_t user_id) override;
  std::vector<Membership> MembershipsOfClinic(int64_t clinic_id) override;
  std::optional<Session> FindSession(const std::string& token_hash) override;
  std::vector<AuditEntry> ListAudit(std::optional<int64_t> clinic_id, int64_t after_id, int limit) override;
  int64_t LatestAuditId(int64_t clinic_id) override;
  std::vector<AuditChange> ListAuditChanges(int64_t clinic_id, int64_t after_id, int limit) override;
  std::optional<ScreeningRow> GetScreening(int64_t clinic_id, int64_t id) override;
  std::vector<ScreeningRow> ListScreenings(int64_t clinic_id, std::optional<int64_t> patient_id, int64_t after_id,
                                           int limit) override;
  std::optional<CandidacyRulesRow> CurrentCandidacyRules(int64_t clinic_id) override;
  bool CandidacyRulesVersionExists(int64_t clinic_id, const std::string& version) override;
  std::optional<std::pair<int64_t, int64_t>> FindSurveyInvitation(const std::string& token_hash) override;

  int64_t InsertRecord(const RecordSchema& schema, int64_t clinic_id, const Json& record,
                       bool synthetic) override;
  bool UpdateRecord(const RecordSchema& schema, int64_t clinic_id, int64_t id, const Json& changes,
                    int64_t expected_version) override;
  int64_t InsertClinic(const Clinic& clinic) override;
  void UpdateClinic(const Clinic& clinic) override;
  int64_t InsertUser(const User& user) override;
  void UpdateUser(const User& user) override;
  void PutMembership(const Membership& membership) override;
  void InsertSession(const Session& session) override;
  void TouchSession(const std::string& token_hash, const std::string& at) override;
  void DeleteSession(const std::string& token_hash) override;
  void DeleteSessionsOfUser(int64_t user_id) override;
  int64_t DeleteSessionsIdleSince(const std::string& before) override;
  void InsertScreening(ScreeningRow& row) override;
  void InsertCandidacyRules(CandidacyRulesRow& row) override;
  void AppendAudit(AuditEntry& entry) override;

 private:
  SqlConnection& db_;
  std::string audit_lock_sql_;
};

}  // namespace kneeregen
