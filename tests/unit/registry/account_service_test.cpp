// AccountService on a real in-memory SQLite store: sign-in, session timeouts, throttling and staff rules.
#include "registry/account_service.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/crypto.hpp"
#include "storage/open_store.hpp"

namespace kneeregen {
namespace {

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto());
    auto opened = OpenStore("sqlite::memory:");
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
  }

  // A clinic with one admin whose password is `password_`; returns the clinic id.
  int64_t MakeClinic(AccountService& accounts, const std::string& admin) {
    Actor operator_actor{.username = "test", .role = Role::kAdmin};
    auto clinic = accounts.CreateClinic(operator_actor, Json{{"name", "Clinic " + admin}, {"time_zone", "UTC"}});
    EXPECT_TRUE(clinic);
    operator_actor.clinic_id = (*clinic)["id"];
    auto user = accounts.AddUser(operator_actor, Json{{"username", admin}, {"display_name", admin},
                                                      {"role", "admin"}, {"password", password_}});
    EXPECT_TRUE(user);
    return operator_actor.clinic_id;
  }

  Json Credentials(const std::string& username, const std::string& password) {
    return Json{{"username", username}, {"password", password}};
  }

  std::unique_ptr<Store> store_;
  std::string password_ = "a long enough passphrase";
};

TEST_F(AccountServiceTest, SignInCreatesASessionThatAuthenticates) {
  AccountService accounts(*store_);
  int64_t clinic = MakeClinic(accounts, "ada");
  auto signed_in = accounts.Login(Credentials("ada", password_), "127.0.0.1", "r1");
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->session_token.size(), 43u);
  EXPECT_EQ(signed_in->actor.clinic_id, clinic);
  EXPECT_EQ(signed_in->actor.role, Role::kAdmin);
  auto again = accounts.Authenticate(signed_in->session_token, "127.0.0.1", "r2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->actor.username, "ada");
  EXPECT_EQ(again->csrf_token, signed_in->csrf_token);
  EXPECT_FALSE(accounts.Authenticate(RandomToken(), "127.0.0.1", "r3"));
}

TEST_F(AccountServiceTest, WrongPasswordAndUnknownUserFailAlike) {
  AccountService accounts(*store_);
  MakeClinic(accounts, "ada");
  auto wrong = accounts.Login(Credentials("ada", "not the passphrase"), "", "");
  auto unknown = accounts.Login(Credentials("nobody", "not the passphrase"), "", "");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().detail, unknown.error().detail);
}

TEST_F(AccountServiceTest, SessionsEndAfterTheIdleTimeout) {
  AccountService accounts(*store_, SessionSettings{.idle_timeout = std::chrono::seconds(1)});
  MakeClinic(accounts, "ada");
  auto signed_in = accounts.Login(Credentials("ada", password_), "", "");
  ASSERT_TRUE(signed_in);
  ASSERT_TRUE(accounts.Authenticate(signed_in->session_token, "", ""));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(accounts.Authenticate(signed_in->session_token, "", ""));
  bool deleted = false;
  ASSERT_TRUE(store_->Read([&](ReadTransaction& tx) -> Status {
    deleted = !tx.FindSession(signed_in->token_hash);
    return Ok{};
  }));
  EXPECT_TRUE(deleted) << "an expired session is removed on the server";
}

TEST_F(AccountServiceTest, SessionsEndAfterTheAbsoluteTimeoutEvenWhenActive) {
  AccountService accounts(*store_, SessionSettings{.idle_timeout = std::chrono::seconds(60),
                                                   .absolute_timeout = std::chrono::seconds(1)});
  MakeClinic(accounts, "ada");
  auto signed_in = accounts.Login(Credentials("ada", password_), "", "");
  ASSERT_TRUE(signed_in);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(accounts.Authenticate(signed_in->session_token, "", ""));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_FALSE(accounts.Authenticate(signed_in->session_token, "", ""));
}

TEST_F(AccountServiceTest, LogoutEndsTheSessionOnTheServer) {
  AccountService accounts(*store_);
  MakeClinic(accounts, "ada");
  auto signed_in = accounts.Login(Credentials("ada", password_), "", "");
  ASSERT_TRUE(signed_in);
  ASSERT_TRUE(accounts.Logout(*signed_in));
  EXPECT_FALSE(accounts.Authenticate(signed_in->session_token, "", ""));
}

