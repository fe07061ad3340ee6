// RELIABILITY.md D2 and U3, as a black box: writers stream patient creations and edits to a real server, the
// server is killed with SIGKILL at a random moment, and the database it leaves behind must hold every write
// that was acknowledged with a 2xx, no half of a transaction, one audit row per change and an intact audit
// hash chain. Then the server restarts on the same database and must serve every acknowledged record.
//
// Cycles: 5 by default; KNEEREGEN_CRASH_CYCLES=500 for the soak run the reliability table asks for. The
// PostgreSQL case runs when KNEEREGEN_TEST_PG_URL is set (scripts/with-postgres.sh sets it).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.hpp"
#include "e2e/process_harness.hpp"
#include "registry/audit.hpp"

namespace kneeregen::e2e {
namespace {

using Json = nlohmann::json;
using Cell = std::optional<std::string>;  // nothing for SQL NULL
using Row = std::vector<Cell>;

constexpr int kWriters = 4;
constexpr size_t kMaxReportedProblems = 10;

int CrashCycles() {
  const char* text = std::getenv("KNEEREGEN_CRASH_CYCLES");
  if (!text || !*text) return 5;
  int cycles = std::atoi(text);
  return cycles > 0 ? cycles : 5;
}

// Read-only access to whatever the crashed server left on disk, in the same text form for both backends.
class Inspector {
 public:
  virtual ~Inspector() = default;
  virtual std::vector<Row> Query(const std::string& sql) = 0;
  // "ok" when the database file is structurally sound (PostgreSQL: checked by the server itself).
  virtual std::string IntegrityCheck() = 0;
  virtual std::string ForeignKeyProblems() = 0;
};

class SqliteInspector : public Inspector {
 public:
  explicit SqliteInspector(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_close_v2(db_);  // a failed open still allocates a handle
      throw std::runtime_error("cannot open " + path + " read-only: " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteInspector() override { sqlite3_close_v2(db_); }

  std::vector<Row> Query(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot prepare '" + sql + "': " + sqlite3_errmsg(db_));
    std::vector<Row> rows;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      for (int c = 0, n = sqlite3_column_count(stmt); c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL)
          row.emplace_back(std::nullopt);
        else
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      }
      rows.push_back(std::move(row));
    }
    std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    if (!error.empty()) throw std::runtime_error("'" + sql + "' failed: " + error);
    return rows;
  }

  std::string IntegrityCheck() override { return Joined(Query("PRAGMA integrity_check")); }
  std::string ForeignKeyProblems() override { return Joined(Query("PRAGMA foreign_key_check")); }

 private:
  static std::string Joined(const std::vector<Row>& rows) {
    std::string out;
    for (const auto& row : rows) {
      for (const auto& cell : row) out += (cell ? *cell : "NULL") + " ";
      out += "\n";
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }

  sqlite3* db_ = nullptr;
};

class PgInspector : public Inspector {
 public:
  explicit PgInspector(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK)
      throw std::runtime_error(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn_));
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgInspector() override { PQfinish(conn_); }

  std::vector<Row> Query(const std::string& sql) override {
    PGresult* result = PQexec(conn_, sql.c_str());
    auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      std::string error = PQerrorMessage(conn_);
      PQclear(result);
      throw std::runtime_error("'" + sql + "' failed: " + error);
    }
    std::vector<Row> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
      Row row;
      for (int c = 0; c < PQnfields(result); ++c) {
        if (PQgetisnull(result, r, c))
          row.emplace_back(std::nullopt);
        else
          row.emplace_back(
              std::string(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c))));
      }
      rows.push_back(std::move(row));
    }
    PQclear(result);
    return rows;
  }

  std::string IntegrityCheck() override { return "ok"; }
  std::string ForeignKeyProblems() override { return ""; }  // enforced by the server, never deferred

 private:
  PGconn* conn_;
};

