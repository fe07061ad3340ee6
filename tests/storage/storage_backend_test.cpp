// What each backend promises beyond the Store interface: durable settings on every pooled connection,
// refusal of an unsafe PostgreSQL server, recovery from dropped sessions, no password in any error, and the
// PostgreSQL dialect helpers (placeholders, unique-violation columns).
#include "registry/demo.hpp"
#include "storage/open_store.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/sqlite/sqlite_pool.hpp"
#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

constexpr const char* kPassword = "Secr3t-Pw";

std::string Setting(SqlConnection& db, const std::string& sql) {
  return CellText(db.Query(sql).rows.at(0).at(0));
}

// `url` with kPassword added to its user info (postgresql://user@host -> postgresql://user:PW@host).
std::string WithPassword(const std::string& url) {
  size_t at = url.find('@');
  return at == std::string::npos ? url : url.substr(0, at) + ":" + kPassword + url.substr(at);
}

std::string OpenError(const std::string& url) {
  auto opened = OpenStore(url);
  EXPECT_FALSE(opened.ok());
  return opened.ok() ? "" : opened.error().detail;
}

TEST(PgDialect, PlaceholdersAreNumberedOutsideQuotes) {
  EXPECT_EQ(RewritePlaceholders("SELECT a FROM t WHERE b = ? AND c > ?"),
            "SELECT a FROM t WHERE b = $1 AND c > $2");
  EXPECT_EQ(RewritePlaceholders("lower(x) LIKE ? ESCAPE '\\' AND y = ?"),
            "lower(x) LIKE $1 ESCAPE '\\' AND y = $2");
  EXPECT_EQ(RewritePlaceholders("SELECT 'what?', 'it''s ?', \"odd?name\", ?"),
            "SELECT 'what?', 'it''s ?', \"odd?name\", $1");
  EXPECT_EQ(RewritePlaceholders("no parameters"), "no parameters");
}

TEST(PgDialect, UniqueViolationNamesColumnsWithoutValues) {
  EXPECT_EQ(UniqueViolationColumns("Key (clinic_id, mrn)=(1, MRN-000123) already exists."), "mrn");
  EXPECT_EQ(UniqueViolationColumns("Key (clinic_id, patient_id, side)=(1, 4, left) already exists."),
            "patient_id,side");
  EXPECT_EQ(UniqueViolationColumns("Key (username)=(ana) already exists."), "username");
  EXPECT_EQ(UniqueViolationColumns("Key (\"Odd Name\")=(x) already exists."), "OddName");
  EXPECT_EQ(UniqueViolationColumns(""), "");
}

TEST(PgOpen, UnreachableServerErrorsNeverShowThePassword) {
  for (const std::string& url :
       {std::string("postgresql://kr:") + kPassword + "@127.0.0.1:1/registry",
        std::string("postgresql://kr:") + kPassword + "@127.0.0.1:" + kPassword + "/db",
        std::string("postgresql://kr@127.0.0.1:1/db?password=") + kPassword}) {
    std::string error = OpenError(url);
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find(kPassword), std::string::npos) << error;
  }
}

class SqliteFileBackend : public StoreTest {};

