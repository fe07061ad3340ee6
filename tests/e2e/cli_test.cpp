// The command line as an operator meets it (DESIGN.md §3): every subcommand has --help, errors go to stderr
// with a non-zero exit, and init, user, demo and serve do what they say on a real database file.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/process_harness.hpp"

namespace kneeregen::e2e {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Reading a database file the way an auditor would: read-only, every column as text.

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

Table Select(const std::string& path, const std::string& sql,
             const std::vector<std::string>& skip_columns = {}) {
  Table table;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    return table;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot prepare '" << sql << "': " << sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    return table;
  }
  std::vector<int> kept;
  for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
    std::string name = sqlite3_column_name(stmt, c);
    if (std::find(skip_columns.begin(), skip_columns.end(), name) != skip_columns.end()) continue;
    kept.push_back(c);
    table.columns.push_back(name);
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c : kept) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    table.rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  return table;
}

std::string Scalar(const std::string& path, const std::string& sql) {
  Table t = Select(path, sql);
  if (t.rows.empty() || t.rows[0].empty()) return "";
  return t.rows[0][0];
}

std::string Describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

// ---------------------------------------------------------------------------------------------------------
// --help everywhere.

struct HelpCase {
  std::vector<std::string> args;
  std::vector<std::string> mentions;  // what the usage text must name
};

std::string CaseName(const std::vector<std::string>& args) {
  std::string name;
  for (const auto& a : args) {
    for (char c : a)
      if (std::isalnum(static_cast<unsigned char>(c))) name += c;
    name += '_';
  }
  return name.empty() ? "none" : name.substr(0, name.size() - 1);
}

class HelpTest : public ::testing::TestWithParam<HelpCase> {};

TEST_P(HelpTest, PrintsUsageOnStdoutAndExitsZero) {
  const HelpCase& c = GetParam();
  CommandResult r = RunKneeregen(c.args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("Usage"), std::string::npos) << Describe(r);
  EXPECT_EQ(r.err, "") << "help belongs on stdout";
  for (const auto& m : c.mentions)
    EXPECT_NE(r.out.find(m), std::string::npos) << "usage lacks " << m << "\n" << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    EveryCommand, HelpTest,
    ::testing::Values(HelpCase{{"--help"}, {"serve", "init", "user", "demo"}},
                      HelpCase{{"-h"}, {"serve", "init", "user", "demo"}},
                      HelpCase{{"serve", "--help"}, {"--db", "--listen", "--seed-demo", "--demo-patients"}},
                      HelpCase{{"init", "--help"}, {"--db"}},
                      HelpCase{{"user", "--help"}, {"add", "list", "reset-password", "set-role"}},
                      HelpCase{{"user", "add", "--help"}, {"--clinic", "--role", "--db"}},
                      HelpCase{{"user", "list", "--help"}, {"--db"}},
                      HelpCase{{"user", "reset-password", "--help"}, {"--db"}},
                      HelpCase{{"user", "set-role", "--help"}, {"--clinic", "--db"}},
                      HelpCase{{"demo", "--help"}, {"--patients", "--seed", "--db"}},
                      HelpCase{{"audit", "--help"}, {"verify"}},
                      HelpCase{{"audit", "verify", "--help"}, {"--db"}}),
    [](const ::testing::TestParamInfo<HelpCase>& info) { return CaseName(info.param.args); });

// ---------------------------------------------------------------------------------------------------------
// Usage errors: non-zero, the reason on stderr, nothing on stdout. "{db}" stands for a fresh database path.

struct UsageErrorCase {
  std::vector<std::string> args;
  std::string stderr_mentions;
};

class UsageErrorTest : public ::testing::TestWithParam<UsageErrorCase> {};