TEST_F(AccountServiceTest, RepeatedFailuresAreThrottledPerAccount) {
  AccountService accounts(*store_, SessionSettings{.max_failures_per_account_per_hour = 3});
  MakeClinic(accounts, "ada");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(accounts.Login(Credentials("ada", "wrong passphrase!"), "", "").error().code,
              ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts.Login(Credentials("ada", password_), "", "").error().code, ErrorCode::kRateLimited)
      << "even the right password waits once the account is throttled";
  MakeClinic(accounts, "bob");
  EXPECT_TRUE(accounts.Login(Credentials("bob", password_), "", "")) << "other accounts are unaffected";
}

TEST_F(AccountServiceTest, SignInChoosesAmongTheUsersClinicsOnly) {
  AccountService accounts(*store_);
  int64_t first = MakeClinic(accounts, "ada");
  int64_t other = MakeClinic(accounts, "bob");
  auto chosen = accounts.Login(Json{{"username", "ada"}, {"password", password_}, {"clinic_id", first}}, "", "");
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->actor.clinic_id, first);
  auto foreign = accounts.Login(Json{{"username", "ada"}, {"password", password_}, {"clinic_id", other}}, "", "");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, PasswordRulesApplyToNewAccounts) {
  AccountService accounts(*store_);
  int64_t clinic = MakeClinic(accounts, "ada");
  Actor admin{.username = "test", .role = Role::kAdmin, .clinic_id = clinic};
  auto short_password = accounts.AddUser(admin, Json{{"username", "cy"}, {"display_name", "Cy"},
                                                      {"role", "clinician"}, {"password", "short"}});
  ASSERT_FALSE(short_password);
  auto breached = accounts.AddUser(admin, Json{{"username", "cyd"}, {"display_name", "Cy"}, {"role", "clinician"},
                                               {"password", "Password1234"}});
  ASSERT_FALSE(breached);
  EXPECT_EQ(breached.error().fields[0].field, "password");
  auto generated = accounts.AddUser(admin, Json{{"username", "cyd"}, {"display_name", "Cy"}, {"role", "clinician"}});
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->initial_password.size(), 20u);
  EXPECT_TRUE(accounts.Login(Credentials("cyd", generated->initial_password), "", ""));
}

TEST_F(AccountServiceTest, TheLastAdminCannotBeDemotedOrDeactivated) {
  AccountService accounts(*store_);
  int64_t clinic = MakeClinic(accounts, "ada");
  Actor admin{.username = "test", .role = Role::kAdmin, .clinic_id = clinic};
  auto users = accounts.ListUsers(admin);
  ASSERT_TRUE(users);
  int64_t ada = (*users)[0]["id"];
  EXPECT_EQ(accounts.UpdateUser(admin, ada, Json{{"role", "clinician"}}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(accounts.UpdateUser(admin, ada, Json{{"active", false}}).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(accounts.UpdateUser(admin, ada, Json{{"display_name", "Ada L."}}));
}

TEST_F(AccountServiceTest, AdminsSeeOnlyTheirClinicsStaff) {
  AccountService accounts(*store_);
  int64_t a = MakeClinic(accounts, "ada");
  int64_t b = MakeClinic(accounts, "bob");
  Actor admin_a{.username = "test", .role = Role::kAdmin, .clinic_id = a};
  auto users_b = accounts.ListUsers(Actor{.username = "test", .role = Role::kAdmin, .clinic_id = b});
  int64_t bob = (*users_b)[0]["id"];
  EXPECT_EQ(accounts.UpdateUser(admin_a, bob, Json{{"display_name", "x"}}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts.ResetPassword(admin_a, bob).error().code, ErrorCode::kNotFound);
  Actor clinician{.user_id = 99, .username = "c", .role = Role::kClinician, .clinic_id = a};
  EXPECT_EQ(accounts.ListUsers(clinician).error().code, ErrorCode::kForbidden);
}

}  // namespace
}  // namespace kneeregen