TEST_P(SqliteFileBackend, EveryPooledConnectionIsDurable) {
  auto pool = OpenSqlitePool(sqlite_path_, 3);
  auto writer = pool->Writer();
  auto r1 = pool->Reader();
  auto r2 = pool->Reader();
  auto r3 = pool->Reader();
  for (SqlConnection* db : {&*writer, &*r1, &*r2, &*r3}) {
    EXPECT_EQ(Setting(*db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(CellInt(db->Query("PRAGMA synchronous").rows.at(0).at(0)), 2) << "FULL";
    EXPECT_EQ(CellInt(db->Query("PRAGMA foreign_keys").rows.at(0).at(0)), 1);
    EXPECT_GE(CellInt(db->Query("PRAGMA busy_timeout").rows.at(0).at(0)), 5000);
  }
}

// After a bulk load the planner must use the index a list filter names, not walk the clinic in id order
// (on a million-patient registry that is ~1 s instead of ~1 ms per call).
TEST_P(SqliteFileBackend, ListFiltersUseTheirIndexAfterABulkLoad) {
  auto demo = SeedDemoClinic(*store_, DemoOptions{.patients = 3000});
  ASSERT_TRUE(demo.ok());
  auto pool = OpenSqlitePool(sqlite_path_, 1);
  auto reader = pool->Reader();
  std::string plan;
  for (const auto& row : reader->Query("EXPLAIN QUERY PLAN SELECT id FROM knees WHERE clinic_id = ? AND id > ? "
                                       "AND patient_id = ? ORDER BY id LIMIT ?",
                                       {demo->clinic_id, int64_t{0}, int64_t{1500}, int64_t{51}})
                              .rows)
    plan += CellText(row.back()) + "\n";
  EXPECT_NE(plan.find("patient_id=?"), std::string::npos) << plan;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteFileBackend, ::testing::Values(TestBackend::kSqliteFile), BackendName);

class PgBackend : public StoreTest {};

TEST_P(PgBackend, EveryPooledConnectionHasTheSessionSettings) {
  auto pool = OpenPostgresPool(pg_url_, 3);
  auto c1 = pool->Reader();
  auto c2 = pool->Writer();
  auto c3 = pool->Reader();
  for (SqlConnection* db : {&*c1, &*c2, &*c3}) {
    EXPECT_EQ(Setting(*db, "SHOW statement_timeout"), "30s");
    EXPECT_EQ(Setting(*db, "SHOW DateStyle").rfind("ISO", 0), 0u);
    EXPECT_EQ(Setting(*db, "SHOW client_encoding"), "UTF8");
    EXPECT_EQ(Setting(*db, "SHOW fsync"), "on");
    EXPECT_EQ(Setting(*db, "SHOW full_page_writes"), "on");
    EXPECT_EQ(Setting(*db, "SHOW synchronous_commit"), "on");
  }
  EXPECT_EQ(pool->AuditLockSql(), "SELECT pg_advisory_xact_lock(7262001)");
}

TEST_P(PgBackend, AsynchronousCommitIsRefused) {
  std::string url = WithPassword(pg_url_) + "&options=-c%20synchronous_commit%3Doff";
  std::string error = OpenError(url);
  EXPECT_NE(error.find("synchronous_commit"), std::string::npos) << error;
  EXPECT_EQ(error.find(kPassword), std::string::npos) << error;
  EXPECT_TRUE(OpenStore(pg_url_ + "&options=-c%20synchronous_commit%3Dremote_apply").ok());
}

TEST_P(PgBackend, MissingDatabaseErrorNeverShowsThePassword) {
  std::string url = WithPassword(pg_url_);
  size_t db = url.find("/kneeregen_test");
  if (db == std::string::npos) GTEST_SKIP() << "the test URL names another database";
  url.replace(db, 15, "/no_such_database");
  std::string error = OpenError(url);
  EXPECT_NE(error.find("no_such_database"), std::string::npos) << error;
  EXPECT_EQ(error.find(kPassword), std::string::npos) << error;
}

TEST_P(PgBackend, RecoversWhenTheServerDropsItsSessions) {
  int64_t clinic = AddClinic();  // every statement cached so far dies with the sessions
  auto killed =
      RawExecute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = '" +
                 pg_schema_ + "' AND pid <> pg_backend_pid()");
  ASSERT_FALSE(killed) << *killed;
  for (int i = 0; i < 8; ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i));
    AddPatient(clinic, PatientRecord("MRN-" + std::to_string(i)));
    MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.CountRecords(SchemaOf("patients"), clinic), i + 1); });
  }
}

TEST_P(PgBackend, ReadTransactionsAreReadOnlySnapshots) {
  int64_t clinic = AddClinic();
  Status status = store_->Read([&](ReadTransaction& tx) -> Status {
    EXPECT_EQ(tx.CountRecords(SchemaOf("patients"), clinic), 0);
    // A write committed meanwhile by another connection stays invisible to this snapshot.
    EXPECT_FALSE(
        RawExecute("INSERT INTO patients (clinic_id, created_at, updated_at, mrn, given_name, "
                   "family_name, birth_date, sex) VALUES (" +
                   std::to_string(clinic) + ", 'x', 'x', 'M', 'G', 'F', '2000-01-01', 'male')"));
    EXPECT_EQ(tx.CountRecords(SchemaOf("patients"), clinic), 0);
    return Ok{};
  });
  EXPECT_TRUE(status.ok()) << Explain(status);
  MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.CountRecords(SchemaOf("patients"), clinic), 1); });
}

TEST_P(PgBackend, FailuresAreClassifiedWithoutTheirValues) {
  auto pool = OpenPostgresPool(pg_url_, 2);
  auto db = pool->Writer();
  try {
    db->Query("SELECT ?::date", {std::string("1961-99-99 Okafor")});
    ADD_FAILURE() << "an invalid date was accepted";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.failure(), SqlFailure::kOther);
    EXPECT_EQ(std::string(e.what()).find("Okafor"), std::string::npos) << e.what();
  }
  db->BeginRead();
  try {
    db->Query("INSERT INTO clinics (name, time_zone, created_at) VALUES (?, ?, ?)",
              {std::string("X"), std::string("UTC"), std::string("now")});
    ADD_FAILURE() << "a read-only transaction wrote";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.failure(), SqlFailure::kReadOnly) << e.what();
  }
  db->Rollback();
}

TEST_P(PgBackend, CommitOfAFailedTransactionIsAnError) {
  auto pool = OpenPostgresPool(pg_url_, 2);
  auto db = pool->Writer();
  db->BeginWrite();
  db->Query("INSERT INTO clinics (name, time_zone, created_at) VALUES ('Kept?', 'UTC', 'now')");
  EXPECT_THROW(db->Query("SELECT 1 / 0"), SqlError);
  EXPECT_THROW(db->Commit(), SqlError);  // PostgreSQL would answer ROLLBACK, silently
  db->Rollback();

  db->BeginWrite();
  db->Query("INSERT INTO clinics (name, time_zone, created_at) VALUES ('Abandoned', 'UTC', 'now')");
  db->BeginWrite();  // as after an exception that skipped Rollback: the stale transaction must not carry on
  db->Commit();
  EXPECT_EQ(CellInt(db->Query("SELECT count(*) FROM clinics").rows.at(0).at(0)), 0);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgBackend, ::testing::Values(TestBackend::kPostgres), BackendName);

}  // namespace
}  // namespace kneeregen::testing
