// Clinics, staff accounts, memberships and sessions through the Store interface, on every backend.
#include "store_fixture.hpp"

namespace kneeregen::testing {
namespace {

class StoreAccounts : public StoreTest {};

User NewUser(const std::string& username) {
  return User{.username = username, .display_name = "Ana Lima", .password_hash = "$argon2id$v=19$stub"};
}

TEST_P(StoreAccounts, ClinicsRoundTrip) {
  int64_t real = AddClinic("Riverside");
  int64_t demo = 0;
  MustWrite([&](WriteTransaction& tx) {
    demo = tx.InsertClinic(Clinic{.name = "Demo", .time_zone = "Europe/Lisbon", .synthetic = true});
  });
  EXPECT_NE(real, demo);
  MustWrite([&](WriteTransaction& tx) {
    tx.UpdateClinic(Clinic{.id = real, .name = "Riverside North", .time_zone = "America/Denver"});
  });
  MustRead([&](ReadTransaction& tx) {
    auto clinic = tx.GetClinic(real);
    ASSERT_TRUE(clinic);
    EXPECT_EQ(clinic->name, "Riverside North");
    EXPECT_EQ(clinic->time_zone, "America/Denver");
    EXPECT_FALSE(clinic->synthetic);
    EXPECT_FALSE(clinic->created_at.empty());
    EXPECT_TRUE(tx.GetClinic(demo)->synthetic);
    EXPECT_FALSE(tx.GetClinic(demo + 1000));
    auto all = tx.ListClinics();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, real);
    EXPECT_EQ(all[1].id, demo);
  });
}

TEST_P(StoreAccounts, UsersRoundTripAndUsernamesAreUnique) {
  int64_t ana = 0;
  int64_t bo = 0;
  MustWrite([&](WriteTransaction& tx) {
    ana = tx.InsertUser(NewUser("ana"));
    bo = tx.InsertUser(NewUser("bo"));
  });
  Status duplicate = store_->Write([&](WriteTransaction& tx) -> Status {
    tx.InsertUser(NewUser("ana"));
    return Ok{};
  });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  ASSERT_EQ(duplicate.error().fields.size(), 1u);
  EXPECT_EQ(duplicate.error().fields[0].field, "username");

  MustWrite([&](WriteTransaction& tx) {
    User changed = *tx.GetUser(ana);
    changed.display_name = "Ana M. Lima";
    changed.password_hash = "$argon2id$v=19$other";
    changed.active = false;
    tx.UpdateUser(changed);
  });
  MustRead([&](ReadTransaction& tx) {
    auto user = tx.FindUser("ana");
    ASSERT_TRUE(user);
    EXPECT_EQ(user->id, ana);
    EXPECT_EQ(user->display_name, "Ana M. Lima");
    EXPECT_EQ(user->password_hash, "$argon2id$v=19$other");
    EXPECT_FALSE(user->active);
    EXPECT_TRUE(tx.GetUser(bo)->active);
    EXPECT_FALSE(tx.FindUser("ANA")) << "usernames match exactly";
    EXPECT_FALSE(tx.GetUser(bo + 1000));
    auto all = tx.ListUsers();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].username, "ana");
    EXPECT_EQ(all[1].username, "bo");
  });
}