TEST_P(UsageErrorTest, ExitsNonZeroWithTheReasonOnStderr) {
  TempDir dir;
  std::vector<std::string> args = GetParam().args;
  for (auto& a : args)
    if (a == "{db}") a = "sqlite:" + dir.File("x.db");
  CommandResult r = RunKneeregen(args);
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "") << "errors belong on stderr";
  EXPECT_FALSE(r.err.empty()) << Describe(r);
  EXPECT_NE(r.err.find(GetParam().stderr_mentions), std::string::npos) << Describe(r);
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.db"))) << "a usage error must not create the database";
}

INSTANTIATE_TEST_SUITE_P(
    Rejected, UsageErrorTest,
    ::testing::Values(UsageErrorCase{{}, "subcommand"}, UsageErrorCase{{"frobnicate"}, ""},
                      UsageErrorCase{{"user", "frobnicate", "--db", "{db}"}, ""},
                      UsageErrorCase{{"user"}, "subcommand"}, UsageErrorCase{{"audit"}, "subcommand"},
                      UsageErrorCase{{"init", "--no-such-option", "--db", "{db}"}, "--no-such-option"},
                      UsageErrorCase{{"user", "add", "alice", "--db", "{db}"}, "--clinic"},
                      UsageErrorCase{{"user", "add", "--clinic", "1", "--db", "{db}"}, "username"},
                      UsageErrorCase{{"user", "set-role", "alice", "admin", "--db", "{db}"}, "--clinic"},
                      UsageErrorCase{{"user", "set-role", "alice", "--clinic", "1", "--db", "{db}"}, "role"},
                      UsageErrorCase{{"user", "reset-password", "--db", "{db}"}, "username"},
                      UsageErrorCase{{"demo", "--patients", "0", "--db", "{db}"}, "--patients"},
                      UsageErrorCase{{"serve", "--listen", "nonsense", "--db", "{db}"}, "--listen"}),
    [](const ::testing::TestParamInfo<UsageErrorCase>& info) { return CaseName(info.param.args); });

// ---------------------------------------------------------------------------------------------------------
// init

