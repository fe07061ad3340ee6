// The outbox as an operator runs it: `kneeregen outbox run` sends what is due through the configured mail
// server and prints what it did, `--now` steps through days, bad mail settings are refused by name, and
// `kneeregen serve --smtp-url` sends queued emails on its own every --outbox-interval seconds. The mail
// server is a real SMTP sink on a loopback port; the database is a demo clinic with one follow-up whose
// invitation and reminder are queued as the email-invitation route queues them.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "core/crypto.hpp"
#include "e2e/process_harness.hpp"
#include "support/smtp_sink.hpp"

namespace kneeregen::e2e {
namespace {

using testing::SmtpSink;

void Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "") << "\n" << sql;
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string Scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out = text ? reinterpret_cast<const char*>(text) : "NULL";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// A demo clinic; its first course gets one more scheduled follow-up (timepoint "e2e") with an invitation due now and a reminder due
// on 2099-01-01, to the address given.
std::string SeedQueuedInvitation(const TempDir& dir, const std::string& address) {
  const std::string path = dir.File("k.db");
  CommandResult demo = RunKneeregen({"demo", "--patients", "2", "--db", "sqlite:" + path});
  EXPECT_EQ(demo.exit_code, 0) << demo.err;
  const std::string now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  Exec(path, "INSERT INTO followups (clinic_id, created_at, updated_at, course_id, patient_id, knee_id, timepoint, "
             "anchor_session, anchor_date, due_on, window_opens, window_closes, status) "
             "SELECT clinic_id, " + now + ", " + now + ", id, patient_id, knee_id, 'e2e', 1, start_date, "
             "date('now'), date('now', '-14 days'), date('now', '+14 days'), 'scheduled' "
             "FROM treatment_courses ORDER BY id LIMIT 1;"
             "UPDATE patients SET email = '" + address + "' WHERE id = (SELECT patient_id FROM followups "
             "WHERE timepoint = 'e2e');");
  for (const auto& [kind, due] : {std::pair<std::string, std::string>{"invitation", "2000-01-01T00:00:00.000Z"},
                                  {"reminder", "2099-01-01T00:00:00.000Z"}})
    Exec(path, "INSERT INTO outbox_messages (clinic_id, created_at, updated_at, followup_id, patient_id, kind, "
               "channel, to_address, subject, body, send_after, status, attempts) "
               "SELECT clinic_id, " + now + ", " + now + ", id, patient_id, '" + kind + "', 'email', '" + address +
               "', 'A short questionnaire', 'Your link: https://clinic.example/survey?t={survey_token}\n', '" + due +
               "', 'queued', 0 FROM followups WHERE timepoint = 'e2e';");
  return path;
}

std::string TokenIn(const testing::ReceivedMail& mail) {
  const std::string body = mail.Body();
  auto at = body.find("survey?t=");
  return at == std::string::npos ? "" : body.substr(at + 9, 43);
}

TEST(OutboxCommand, SendsWhatIsDueAndStepsThroughDaysWithNow) {
  TempDir dir;
  SmtpSink sink;
  const std::string path = SeedQueuedInvitation(dir, "e2e.patient@example.org");
  const std::vector<std::string> mail = {"--smtp-url", sink.url(), "--mail-from", "clinic@example.org"};
  std::vector<std::string> run = {"outbox", "run", "--db", "sqlite:" + path};
  run.insert(run.end(), mail.begin(), mail.end());

  CommandResult first = RunKneeregen(run);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("\"sent\":1"), std::string::npos) << first.out;
  ASSERT_EQ(sink.count(), 1u);
  EXPECT_EQ(sink.messages()[0].rcpt_to, std::vector<std::string>{"e2e.patient@example.org"});
  const std::string token = TokenIn(sink.messages()[0]);
  ASSERT_EQ(token.size(), 43u);
  EXPECT_EQ(Scalar(path, "SELECT count(*) FROM survey_invitations WHERE token_hash = '" + Sha256Hex(token) + "'"), "1");
  EXPECT_EQ(Scalar(path, "SELECT count(*) FROM outbox_messages WHERE body LIKE '%" + token + "%'"), "0")
      << "the token is never stored";
  EXPECT_NE(RunKneeregen(run).out.find("\"sent\":0"), std::string::npos) << "the reminder is not due yet";

  run.insert(run.end(), {"--now", "2099-01-02T00:00:00Z"});
  CommandResult later = RunKneeregen(run);
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_NE(later.out.find("\"sent\":1"), std::string::npos) << later.out;
  EXPECT_EQ(sink.count(), 2u);
  EXPECT_EQ(Scalar(path, "SELECT group_concat(status) FROM outbox_messages"), "sent,sent");
}

TEST(OutboxCommand, RefusesMissingOrBadMailSettings) {
  TempDir dir;
  const std::string db = "sqlite:" + dir.File("k.db");
  CommandResult missing = RunKneeregen({"outbox", "run", "--db", db});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--smtp-url"), std::string::npos) << missing.err;
  CommandResult bad_now = RunKneeregen({"outbox", "run", "--db", db, "--smtp-url", "smtp://127.0.0.1:1",
                                        "--mail-from", "clinic@example.org", "--now", "tomorrow"});
  EXPECT_EQ(bad_now.exit_code, 2);
  EXPECT_NE(bad_now.err.find("--now"), std::string::npos) << bad_now.err;
  CommandResult bad_url = RunKneeregen({"outbox", "run", "--db", db, "--smtp-url", "http://mail.example",
                                        "--mail-from", "clinic@example.org"});
  EXPECT_EQ(bad_url.exit_code, 1);
  EXPECT_NE(bad_url.err.find("smtp-url"), std::string::npos) << bad_url.err;
}

TEST(OutboxServe, TheServerSendsQueuedEmailsOnItsInterval) {
  TempDir dir;
  SmtpSink sink;
  const std::string path = SeedQueuedInvitation(dir, "e2e.serve@example.org");
  ServerProcess server("sqlite:" + path, dir.path(),
                       {"--smtp-url", sink.url(), "--mail-from", "clinic@example.org", "--outbox-interval", "1",
                        "--public-url", "https://clinic.example"});
  std::string why;
  ASSERT_TRUE(server.WaitUntilHealthy(30s, &why)) << why;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (sink.count() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(sink.count(), 1u) << server.process().Stderr();
  EXPECT_EQ(server.Stop(), std::optional<int>(0));
  EXPECT_EQ(server.process().Stderr().find("e2e.serve@example.org"), std::string::npos) << "an address was logged";
  EXPECT_EQ(Scalar(path, "SELECT status FROM outbox_messages WHERE kind = 'invitation'"), "sent");
}

}  // namespace
}  // namespace kneeregen::e2e
