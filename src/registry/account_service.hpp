// Staff sign-in and sessions, staff accounts and their roles, and the clinics a user belongs to.
// Sessions live in the store (they survive a restart); the cookie value is only ever kept as a SHA-256.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

struct SessionSettings {
  std::chrono::seconds idle_timeout{15 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};
  int max_failures_per_account_per_hour = 100;
  int concurrent_password_hashes = 2;
};

struct SignedIn {
  Actor actor;
  std::string csrf_token;
  std::string token_hash;
  std::string session_token;  // the raw cookie value; only set right after sign-in
};

struct NewUser {
  Json user;                    // the user's public view
  std::string initial_password;  // set when the server generated it; shown once
};

class AccountService {
 public:
  AccountService(Store& store, SessionSettings settings = {});

  Result<SignedIn> Login(const Json& body, const std::string& ip, const std::string& request_id);
  // Resolves a cookie value to the signed-in actor, enforcing idle and absolute timeouts.
  Result<SignedIn> Authenticate(const std::string& session_token, const std::string& ip,
                                const std::string& request_id);
  Status Logout(const SignedIn& session);
  Status ChangeOwnPassword(const Actor& actor, const Json& body);
  Json SessionView(const SignedIn& session);

  Result<Json> ListUsers(const Actor& actor);
  Result<NewUser> AddUser(const Actor& actor, const Json& body);
  Result<Json> UpdateUser(const Actor& actor, int64_t user_id, const Json& body);
  Result<std::string> ResetPassword(const Actor& actor, int64_t user_id);

  Result<Json> ListClinics(const Actor& actor);
  Result<Json> GetClinic(const Actor& actor, int64_t clinic_id);
  Result<Json> CreateClinic(const Actor& actor, const Json& body);
  Result<Json> UpdateClinic(const Actor& actor, int64_t clinic_id, const Json& body);

 private:
  bool TooManyFailures(const std::string& username);
  void RecordFailure(const std::string& username);
  Result<std::string> HashNewPassword(const std::string& password);

  Store& store_;
  SessionSettings settings_;
  std::counting_semaphore<64> hash_slots_;
  std::mutex failures_mutex_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> failures_;
  std::string dummy_hash_;  // verified against for unknown users, so both paths take the same time
};

}  // namespace kneeregen