TEST_P(StoreAccounts, MembershipsAreInsertedOrChangeRole) {
  int64_t a = AddClinic("A");
  int64_t b = AddClinic("B");
  int64_t ana = 0;
  int64_t bo = 0;
  MustWrite([&](WriteTransaction& tx) {
    ana = tx.InsertUser(NewUser("ana"));
    bo = tx.InsertUser(NewUser("bo"));
    tx.PutMembership(Membership{.user_id = ana, .clinic_id = a, .role = Role::kClinician});
    tx.PutMembership(Membership{.user_id = ana, .clinic_id = b, .role = Role::kResearcher});
    tx.PutMembership(Membership{.user_id = bo, .clinic_id = a, .role = Role::kCoordinator});
  });
  MustWrite([&](WriteTransaction& tx) {
    tx.PutMembership(Membership{.user_id = ana, .clinic_id = a, .role = Role::kAdmin});
  });
  MustRead([&](ReadTransaction& tx) {
    auto of_ana = tx.MembershipsOfUser(ana);
    ASSERT_EQ(of_ana.size(), 2u);
    EXPECT_EQ(of_ana[0].clinic_id, a);
    EXPECT_EQ(of_ana[0].role, Role::kAdmin);
    EXPECT_EQ(of_ana[1].clinic_id, b);
    EXPECT_EQ(of_ana[1].role, Role::kResearcher);
    auto of_a = tx.MembershipsOfClinic(a);
    ASSERT_EQ(of_a.size(), 2u);
    EXPECT_EQ(of_a[0].user_id, ana);
    EXPECT_EQ(of_a[1].user_id, bo);
    EXPECT_EQ(of_a[1].role, Role::kCoordinator);
    EXPECT_EQ(tx.MembershipsOfClinic(b).size(), 1u);
  });
}

TEST_P(StoreAccounts, SessionsAreFoundTouchedAndDeleted) {
  int64_t clinic = AddClinic();
  int64_t ana = 0;
  int64_t bo = 0;
  auto session = [&](const std::string& token, int64_t user, const std::string& at) {
    return Session{.token_hash = token,
                   .user_id = user,
                   .clinic_id = clinic,
                   .csrf_token = "csrf-" + token,
                   .created_at = at,
                   .last_seen_at = at};
  };
  MustWrite([&](WriteTransaction& tx) {
    ana = tx.InsertUser(NewUser("ana"));
    bo = tx.InsertUser(NewUser("bo"));
    tx.InsertSession(session("t1", ana, "2026-01-01T08:00:00.000Z"));
    tx.InsertSession(session("t2", ana, "2026-01-01T09:00:00.000Z"));
    tx.InsertSession(session("t3", bo, "2026-01-01T10:00:00.000Z"));
    tx.InsertSession(session("t4", bo, "2026-01-03T10:00:00.000Z"));
  });
  MustRead([&](ReadTransaction& tx) {
    auto found = tx.FindSession("t1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user_id, ana);
    EXPECT_EQ(found->clinic_id, clinic);
    EXPECT_EQ(found->csrf_token, "csrf-t1");
    EXPECT_EQ(found->created_at, "2026-01-01T08:00:00.000Z");
    EXPECT_FALSE(tx.FindSession("missing"));
  });
  MustWrite([&](WriteTransaction& tx) {
    tx.TouchSession("t3", "2026-01-05T00:00:00.000Z");
    tx.DeleteSession("t1");
  });
  int64_t idle = 0;
  MustWrite([&](WriteTransaction& tx) { idle = tx.DeleteSessionsIdleSince("2026-01-02T00:00:00.000Z"); });
  EXPECT_EQ(idle, 1);  // t2; t3 was touched, t4 is recent, t1 is gone
  MustRead([&](ReadTransaction& tx) {
    EXPECT_FALSE(tx.FindSession("t1"));
    EXPECT_FALSE(tx.FindSession("t2"));
    EXPECT_EQ(tx.FindSession("t3")->last_seen_at, "2026-01-05T00:00:00.000Z");
    EXPECT_TRUE(tx.FindSession("t4"));
  });
  MustWrite([&](WriteTransaction& tx) { tx.DeleteSessionsOfUser(bo); });
  MustRead([&](ReadTransaction& tx) {
    EXPECT_FALSE(tx.FindSession("t3"));
    EXPECT_FALSE(tx.FindSession("t4"));
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAccounts, ::testing::ValuesIn(kAllTestBackends), BackendName);

}  // namespace
}  // namespace kneeregen::testing