TEST(InitCommand, CreatesADatabaseAtTheLatestSchemaVersionAndIsIdempotent) {
  TempDir dir;
  std::string path = dir.File("x.db");
  CommandResult first = RunKneeregen({"init", "--db", "sqlite:" + path});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  EXPECT_NE(first.out.find("schema version 8"), std::string::npos) << first.out;
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(Scalar(path, "SELECT max(version) FROM schema_migrations"), "8");
  Table tables_before = Select(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
  EXPECT_GT(tables_before.rows.size(), 10u);

  CommandResult second = RunKneeregen({"init", "--db", "sqlite:" + path});
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(Scalar(path, "SELECT count(*) FROM schema_migrations"), "8") << "a migration was applied twice";
  EXPECT_EQ(Select(path, "SELECT type, name, sql FROM sqlite_schema ORDER BY name").rows, tables_before.rows);
  EXPECT_EQ(Scalar(path, "PRAGMA integrity_check"), "ok");
}

TEST(InitCommand, RejectsAnUnknownUrlSchemeClearly) {
  CommandResult r = RunKneeregen({"init", "--db", "nonsense:foo"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("unknown database URL"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("sqlite:PATH"), std::string::npos) << "the message should say what is accepted\n"
                                                          << r.err;
}

TEST(InitCommand, ReportsAnUnopenableSqlitePath) {
  CommandResult r = RunKneeregen({"init", "--db", "sqlite:/nonexistent-kneeregen-dir/x.db"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << Describe(r);
}

TEST(InitCommand, RejectsAnEmptySqlitePath) {
  CommandResult r = RunKneeregen({"init", "--db", "sqlite:"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("file path"), std::string::npos) << Describe(r);
}

// ---------------------------------------------------------------------------------------------------------
// user: a database with one (synthetic demo) clinic, id 1.

class UserCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = "sqlite:" + dir_.File("users.db");
    CommandResult demo = RunKneeregen({"demo", "--db", url_, "--patients", "1"});
    ASSERT_EQ(demo.exit_code, 0) << Describe(demo);
  }

  CommandResult User(std::vector<std::string> args) {
    args.insert(args.begin(), "user");
    args.insert(args.end(), {"--db", url_});
    return RunKneeregen(args);
  }

  // The `user list` line of `username`, split into its columns; empty when the user is not listed.
  std::vector<std::string> Listed(const std::string& username) {
    CommandResult r = User({"list"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream words(line);
      std::vector<std::string> columns{std::istream_iterator<std::string>(words), {}};
      if (columns.size() >= 3 && columns[2] == username) return columns;
    }
    return {};
  }

  TempDir dir_;
  std::string url_;
};

TEST_F(UserCommandTest, AddedUserIsListedWithClinicAndRole) {
  CommandResult add = User({"add", "alice", "--clinic", "1", "--role", "clinician"});
  ASSERT_EQ(add.exit_code, 0) << Describe(add);
  auto password = ShownPassword(add.out);
  ASSERT_TRUE(password) << add.out;
  EXPECT_GE(password->size(), 12u);
  EXPECT_EQ(add.err.find(*password), std::string::npos);

  auto columns = Listed("alice");
  ASSERT_EQ(columns.size(), 5u) << "alice is not listed";
  EXPECT_EQ(columns[0], "1");  // clinic
  EXPECT_EQ(columns[3], "clinician");
  EXPECT_EQ(columns[4], "yes");
  CommandResult list = User({"list"});
  EXPECT_EQ(list.out.find(*password), std::string::npos) << "the list must not show passwords";
}

// Usernames may be up to 64 characters; the list must still show where the name ends and the role begins.
TEST_F(UserCommandTest, ListKeepsALongUsernameApartFromItsRole) {
  const std::string name = "dr.alexandra-konstantinopoulou-whitfield";  // 40 characters
  CommandResult add = User({"add", name, "--clinic", "1", "--role", "researcher"});
  ASSERT_EQ(add.exit_code, 0) << Describe(add);
  auto columns = Listed(name);
  EXPECT_EQ(columns.size(), 5u) << "the username runs into the next column:\n" << User({"list"}).out;
  if (columns.size() == 5u) {
    EXPECT_EQ(columns[3], "researcher");
  }
}

TEST_F(UserCommandTest, DuplicateUsernameFails) {
  ASSERT_EQ(User({"add", "alice", "--clinic", "1"}).exit_code, 0);
  CommandResult again = User({"add", "alice", "--clinic", "1", "--role", "admin"});
  EXPECT_NE(again.exit_code, 0) << Describe(again);
  EXPECT_EQ(again.out.find("shown only now"), std::string::npos) << "no password for an account not created";
  EXPECT_NE(again.err.find("username"), std::string::npos) << Describe(again);
  CommandResult list = User({"list"});
  EXPECT_EQ(CountOccurrences(list.out, " alice "), 1u) << list.out;
  EXPECT_EQ(Listed("alice").at(3), "clinician") << "the failed add must not change the existing account";
}

TEST_F(UserCommandTest, AddToAClinicThatDoesNotExistFails) {
  CommandResult r = User({"add", "bob", "--clinic", "99"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("clinic"), std::string::npos) << Describe(r);
  EXPECT_TRUE(Listed("bob").empty());
}

TEST_F(UserCommandTest, AddWithAnInvalidRoleFails) {
  CommandResult r = User({"add", "bob", "--clinic", "1", "--role", "wizard"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("role"), std::string::npos) << Describe(r);
  EXPECT_TRUE(Listed("bob").empty());
}

TEST_F(UserCommandTest, SetRoleChangesTheRoleAndRejectsAnInvalidOne) {
  ASSERT_EQ(User({"add", "alice", "--clinic", "1", "--role", "clinician"}).exit_code, 0);

  CommandResult bad = User({"set-role", "alice", "wizard", "--clinic", "1"});
  EXPECT_NE(bad.exit_code, 0) << Describe(bad);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("role"), std::string::npos) << Describe(bad);
  EXPECT_EQ(Listed("alice").at(3), "clinician");

  CommandResult good = User({"set-role", "alice", "coordinator", "--clinic", "1"});
  EXPECT_EQ(good.exit_code, 0) << Describe(good);
  EXPECT_EQ(Listed("alice").at(3), "coordinator");
}

TEST_F(UserCommandTest, SetRoleOfAnUnknownUserFails) {
  CommandResult r = User({"set-role", "nobody", "admin", "--clinic", "1"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << Describe(r);
}

TEST_F(UserCommandTest, ResetPasswordOfAnUnknownUserFails) {
  CommandResult r = User({"reset-password", "nobody"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << Describe(r);
}

TEST_F(UserCommandTest, ResetPasswordPrintsANewPasswordAndTheOldOneStopsWorking) {
  CommandResult add = User({"add", "alice", "--clinic", "1", "--role", "clinician"});
  ASSERT_EQ(add.exit_code, 0) << Describe(add);
  auto old_password = ShownPassword(add.out);
  ASSERT_TRUE(old_password);

  CommandResult reset = User({"reset-password", "alice"});
  ASSERT_EQ(reset.exit_code, 0) << Describe(reset);
  auto new_password = ShownPassword(reset.out);
  ASSERT_TRUE(new_password) << reset.out;
  EXPECT_NE(*new_password, *old_password);

  ServerProcess server(url_, dir_.path());
  std::string why;
  ASSERT_TRUE(server.WaitUntilHealthy(30s, &why)) << why;
  auto client = server.Client();
  EXPECT_FALSE(SignIn(*client, "alice", *old_password)) << "the old password still signs in";
  EXPECT_TRUE(SignIn(*client, "alice", *new_password, &why)) << why;
  EXPECT_EQ(server.Stop(), std::optional<int>(0));
}

// ---------------------------------------------------------------------------------------------------------
// demo: the same seed gives the same clinic.

const std::vector<std::string> kTimestamps = {"created_at", "updated_at"};

class DemoCommandTest : public ::testing::Test {
 protected:
  std::string Seed(const std::string& name, const std::string& seed) {
    std::string path = dir_.File(name);
    CommandResult r = RunKneeregen({"demo", "--db", "sqlite:" + path, "--patients", "50", "--seed", seed});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_NE(r.out.find("patients           50"), std::string::npos) << r.out;
    return path;
  }

  TempDir dir_;
};

TEST_F(DemoCommandTest, SameSeedGivesIdenticalPatients) {
  std::string a = Seed("a.db", "7");
  std::string b = Seed("b.db", "7");
  Table pa = Select(a, "SELECT * FROM patients ORDER BY id", kTimestamps);
  Table pb = Select(b, "SELECT * FROM patients ORDER BY id", kTimestamps);
  ASSERT_EQ(pa.rows.size(), 50u);
  EXPECT_EQ(pa.columns, pb.columns);
  for (size_t i = 0; i < pa.rows.size() && i < pb.rows.size(); ++i)
    EXPECT_EQ(pa.rows[i], pb.rows[i]) << "row " << i;
  EXPECT_EQ(Scalar(a, "SELECT count(*) FROM patients WHERE synthetic = 1"), "50")
      << "demo rows must be flagged";
}

TEST_F(DemoCommandTest, SameSeedGivesIdenticalClinicalRecords) {
  std::string a = Seed("a.db", "7");
  std::string b = Seed("b.db", "7");
  for (const char* table : {"practitioners", "knees", "assessments", "cartilage_lesions", "outcome_events"}) {
    std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY id";
    Table ta = Select(a, sql, kTimestamps);
    Table tb = Select(b, sql, kTimestamps);
    EXPECT_EQ(ta.rows, tb.rows) << table;
  }
}

TEST_F(DemoCommandTest, AnotherSeedGivesOtherPatients) {
  std::string a = Seed("a.db", "7");
  std::string b = Seed("b.db", "8");
  EXPECT_NE(Select(a, "SELECT * FROM patients ORDER BY id", kTimestamps).rows,
            Select(b, "SELECT * FROM patients ORDER BY id", kTimestamps).rows);
}

// ---------------------------------------------------------------------------------------------------------
// audit verify: an intact trail passes; a row changed or removed behind the application's back is named.

class AuditCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.db");
    url_ = "sqlite:" + path_;
    ASSERT_EQ(RunKneeregen({"demo", "--db", url_, "--patients", "3"}).exit_code, 0);
    for (const char* name : {"alice", "bob", "carol"})
      ASSERT_EQ(RunKneeregen({"user", "add", name, "--clinic", "1", "--db", url_}).exit_code, 0);
    rows_ = std::stoi(Scalar(path_, "SELECT count(*) FROM audit"));
    ASSERT_GE(rows_, 4);
  }

  // Runs SQL as someone with write access to the file, past the append-only triggers.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, ("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; " + sql).c_str(),
                          nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close_v2(db);
  }

  TempDir dir_;
  std::string path_;
  std::string url_;
  int rows_ = 0;
};

TEST_F(AuditCommandTest, AnIntactTrailVerifies) {
  CommandResult r = RunKneeregen({"audit", "verify", "--db", url_});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find(std::to_string(rows_) + " rows verified"), std::string::npos) << Describe(r);
}

TEST_F(AuditCommandTest, AChangedRowIsNamed) {
  Tamper("UPDATE audit SET username = 'someone-else' WHERE id = 2");
  CommandResult r = RunKneeregen({"audit", "verify", "--db", url_});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("audit row 2 "), std::string::npos) << Describe(r);
}

TEST_F(AuditCommandTest, ARemovedRowIsNoticedAtTheNextOne) {
  Tamper("DELETE FROM audit WHERE id = 2");
  CommandResult r = RunKneeregen({"audit", "verify", "--db", url_});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("audit row 3 "), std::string::npos) << Describe(r);
}

TEST_F(AuditCommandTest, AnUnopenableDatabaseIsAnErrorNotAPass) {
  CommandResult r = RunKneeregen({"audit", "verify", "--db", "sqlite:/nonexistent-kneeregen-dir/x.db"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out.find("intact"), std::string::npos) << Describe(r);
}

// ---------------------------------------------------------------------------------------------------------
// serve

// A listening socket on 127.0.0.1 held by this test, without SO_REUSEPORT (a program other than kneeregen).
class HeldPort {
 public:
  HeldPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      ADD_FAILURE() << "could not hold a port";
    port_ = ntohs(addr.sin_port);
  }
  ~HeldPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ServeCommand, FailsClearlyWhenAnotherProgramHoldsThePort) {
  TempDir dir;
  HeldPort held;
  CommandResult r = RunKneeregen(
      {"serve", "--db", "sqlite:" + dir.File("k.db"), "--listen", "127.0.0.1:" + std::to_string(held.port())},
      20s);
  EXPECT_NE(r.exit_code, -1) << "serve kept running on a port another program listens on";
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(held.port())), std::string::npos)
      << Describe(r);
}

TEST(ServeCommand, FailsClearlyWhenAnotherKneeregenHoldsThePort) {
  TempDir dir;
  ServerProcess first("sqlite:" + dir.File("a.db"), dir.path());
  std::string why;
  ASSERT_TRUE(first.WaitUntilHealthy(30s, &why)) << why;
  std::string listen = "127.0.0.1:" + std::to_string(first.port());
  CommandResult second =
      RunKneeregen({"serve", "--db", "sqlite:" + dir.File("b.db"), "--listen", listen}, 5s);
  EXPECT_NE(second.exit_code, -1)
      << "a second server bound " << listen << " while the first was listening there, and kept serving: the "
      << "two now share the port (SO_REUSEPORT) and requests are split between two databases\n"
      << Describe(second);
  EXPECT_NE(second.exit_code, 0) << Describe(second);
  EXPECT_NE(second.err.find("cannot listen on " + listen), std::string::npos) << Describe(second);
  EXPECT_EQ(first.Stop(), std::optional<int>(0));
}

TEST(ServeCommand, ReportsADatabaseItCannotOpen) {
  CommandResult r = RunKneeregen({"serve", "--db", "sqlite:/nonexistent-kneeregen-dir/k.db", "--listen",
                                  "127.0.0.1:" + std::to_string(FreePort())},
                                 20s);
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.exit_code, -1) << "serve kept running without a database";
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << Describe(r);
}

TEST(ServeCommand, SeedDemoPrintsTheAdminPasswordOnlyOnTheFirstStart) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("k.db");
  std::string password;
  {
    ServerProcess server(url, dir.path(), {"--seed-demo", "--demo-patients", "5"});
    std::string why;
    ASSERT_TRUE(server.WaitUntilHealthy(30s, &why)) << why;
    std::string out = server.process().Stdout();
    EXPECT_EQ(CountOccurrences(out, "(shown only now)"), 1u) << out;
    EXPECT_NE(out.find(server.url()), std::string::npos) << "the URL is not printed:\n" << out;
    auto shown = ShownPassword(out);
    ASSERT_TRUE(shown) << out;
    password = *shown;
    EXPECT_EQ(CountOccurrences(out, password), 1u) << "the password is printed more than once";
    EXPECT_EQ(server.process().Stderr().find(password), std::string::npos) << "the password reached stderr";
    auto client = server.Client();
    EXPECT_TRUE(SignIn(*client, "admin", password, &why)) << why;
    EXPECT_EQ(server.Stop(), std::optional<int>(0));
    std::string after_stop = server.process().Stdout() + server.process().Stderr();
    EXPECT_EQ(CountOccurrences(after_stop, password), 1u) << "the password was logged";
  }
  {
    ServerProcess server(url, dir.path(), {"--seed-demo", "--demo-patients", "5"});
    std::string why;
    ASSERT_TRUE(server.WaitUntilHealthy(30s, &why)) << why;
    std::string out = server.process().Stdout();
    EXPECT_EQ(out.find("shown only now"), std::string::npos) << "a second start printed a password:\n" << out;
    EXPECT_EQ(out.find("Password"), std::string::npos) << out;
    EXPECT_NE(out.find(server.url()), std::string::npos) << "the URL is not printed:\n" << out;
    auto client = server.Client();
    EXPECT_TRUE(SignIn(*client, "admin", password, &why)) << "the first start's password: " << why;
    EXPECT_EQ(server.Stop(), std::optional<int>(0));
  }
  EXPECT_EQ(Scalar(dir.File("k.db"), "SELECT count(*) FROM clinics"), "1")
      << "the demo clinic was seeded twice";
  EXPECT_EQ(Scalar(dir.File("k.db"), "SELECT count(*) FROM patients"), "5");
}

class StopSignalTest : public ::testing::TestWithParam<int> {};

TEST_P(StopSignalTest, StopsServeWithExitCodeZero) {
  TempDir dir;
  ServerProcess server("sqlite:" + dir.File("k.db"), dir.path());
  std::string why;
  ASSERT_TRUE(server.WaitUntilHealthy(30s, &why)) << why;
  auto started = std::chrono::steady_clock::now();
  server.process().Signal(GetParam());
  auto code = server.process().WaitExit(10s);
  ASSERT_TRUE(code) << "serve did not stop within 10 s of signal " << GetParam();
  EXPECT_EQ(*code, 0) << server.process().Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "stopping an idle server took long";
  EXPECT_EQ(Scalar(dir.File("k.db"), "PRAGMA integrity_check"), "ok");
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignalTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

}  // namespace
}  // namespace kneeregen::e2e
