// The audit trail through the Store interface on every backend: appends form one SHA-256 hash chain, also
// under concurrent writers, and the table refuses raw UPDATE, DELETE (and on PostgreSQL TRUNCATE). The light
// reads (LatestAuditId, ListAuditChanges) see one clinic's rows only, in id order, as ListAudit has them.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

class StoreAudit : public StoreTest {
 protected:
  std::vector<int64_t> AppendInterleaved(int64_t a, int64_t b);
};

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

// Rows of clinics `a` and `b` interleaved, with a clinic-less sign-in between and `b` holding the newest row,
// so a read that ignored the clinic, or took the trail's newest id, would see the wrong rows. Object and
// patient ids differ from each other and from row to row, so a swapped column shows. Returns `a`'s ids.
std::vector<int64_t> StoreAudit::AppendInterleaved(int64_t a, int64_t b) {
  std::vector<int64_t> ids_of_a;
  MustWrite([&](WriteTransaction& tx) {
    for (int i = 0; i < 6; ++i) {
      AuditEntry of_a = Entry(a, i % 2 ? "update" : "create");
      of_a.object_type = i % 3 ? "knees" : "patients";
      of_a.object_id = 100 + i;
      of_a.patient_id = 200 + i;
      if (i == 4) of_a.patient_id.reset();  // a change to something that belongs to no patient
      if (i == 5) of_a.object_id.reset();
      tx.AppendAudit(of_a);
      ids_of_a.push_back(of_a.id);
      AuditEntry of_b = Entry(b, "create");
      tx.AppendAudit(of_b);
      if (i == 2) {
        AuditEntry login = Entry(std::nullopt, "login");
        tx.AppendAudit(login);
      }
    }
  });
  return ids_of_a;
}

std::vector<int64_t> IdsOf(const std::vector<AuditChange>& changes) {
  std::vector<int64_t> ids;
  for (const auto& c : changes) ids.push_back(c.id);
  return ids;
}

TEST_P(StoreAudit, AClinicWithoutAuditRowsHasNoChanges) {
  int64_t quiet = AddClinic("Quiet");
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  AppendInterleaved(a, b);
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(tx.LatestAuditId(quiet), 0);
    EXPECT_TRUE(tx.ListAuditChanges(quiet, 0, 100).empty());
    EXPECT_EQ(tx.LatestAuditId(9999), 0) << "a clinic that does not exist";
  });
}

TEST_P(StoreAudit, LatestAuditIdIsTheClinicsNewestRowNotTheTrails) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  auto ids_of_a = AppendInterleaved(a, b);
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(tx.LatestAuditId(a), ids_of_a.back());
    EXPECT_EQ(tx.LatestAuditId(b), ids_of_a.back() + 1) << "b's row follows each of a's";
  });
  MustWrite([&](WriteTransaction& tx) {
    AuditEntry later = Entry(a, "update");
    tx.AppendAudit(later);
  });
  MustRead([&](ReadTransaction& tx) { EXPECT_EQ(tx.LatestAuditId(a), ids_of_a.back() + 2); });
}

TEST_P(StoreAudit, ChangesAreTheClinicsRowsAfterTheIdInIdOrder) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  auto ids_of_a = AppendInterleaved(a, b);
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(IdsOf(tx.ListAuditChanges(a, 0, 100)), ids_of_a);
    // After a's own row, b's row and the clinic-less sign-in: the same rule, id > after_id.
    for (int64_t after : {ids_of_a[1], ids_of_a[1] + 1, ids_of_a[2] + 2}) {
      SCOPED_TRACE("after " + std::to_string(after));
      std::vector<int64_t> expected;
      for (int64_t id : ids_of_a)
        if (id > after) expected.push_back(id);
      ASSERT_FALSE(expected.empty());
      EXPECT_EQ(IdsOf(tx.ListAuditChanges(a, after, 100)), expected);
    }
    EXPECT_TRUE(tx.ListAuditChanges(a, ids_of_a.back(), 100).empty()) << "nothing after the newest row";
  });
}

TEST_P(StoreAudit, ChangesRespectTheLimitAndPageThroughEveryRow) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  auto ids_of_a = AppendInterleaved(a, b);
  MustRead([&](ReadTransaction& tx) {
    EXPECT_EQ(IdsOf(tx.ListAuditChanges(a, 0, 2)),
              std::vector<int64_t>(ids_of_a.begin(), ids_of_a.begin() + 2));
    EXPECT_TRUE(tx.ListAuditChanges(a, 0, 0).empty());
    EXPECT_TRUE(tx.ListAuditChanges(a, 0, -1).empty()) << "a negative limit is not \"no limit\"";
    std::vector<int64_t> paged;
    int64_t after = 0;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = tx.ListAuditChanges(a, after, 4);
      EXPECT_LE(page.size(), 4u);
      if (page.empty()) break;
      for (const auto& c : page) paged.push_back(c.id);
      after = page.back().id;
    }
    EXPECT_EQ(paged, ids_of_a);
  });
}

TEST_P(StoreAudit, ChangesCarryTheSameFieldsAsTheFullRows) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  AppendInterleaved(a, b);
  MustRead([&](ReadTransaction& tx) {
    auto full = tx.ListAudit(a, 0, 100);
    auto changes = tx.ListAuditChanges(a, 0, 100);
    ASSERT_EQ(changes.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i) {
      SCOPED_TRACE("audit row " + std::to_string(full[i].id));
      EXPECT_EQ(changes[i].id, full[i].id);
      EXPECT_EQ(changes[i].action, full[i].action);
      EXPECT_EQ(changes[i].object_type, full[i].object_type);
      EXPECT_EQ(changes[i].object_id, full[i].object_id);
      EXPECT_EQ(changes[i].patient_id, full[i].patient_id);
    }
    // The fixture's rows are not all alike, so the comparison above means something.
    ASSERT_EQ(changes.size(), 6u);
    EXPECT_EQ(changes[0].action, "create");
    EXPECT_EQ(changes[1].action, "update");
    EXPECT_EQ(changes[0].object_type, "patients");
    EXPECT_EQ(changes[1].object_type, "knees");
    EXPECT_EQ(changes[0].object_id, 100);
    EXPECT_EQ(changes[0].patient_id, 200);
    EXPECT_FALSE(changes[4].patient_id);
    EXPECT_EQ(changes[4].object_id, 104);
    EXPECT_FALSE(changes[5].object_id);
    EXPECT_EQ(changes[5].patient_id, 205);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAudit, ::testing::ValuesIn(kAllTestBackends), BackendName);

}  // namespace
}  // namespace kneeregen::testing