std::string Text(const Cell& cell) { return cell.value_or(""); }
int64_t Int(const Cell& cell) { return std::stoll(cell.value()); }
std::optional<int64_t> OptionalInt(const Cell& cell) {
  if (!cell) return std::nullopt;
  return std::stoll(*cell);
}
bool Truthy(const Cell& cell) { return cell && (*cell == "1" || *cell == "t" || *cell == "true"); }

// What the writers know about one patient: its last acknowledged state, and an edit that was sent but not
// answered (it may or may not have committed).
struct PatientLedger {
  int64_t id = 0;
  int64_t version = 1;
  std::string given_name;
  std::optional<std::string> unanswered_given_name;
};

// Everything the writers were told (acknowledged) or left unanswered, across all cycles.
struct Ledger {
  std::map<std::string, PatientLedger> acked;             // by MRN
  std::map<std::string, std::string> unanswered_creates;  // MRN -> given name
};

// Collects problems and reports the first few, so a broken run doesn't print a million lines.
class Problems {
 public:
  explicit Problems(std::string context) : context_(std::move(context)) {}
  ~Problems() {
    if (count_ > kMaxReportedProblems)
      ADD_FAILURE() << context_ << ": " << (count_ - kMaxReportedProblems) << " more problems not shown";
  }
  void Add(const std::string& what) {
    if (++count_ <= kMaxReportedProblems) ADD_FAILURE() << context_ << ": " << what;
  }
  size_t count() const { return count_; }

 private:
  std::string context_;
  size_t count_ = 0;
};

// One writer's view of a cycle.
struct WriterResult {
  std::vector<std::pair<std::string, PatientLedger>> created;           // acknowledged creations
  std::vector<std::pair<std::string, std::string>> unanswered_creates;  // MRN, given name
  std::vector<std::string> unexpected;                                  // non-2xx answers, early failures
  int acked_edits = 0;
};

struct CycleStats {
  int acked_creates = 0;
  int acked_edits = 0;
  int unanswered = 0;
};

class CrashHarness {
 public:
  // `settle` runs after each kill, before the database is inspected: it waits until nothing the killed
  // server started can still commit.
  CrashHarness(
      std::string db_url, std::function<std::unique_ptr<Inspector>()> inspect, std::string output_dir,
      std::function<void()> settle = [] {})
      : db_url_(std::move(db_url)),
        inspect_(std::move(inspect)),
        output_dir_(std::move(output_dir)),
        settle_(std::move(settle)) {}

  void Run(int cycles) {
    std::random_device device;
    unsigned seed = device();
    std::mt19937 random(seed);
    std::cout << "[ crash ] " << cycles << " cycles, kill-time seed " << seed << std::endl;

    auto server = std::make_unique<ServerProcess>(
        db_url_, output_dir_, std::vector<std::string>{"--seed-demo", "--demo-patients", "20"});
    std::string why;
    ASSERT_TRUE(server->WaitUntilHealthy(60s, &why)) << why;
    auto password = ShownPassword(server->process().Stdout());
    ASSERT_TRUE(password) << "no admin password in the first start's output:\n" << server->process().Stdout();
    password_ = *password;

    for (int cycle = 1; cycle <= cycles; ++cycle) {
      SCOPED_TRACE("cycle " + std::to_string(cycle));
      CycleStats stats;
      int64_t first_new_id = 0;
      ASSERT_NO_FATAL_FAILURE(WriteAndKill(*server, cycle, random, stats, first_new_id));
      ASSERT_NO_FATAL_FAILURE(settle_());
      ASSERT_NO_FATAL_FAILURE(VerifyOnDisk("after SIGKILL in cycle " + std::to_string(cycle)));
      server = std::make_unique<ServerProcess>(db_url_, output_dir_);
      ASSERT_TRUE(server->WaitUntilHealthy(60s, &why)) << "restart after SIGKILL failed: " << why;
      ASSERT_NO_FATAL_FAILURE(VerifyOverHttp(*server, first_new_id, cycle));
      // The operator's own check agrees, run beside the restarted server as an operator would.
      CommandResult verify = RunKneeregen({"audit", "verify", "--db", db_url_});
      EXPECT_EQ(verify.exit_code, 0) << "audit verify after cycle " << cycle << ":\n"
                                     << verify.out << verify.err;
      std::cout << "[ crash ] cycle " << cycle << ": " << stats.acked_creates << " creations and "
                << stats.acked_edits << " edits acknowledged, " << stats.unanswered
                << " requests unanswered at the kill; " << ledger_.acked.size() << " patients tracked"
                << std::endl;
    }
    auto code = server->Stop();
    EXPECT_EQ(code, std::optional<int>(0)) << "SIGTERM after the last cycle";
    VerifyOnDisk("after the final clean stop");
  }

