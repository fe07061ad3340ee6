// The backends the storage conformance suite runs on, and a fixture that gives every test a fresh, migrated
// store: SQLite in memory, SQLite in a file in a fresh temp dir, and PostgreSQL when KNEEREGEN_TEST_PG_URL
// names a database (each test then gets its own schema, so tests may run in parallel on one server).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "registry/store.hpp"

namespace kneeregen::testing {

enum class TestBackend { kSqliteMemory, kSqliteFile, kPostgres };

inline constexpr TestBackend kAllTestBackends[] = {TestBackend::kSqliteMemory, TestBackend::kSqliteFile,
                                                   TestBackend::kPostgres};

std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info);

class StoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  TestBackend backend() const { return GetParam(); }
  // Opens another store on the same database (not for the in-memory backend).
  std::unique_ptr<Store> Reopen();
  // Runs `sql` on a connection of its own, outside the store; returns the error message, if any.
  // Not for the in-memory backend, which no other connection can reach.
  std::optional<std::string> RawExecute(const std::string& sql);

  // A write or read transaction that must succeed; `fn` may use gtest assertions.
  void MustWrite(const std::function<void(WriteTransaction&)>& fn);
  void MustRead(const std::function<void(ReadTransaction&)>& fn);

  int64_t AddClinic(const std::string& name = "Riverside Knee Clinic");
  // A patient record as the registry would store it, with the given identifying fields.
  static Json PatientRecord(const std::string& mrn, const std::string& family_name = "Okafor",
                            const std::string& given_name = "Maria");
  int64_t AddPatient(int64_t clinic_id, const Json& record);

  std::string store_url_;    // what OpenStore was given
  std::string sqlite_path_;  // the file backend's database
  std::string pg_url_;       // the PostgreSQL backend's URL, selecting this test's schema
  std::string pg_schema_;    // also the application_name of this test's PostgreSQL sessions
  std::unique_ptr<Store> store_;

 private:
  std::string temp_dir_;
  PGconn* pg_admin_ = nullptr;
};

// The schema of a record kind; fails the test when it is missing.
const RecordSchema& SchemaOf(const std::string& resource);

// A record of `schema` from each field's example value. Refs point at the record of the referenced kind in
// `stored` (resource -> stored record); derived fields are copied from the record they derive through.
Json ExampleRecord(const RecordSchema& schema, const std::map<std::string, Json>& stored);

std::string Explain(const Status& status);

}  // namespace kneeregen::testing
