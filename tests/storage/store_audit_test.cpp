// The audit trail through the Store interface on every backend: appends form one SHA-256 hash chain, also
// under concurrent writers, and the table refuses raw UPDATE, DELETE (and on PostgreSQL TRUNCATE).
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

class StoreAudit : public StoreTest {};

AuditEntry Entry(std::optional<int64_t> clinic_id, const std::string& action) {
  AuditEntry e;
  e.user_id = 7;
  e.username = "ana";
  e.role = "clinician";
  e.clinic_id = clinic_id;
  e.action = action;
  e.object_type = "patients";
  e.object_id = 3;
  e.patient_id = 3;
  e.before_json = "";
  e.after_json = R"({"family_name":"Okafor"})";
  e.reason = "";
  e.request_id = "req-" + action;
  e.ip = "127.0.0.1";
  return e;
}

// Every row's prev_hash is the previous row's hash and its hash recomputes; ids run 1, 2, 3, ...
void ExpectValidChain(const std::vector<AuditEntry>& rows) {
  std::string prev;
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("audit row " + std::to_string(rows[i].id));
    EXPECT_EQ(rows[i].id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(rows[i].prev_hash, prev);
    EXPECT_EQ(rows[i].hash, ComputeAuditHash(rows[i], prev));
    EXPECT_EQ(rows[i].hash.size(), 64u);
    prev = rows[i].hash;
  }
}

std::vector<AuditEntry> AllAudit(Store& store) {
  std::vector<AuditEntry> rows;
  Status status = store.Read([&](ReadTransaction& tx) -> Status {
    rows = tx.ListAudit(std::nullopt, 0, 10000);
    return Ok{};
  });
  EXPECT_TRUE(status.ok()) << Explain(status);
  return rows;
}

TEST_P(StoreAudit, AppendsFormAHashChain) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  AuditEntry login = Entry(std::nullopt, "login");
  login.user_id.reset();
  login.object_id.reset();
  login.patient_id.reset();
  MustWrite([&](WriteTransaction& tx) { tx.AppendAudit(login); });
  EXPECT_EQ(login.id, 1);
  EXPECT_TRUE(login.prev_hash.empty());
  EXPECT_FALSE(login.at.empty()) << "the store stamps the time";
  MustWrite([&](WriteTransaction& tx) {
    AuditEntry create = Entry(a, "create");
    tx.AppendAudit(create);
    AuditEntry update = Entry(a, "update");
    tx.AppendAudit(update);
    EXPECT_EQ(update.prev_hash, create.hash) << "appends within one transaction chain too";
  });
  MustWrite([&](WriteTransaction& tx) {
    AuditEntry other = Entry(b, "create");
    tx.AppendAudit(other);
  });

  auto rows = AllAudit(*store_);
  ASSERT_EQ(rows.size(), 4u);
  ExpectValidChain(rows);
  EXPECT_EQ(rows[0].action, "login");
  EXPECT_FALSE(rows[0].user_id);
  EXPECT_FALSE(rows[0].clinic_id);
  EXPECT_EQ(rows[0].hash, login.hash);
  EXPECT_EQ(rows[1].after_json, R"({"family_name":"Okafor"})");
  EXPECT_EQ(rows[1].user_id, 7);
  EXPECT_EQ(rows[1].request_id, "req-create");

  MustRead([&](ReadTransaction& tx) {
    auto of_a = tx.ListAudit(a, 0, 100);
    ASSERT_EQ(of_a.size(), 2u);
    EXPECT_EQ(of_a[0].id, 2);
    EXPECT_EQ(of_a[1].id, 3);
    auto page = tx.ListAudit(std::nullopt, 2, 1);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].id, 3);
  });
}

TEST_P(StoreAudit, ConcurrentAppendsKeepOneChain) {
  int64_t clinic = AddClinic();
  constexpr int kThreads = 4;
  constexpr int kAppendsEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsEach; ++i) {
        Status status = store_->Write([&](WriteTransaction& tx) -> Status {
          AuditEntry e = Entry(clinic, "t" + std::to_string(t) + "-" + std::to_string(i));
          tx.AppendAudit(e);
          return Ok{};
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  auto rows = AllAudit(*store_);
  EXPECT_EQ(rows.size(), static_cast<size_t>(kThreads * kAppendsEach));
  ExpectValidChain(rows);
}

TEST_P(StoreAudit, RawUpdateDeleteAndTruncateAreRejected) {
  if (backend() == TestBackend::kSqliteMemory) GTEST_SKIP() << "no second connection reaches this database";
  int64_t clinic = AddClinic();
  MustWrite([&](WriteTransaction& tx) {
    AuditEntry e = Entry(clinic, "create");
    tx.AppendAudit(e);
  });
  auto before = AllAudit(*store_);
  ASSERT_EQ(before.size(), 1u);

  auto update = RawExecute("UPDATE audit SET reason = 'edited' WHERE id = 1");
  ASSERT_TRUE(update);
  EXPECT_NE(update->find("append-only"), std::string::npos) << *update;
  auto remove = RawExecute("DELETE FROM audit WHERE id = 1");
  ASSERT_TRUE(remove);
  EXPECT_NE(remove->find("append-only"), std::string::npos) << *remove;
  if (backend() == TestBackend::kPostgres) {
    auto truncate = RawExecute("TRUNCATE audit");
    ASSERT_TRUE(truncate);
    EXPECT_NE(truncate->find("append-only"), std::string::npos) << *truncate;
  }

  auto after = AllAudit(*store_);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].reason, before[0].reason);
  EXPECT_EQ(after[0].hash, before[0].hash);
  EXPECT_FALSE(RawExecute("SELECT count(*) FROM audit")) << "the raw connection itself works";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAudit, ::testing::ValuesIn(kAllTestBackends), BackendName);

}  // namespace
}  // namespace kneeregen::testing