 private:
  std::string MakePatientBody(const std::string& mrn, const std::string& given_name, int n) {
    static const char* kSexes[] = {"female", "male", "other", "unknown"};
    Json body = {{"mrn", mrn},
                 {"given_name", given_name},
                 {"family_name", "Crashtest"},
                 {"birth_date", "19" + std::to_string(40 + n % 60) + "-0" + std::to_string(1 + n % 9) + "-1" +
                                    std::to_string(n % 10)},
                 {"sex", kSexes[n % 4]}};
    return body.dump();
  }

  void Writer(ServerProcess& server, const Session& session, int cycle, int writer, unsigned seed,
              const std::atomic<bool>& killed, std::atomic<int>& acked, WriterResult& out) {
    std::mt19937 random(seed);
    auto client = server.Client();
    client->set_keep_alive(true);
    httplib::Headers headers = SessionHeaders(session);
    auto transport_failed = [&](const std::string& what, const httplib::Result& res) {
      if (!killed.load())
        out.unexpected.push_back(what + " failed before the kill: " + httplib::to_string(res.error()));
    };
    std::vector<size_t> editable;  // indexes into out.created
    for (int n = 0;; ++n) {
      if (!editable.empty() && random() % 3 == 0) {
        size_t index = editable[random() % editable.size()];
        auto& [mrn, patient] = out.created[index];
        std::string name =
            "Edit-c" + std::to_string(cycle) + "w" + std::to_string(writer) + "n" + std::to_string(n);
        httplib::Headers edit_headers = headers;
        edit_headers.emplace("If-Match", "\"" + std::to_string(patient.version) + "\"");
        auto res = client->Patch("/api/v1/patients/" + std::to_string(patient.id), edit_headers,
                                 Json{{"given_name", name}}.dump(), "application/json");
        if (!res) {
          patient.unanswered_given_name = name;
          transport_failed("PATCH " + mrn, res);
          return;
        }
        if (res->status != 200) {
          out.unexpected.push_back("PATCH " + mrn + " answered " + std::to_string(res->status) + ": " +
                                   res->body);
          continue;
        }
        auto json = Json::parse(res->body, nullptr, false);
        if (!json.is_object() || !json["version"].is_number_integer() || !json["given_name"].is_string()) {
          out.unexpected.push_back("PATCH " + mrn + " answered 200 with " + res->body);
          return;
        }
        patient.version = json["version"].get<int64_t>();
        patient.given_name = json["given_name"].get<std::string>();
        ++out.acked_edits;
        continue;
      }
      std::string mrn =
          "CR-c" + std::to_string(cycle) + "-w" + std::to_string(writer) + "-" + std::to_string(n);
      std::string name = "Given-" + std::to_string(n);
      auto res = client->Post("/api/v1/patients", headers, MakePatientBody(mrn, name, n), "application/json");
      if (!res) {
        out.unanswered_creates.emplace_back(mrn, name);
        transport_failed("POST " + mrn, res);
        return;
      }
      if (res->status != 201) {
        out.unexpected.push_back("POST " + mrn + " answered " + std::to_string(res->status) + ": " +
                                 res->body);
        continue;
      }
      auto json = Json::parse(res->body, nullptr, false);
      if (!json.is_object() || !json["id"].is_number_integer() || !json["version"].is_number_integer() ||
          !json["given_name"].is_string()) {
        out.unexpected.push_back("POST " + mrn + " answered 201 with " + res->body);
        return;
      }
      PatientLedger patient{.id = json["id"].get<int64_t>(),
                            .version = json["version"].get<int64_t>(),
                            .given_name = json["given_name"].get<std::string>()};
      if (json["mrn"] != mrn) out.unexpected.push_back("POST " + mrn + " stored MRN " + json["mrn"].dump());
      out.created.emplace_back(mrn, patient);
      editable.push_back(out.created.size() - 1);
      acked.fetch_add(1);
    }
  }

