// Clinics, staff accounts, their per-clinic roles and their sign-in sessions, as the store keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/roles.hpp"

namespace kneeregen {

struct Clinic {
  int64_t id = 0;
  std::string name;
  std::string time_zone;  // IANA name; dates shown to staff and patients are local to the clinic
  bool synthetic = false;
  std::string created_at;
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string password_hash;  // argon2id PHC string
  bool active = true;
  std::string created_at;
};

struct Membership {
  int64_t user_id = 0;
  int64_t clinic_id = 0;
  Role role = Role::kClinician;
};

struct Session {
  std::string token_hash;  // SHA-256 of the cookie value; the value itself is never stored
  int64_t user_id = 0;
  int64_t clinic_id = 0;   // the clinic the session acts in
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
};

}  // namespace kneeregen
