#include "store_fixture.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "storage/open_store.hpp"

namespace kneeregen::testing {

namespace {

const char* PgBaseUrl() {
  const char* url = std::getenv("KNEEREGEN_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

std::string PgCommand(PGconn* conn, const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(result);
  std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQerrorMessage(conn);
  PQclear(result);
  return error;
}

// A schema name no other test process running now can have: the pid plus a counter within the process.
std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  return "kr_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

}  // namespace

std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info) {
  switch (info.param) {
    case TestBackend::kSqliteMemory:
      return "SqliteMemory";
    case TestBackend::kSqliteFile:
      return "SqliteFile";
    case TestBackend::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

void StoreTest::SetUp() {
  switch (backend()) {
    case TestBackend::kSqliteMemory:
      store_url_ = "sqlite::memory:";
      break;
    case TestBackend::kSqliteFile: {
      std::string pattern = (std::filesystem::temp_directory_path() / "kneeregen-store-XXXXXX").string();
      ASSERT_NE(mkdtemp(pattern.data()), nullptr);
      temp_dir_ = pattern;
      sqlite_path_ = temp_dir_ + "/registry.db";
      store_url_ = "sqlite:" + sqlite_path_;
      break;
    }
    case TestBackend::kPostgres: {
      const char* base = PgBaseUrl();
      if (!base) GTEST_SKIP() << "KNEEREGEN_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";
      pg_admin_ = PQconnectdb(base);
      ASSERT_EQ(PQstatus(pg_admin_), CONNECTION_OK) << PQerrorMessage(pg_admin_);
      PQsetNoticeProcessor(
          pg_admin_, [](void*, const char*) {}, nullptr);
      pg_schema_ = UniqueSchemaName();
      ASSERT_EQ(PgCommand(pg_admin_, "CREATE SCHEMA " + pg_schema_), "");
      std::string base_url = base;
      // The schema is chosen through the connection's options, as an operator would choose it; the
      // application name lets a test find this test's server sessions.
      pg_url_ = base_url + (base_url.find('?') == std::string::npos ? "?" : "&") +
                "options=-c%20search_path%3D" + pg_schema_ + "&application_name=" + pg_schema_;
      store_url_ = pg_url_;
      break;
    }
  }
  auto opened = OpenStore(store_url_);
  ASSERT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().detail);
  store_ = std::move(opened.value());
}

void StoreTest::TearDown() {
  store_.reset();
  if (pg_admin_) {
    if (!pg_schema_.empty()) {
      EXPECT_EQ(PgCommand(pg_admin_, "DROP SCHEMA " + pg_schema_ + " CASCADE"), "");
    }
    PQfinish(pg_admin_);
    pg_admin_ = nullptr;
  }
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);
}

std::unique_ptr<Store> StoreTest::Reopen() {
  auto opened = OpenStore(store_url_);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().detail);
  return opened.ok() ? std::move(opened.value()) : nullptr;
}

std::optional<std::string> StoreTest::RawExecute(const std::string& sql) {
  if (backend() == TestBackend::kSqliteFile) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(sqlite_path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::optional<std::string> out;
    if (rc != SQLITE_OK) out = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    sqlite3_close_v2(db);
    return out;
  }
  EXPECT_EQ(backend(), TestBackend::kPostgres) << "the in-memory database has no second connection";
  PGconn* conn = PQconnectdb(pg_url_.c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  std::string error = PgCommand(conn, sql);
  PQfinish(conn);
  if (error.empty()) return std::nullopt;
  return error;
}

void StoreTest::MustWrite(const std::function<void(WriteTransaction&)>& fn) {
  Status status = store_->Write([&](WriteTransaction& tx) -> Status {
    fn(tx);
    return Ok{};
  });
  ASSERT_TRUE(status.ok()) << Explain(status);
}

void StoreTest::MustRead(const std::function<void(ReadTransaction&)>& fn) {
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    fn(tx);
    return Ok{};
  });
  ASSERT_TRUE(status.ok()) << Explain(status);
}

int64_t StoreTest::AddClinic(const std::string& name) {
  int64_t id = 0;
  MustWrite([&](WriteTransaction& tx) {
    id = tx.InsertClinic(Clinic{.name = name, .time_zone = "America/Chicago"});
  });
  return id;
}

Json StoreTest::PatientRecord(const std::string& mrn, const std::string& family_name,
                              const std::string& given_name) {
  return Json{{"mrn", mrn},
              {"given_name", given_name},
              {"family_name", family_name},
              {"birth_date", "1961-04-17"},
              {"sex", "female"},
              {"email", nullptr},
              {"phone", nullptr},
              {"zip", "97205"}};
}

int64_t StoreTest::AddPatient(int64_t clinic_id, const Json& record) {
  int64_t id = 0;
  MustWrite(
      [&](WriteTransaction& tx) { id = tx.InsertRecord(SchemaOf("patients"), clinic_id, record, false); });
  return id;
}

const RecordSchema& SchemaOf(const std::string& resource) {
  const RecordSchema* schema = FindRecordSchema(resource);
  if (!schema) throw std::logic_error("no record schema " + resource);
  return *schema;
}

Json ExampleRecord(const RecordSchema& schema, const std::map<std::string, Json>& stored) {
  Json record = Json::object();
  for (const auto& f : schema.fields) {
    if (!f.derive_via.empty()) {
      const FieldSpec* via = schema.Field(f.derive_via);
      record[f.name] = stored.at(via->ref_resource).at(f.name);
    } else if (f.kind == FieldKind::kRef) {
      record[f.name] = stored.at(f.ref_resource).at("id");
    } else {
      record[f.name] = f.example;
    }
  }
  return record;
}

std::string Explain(const Status& status) {
  if (status.ok()) return "ok";
  const Error& e = status.error();
  std::string out = std::string(Describe(e.code).code) + ": " + e.detail;
  for (const auto& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

}  // namespace kneeregen::testing