  void WriteAndKill(ServerProcess& server, int cycle, std::mt19937& random, CycleStats& stats,
                    int64_t& first_new_id) {
    auto client = server.Client();
    std::string why;
    auto session = SignIn(*client, "admin", password_, &why);
    ASSERT_TRUE(session) << why;

    std::atomic<bool> killed{false};
    std::atomic<int> acked{0};
    std::vector<WriterResult> results(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
      writers.emplace_back([&, w, seed = static_cast<unsigned>(random())] {
        Writer(server, *session, cycle, w, seed, killed, acked, results[w]);
      });

    // Kill a random 30-500 ms after the first acknowledged write, so every cycle has something to lose.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (acked.load() == 0 && std::chrono::steady_clock::now() < deadline && server.process().Running())
      std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 471));
    bool was_running = server.process().Running();
    killed.store(true);
    server.process().Kill();
    for (auto& t : writers) t.join();
    EXPECT_TRUE(was_running) << "the server died before it was killed:\n" << server.process().Stderr();
    EXPECT_GT(acked.load(), 0) << "no write was acknowledged before the kill";

    first_new_id = 0;
    Problems unexpected("writers in cycle " + std::to_string(cycle));
    for (auto& result : results) {
      for (const auto& problem : result.unexpected) unexpected.Add(problem);
      for (auto& [mrn, patient] : result.created) {
        if (patient.unanswered_given_name) ++stats.unanswered;
        if (first_new_id == 0 || patient.id < first_new_id) first_new_id = patient.id;
        ledger_.acked[mrn] = patient;
      }
      for (auto& [mrn, name] : result.unanswered_creates) ledger_.unanswered_creates[mrn] = name;
      stats.acked_creates += static_cast<int>(result.created.size());
      stats.acked_edits += result.acked_edits;
      stats.unanswered += static_cast<int>(result.unanswered_creates.size());
    }
  }

  // The database as the killed server left it: structure, acknowledged writes, whole transactions, audit.
  void VerifyOnDisk(const std::string& when) {
    std::unique_ptr<Inspector> db;
    try {
      db = inspect_();
    } catch (const std::exception& e) {
      FAIL() << when << ": " << e.what();
    }
    Problems problems(when);
    try {
      std::string integrity = db->IntegrityCheck();
      if (integrity != "ok") problems.Add("integrity_check: " + integrity);
      std::string foreign_keys = db->ForeignKeyProblems();
      if (!foreign_keys.empty()) problems.Add("foreign_key_check: " + foreign_keys);
      VerifyAuditChain(*db, problems);
      VerifyPatients(*db, problems);
    } catch (const std::exception& e) {
      problems.Add(e.what());
    }
  }

  // Ids run 1, 2, 3... and every row's hash covers its fields and the previous row's hash.
  void VerifyAuditChain(Inspector& db, Problems& problems) {
    auto rows = db.Query(
        "SELECT id, at, user_id, username, role, clinic_id, action, object_type, object_id, patient_id, "
        "before_json, after_json, reason, request_id, ip, prev_hash, hash FROM audit ORDER BY id");
    std::string prev_hash;
    int64_t expected_id = 1;
    audit_.clear();
    for (const auto& r : rows) {
      AuditEntry e;
      e.id = Int(r[0]);
      e.at = Text(r[1]);
      e.user_id = OptionalInt(r[2]);
      e.username = Text(r[3]);
      e.role = Text(r[4]);
      e.clinic_id = OptionalInt(r[5]);
      e.action = Text(r[6]);
      e.object_type = Text(r[7]);
      e.object_id = OptionalInt(r[8]);
      e.patient_id = OptionalInt(r[9]);
      e.before_json = Text(r[10]);
      e.after_json = Text(r[11]);
      e.reason = Text(r[12]);
      e.request_id = Text(r[13]);
      e.ip = Text(r[14]);
      e.prev_hash = Text(r[15]);
      e.hash = Text(r[16]);
      if (e.id != expected_id)
        problems.Add("audit id " + std::to_string(e.id) + " follows " + std::to_string(expected_id - 1));
      if (e.prev_hash != prev_hash)
        problems.Add("audit " + std::to_string(e.id) + ": prev_hash is not the previous row's hash");
      if (e.hash != ComputeAuditHash(e, e.prev_hash))
        problems.Add("audit " + std::to_string(e.id) + ": hash does not match its contents");
      prev_hash = e.hash;
      expected_id = e.id + 1;
      audit_.push_back(std::move(e));
    }
  }

  // Every acknowledged write is there with the values acknowledged; nothing is there that no writer sent;
  // each patient has exactly its creation and one update row per version, and no audit row lacks its patient.
  void VerifyPatients(Inspector& db, Problems& problems) {
    struct Stored {
      int64_t id;
      std::string mrn;
      int64_t version;
      std::string given_name;
      bool synthetic;
    };
    std::map<int64_t, Stored> by_id;
    std::map<std::string, int64_t> id_by_mrn;
    for (const auto& r : db.Query("SELECT id, mrn, version, given_name, synthetic FROM patients")) {
      Stored s{Int(r[0]), Text(r[1]), Int(r[2]), Text(r[3]), Truthy(r[4])};
      id_by_mrn[s.mrn] = s.id;
      by_id[s.id] = std::move(s);
    }

    struct AuditOfPatient {
      int creates = 0;
      int updates = 0;
      std::string created_mrn;
      std::string last_given_name;
    };
    std::map<int64_t, AuditOfPatient> audit_of;
    for (const auto& e : audit_) {
      if (e.object_type != "patients" || (e.action != "create" && e.action != "update")) continue;
      if (!e.object_id || !by_id.count(*e.object_id)) {
        problems.Add("audit " + std::to_string(e.id) + " (" + e.action + ") names patient " +
                     (e.object_id ? std::to_string(*e.object_id) : "NULL") + ", which does not exist");
        continue;
      }
      auto& a = audit_of[*e.object_id];
      auto after = Json::parse(e.after_json, nullptr, false);
      if (e.action == "create") {
        ++a.creates;
        if (after.is_object()) a.created_mrn = after.value("mrn", "");
      } else {
        ++a.updates;
      }
      if (after.is_object() && after.contains("given_name"))
        a.last_given_name = after["given_name"].get<std::string>();
    }

    for (const auto& [id, s] : by_id) {
      if (s.synthetic) continue;  // the demo seed writes one demo.seed row for its whole clinic
      const auto& a = audit_of[id];
      std::string who = "patient " + std::to_string(id) + " (" + s.mrn + ")";
      if (a.creates != 1) problems.Add(who + " has " + std::to_string(a.creates) + " create audit rows");
      if (a.updates != s.version - 1)
        problems.Add(who + " is at version " + std::to_string(s.version) + " but has " +
                     std::to_string(a.updates) + " update audit rows");
      if (a.creates == 1 && a.created_mrn != s.mrn)
        problems.Add(who + ": its create audit row says MRN " + a.created_mrn);
      if (a.creates == 1 && a.last_given_name != s.given_name)
        problems.Add(who + ": given_name '" + s.given_name + "' but the audit trail ends at '" +
                     a.last_given_name + "'");
      if (!ledger_.acked.count(s.mrn) && !ledger_.unanswered_creates.count(s.mrn))
        problems.Add(who + " was never sent by a writer");
    }

    for (auto& [mrn, expected] : ledger_.acked) {
      auto found = id_by_mrn.find(mrn);
      if (found == id_by_mrn.end()) {
        problems.Add("acknowledged patient " + mrn + " (id " + std::to_string(expected.id) + ") is missing");
        continue;
      }
      const Stored& s = by_id.at(found->second);
      if (s.id != expected.id)
        problems.Add(mrn + " has id " + std::to_string(s.id) + ", acknowledged as " +
                     std::to_string(expected.id));
      bool as_acked = s.version == expected.version && s.given_name == expected.given_name;
      bool unanswered_committed = expected.unanswered_given_name && s.version == expected.version + 1 &&
                                  s.given_name == *expected.unanswered_given_name;
      if (!as_acked && !unanswered_committed)
        problems.Add(mrn + " is version " + std::to_string(s.version) + " '" + s.given_name +
                     "', acknowledged as version " + std::to_string(expected.version) + " '" +
                     expected.given_name + "'");
      // What the database now says is what later cycles must keep.
      expected.version = s.version;
      expected.given_name = s.given_name;
      expected.unanswered_given_name.reset();
    }
    for (auto it = ledger_.unanswered_creates.begin(); it != ledger_.unanswered_creates.end();) {
      auto found = id_by_mrn.find(it->first);
      if (found != id_by_mrn.end()) {
        const Stored& s = by_id.at(found->second);
        if (s.version != 1 || s.given_name != it->second)
          problems.Add(it->first + " was created unanswered but reads version " + std::to_string(s.version));
        ledger_.acked[it->first] =
            PatientLedger{.id = s.id, .version = s.version, .given_name = s.given_name};
      }
      it = ledger_.unanswered_creates.erase(it);
    }
  }

  // After the restart, the API serves every patient acknowledged in the cycle with its acknowledged version.
  void VerifyOverHttp(ServerProcess& server, int64_t first_new_id, int cycle) {
    auto client = server.Client();
    std::string why;
    auto session = SignIn(*client, "admin", password_, &why);
    ASSERT_TRUE(session) << "sign-in after restart: " << why;
    std::map<std::string, int64_t> served;  // MRN -> version
    std::string cursor = std::to_string(std::max<int64_t>(first_new_id - 1, 0));
    for (int page = 0; page < 100'000; ++page) {
      auto res = client->Get("/api/v1/patients?limit=200&cursor=" + cursor, SessionHeaders(*session));
      ASSERT_TRUE(res) << httplib::to_string(res.error());
      ASSERT_EQ(res->status, 200) << res->body;
      auto json = Json::parse(res->body);
      for (const auto& item : json["items"])
        served[item["mrn"].get<std::string>()] = item["version"].get<int64_t>();
      if (json["next_cursor"].is_null()) break;
      cursor = json["next_cursor"].get<std::string>();
    }
    Problems problems("over HTTP after the restart of cycle " + std::to_string(cycle));
    std::string prefix = "CR-c" + std::to_string(cycle) + "-";
    for (const auto& [mrn, expected] : ledger_.acked) {
      if (mrn.rfind(prefix, 0) != 0) continue;
      auto it = served.find(mrn);
      if (it == served.end())
        problems.Add("acknowledged patient " + mrn + " is not listed");
      else if (it->second != expected.version)
        problems.Add(mrn + " is listed at version " + std::to_string(it->second) + ", stored as " +
                     std::to_string(expected.version));
    }
  }

  std::string db_url_;
  std::function<std::unique_ptr<Inspector>()> inspect_;
  std::string output_dir_;
  std::function<void()> settle_;
  std::string password_;
  Ledger ledger_;
  std::vector<AuditEntry> audit_;
};

class CrashDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto()); }
};

TEST_F(CrashDurabilityTest, SqliteKeepsEveryAcknowledgedWriteThroughSigkill) {
  TempDir dir;
  std::string path = dir.File("k.db");
  CrashHarness harness(
      "sqlite:" + path, [path] { return std::make_unique<SqliteInspector>(path); }, dir.path());
  harness.Run(CrashCycles());
}

// A first start killed while it seeds the demo clinic (a long seed commits in batches) must not leave a
// database nobody can sign in to: starting again with --seed-demo has to end with an admin account whose
// password is printed.
TEST_F(CrashDurabilityTest, FirstStartKilledWhileSeedingStillEndsWithAnAdmin) {
  TempDir dir;
  std::string path = dir.File("k.db");
  std::string url = "sqlite:" + path;
  {
    ServerProcess first(url, dir.path(), {"--seed-demo", "--demo-patients", "200000"});
    // Kill as soon as a first batch of patients is committed, or (should the seed commit all at once)
    // 3 s into the seed: either way well before a seed this large can finish.
    auto deadline = std::chrono::steady_clock::now() + 60s;
    std::optional<std::chrono::steady_clock::time_point> seeding_since;
    bool committed = false;
    while (first.process().Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      try {
        SqliteInspector db(path);
        committed = Int(db.Query("SELECT count(*) FROM patients").at(0).at(0)) > 0;
      } catch (const std::exception&) {
        // not created or not migrated yet
      }
      if (!seeding_since && first.process().Stdout().find("First start") != std::string::npos)
        seeding_since = std::chrono::steady_clock::now();
      if (committed || (seeding_since && std::chrono::steady_clock::now() - *seeding_since > 3s)) break;
    }
    bool was_running = first.process().Running();
    first.process().Kill();
    ASSERT_TRUE(was_running) << "the first start ended by itself:\n"
                             << first.process().Stdout() << first.process().Stderr();
    ASSERT_TRUE(committed || seeding_since) << "the seed did not start within 60 s:\n"
                                            << first.process().Stdout();
    if (ShownPassword(first.process().Stdout()))
      GTEST_SKIP() << "the seed finished before the kill; nothing to test on this machine";
  }
  {
    SqliteInspector db(path);
    EXPECT_EQ(db.IntegrityCheck(), "ok");
  }
  ServerProcess again(url, dir.path(), {"--seed-demo", "--demo-patients", "20"});
  std::string why;
  ASSERT_TRUE(again.WaitUntilHealthy(120s, &why)) << why;
  auto password = ShownPassword(again.process().Stdout());
  EXPECT_TRUE(password)
      << "after a first start killed while seeding, a second start with --seed-demo created no "
         "admin account and printed no password, so nobody can sign in:\n"
      << again.process().Stdout();
  if (password) {
    auto client = again.Client();
    EXPECT_TRUE(SignIn(*client, "admin", *password, &why)) << why;
  }
  EXPECT_EQ(again.Stop(), std::optional<int>(0));
}

TEST_F(CrashDurabilityTest, PostgresKeepsEveryAcknowledgedWriteThroughSigkill) {
  const char* base = std::getenv("KNEEREGEN_TEST_PG_URL");
  if (!base || !*base) GTEST_SKIP() << "KNEEREGEN_TEST_PG_URL is not set (scripts/with-postgres.sh sets it)";
  // A schema of its own, emptied first, so other suites sharing the database run undisturbed alongside.
  std::string schema = "kr_e2e_crash_" + std::to_string(getpid());
  {
    PgInspector admin(base);
    admin.Query("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    admin.Query("CREATE SCHEMA " + schema);
  }
  std::string url = std::string(base) + (std::string(base).find('?') == std::string::npos ? "?" : "&") +
                    "options=-c%20search_path%3D" + schema;
  // The server's sessions carry a name of their own, so the test can wait for the killed server's sessions
  // to end: a COMMIT it sent just before dying may still be applied until then.
  std::string server_url = url + "&application_name=" + schema;
  auto settle = [url, schema] {
    PgInspector db(url);
    auto deadline = std::chrono::steady_clock::now() + 30s;
    std::string count;
    do {
      count = db.Query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + schema + "'")
                  .at(0)
                  .at(0)
                  .value_or("");
      if (count == "0") return;
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < deadline);
    FAIL() << count << " sessions of the killed server were still open 30 s after the kill";
  };
  TempDir dir;
  {
    CrashHarness harness(
        server_url, [url] { return std::make_unique<PgInspector>(url); }, dir.path(), settle);
    harness.Run(CrashCycles());
  }
  PgInspector admin(base);
  admin.Query("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace
}  // namespace kneeregen::e2e
