#include "registry/account_schemas.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>

namespace kneeregen {

namespace {

FieldSpec TextField(std::string name, size_t max_length, bool required, const char* pattern, std::string message,
                    Json example) {
  FieldSpec f{.name = std::move(name), .kind = FieldKind::kText, .required = required};
  f.max_length = max_length;
  if (pattern) {
    f.text_check = [re = std::regex(pattern)](const std::string& s) { return std::regex_match(s, re); };
    f.text_check_message = std::move(message);
  }
  f.example = std::move(example);
  return f;
}

FieldSpec RoleField(bool required) {
  FieldSpec f{.name = "role", .kind = FieldKind::kEnum, .description = "Role in this clinic",
              .required = required};
  for (Role r : kAllRoles) f.values.emplace_back(RoleName(r));
  f.example = "clinician";
  return f;
}

const char* kUsernamePattern = R"([a-z0-9][a-z0-9._-]{2,63})";

// Common passwords of 12 or more characters; a short local list, since no breach corpus can be fetched at
// run time. Compared case-insensitively.
constexpr std::array<std::string_view, 24> kBreachedPasswords = {
    "123456789012",     "1234567890123",    "12345678901234",   "123456789123",     "password1234",
    "password12345",    "passwordpassword", "qwertyuiopasdf",   "qwertyuiop123",    "qwertyuiopas",
    "iloveyou1234",     "111111111111",     "000000000000",     "aaaaaaaaaaaa",     "abcdefghijkl",
    "abc123abc123",     "letmein12345",     "welcome12345",     "administrator",    "adminadminadmin",
    "changeme1234",     "trustno1trustno1", "kneeregen1234",    "1q2w3e4r5t6y",
};

}  // namespace

const RecordSchema& ClinicBody() {
  static const RecordSchema schema{
      .resource = "clinics",
      .title = "Clinic",
      .fields = {TextField("name", 200, true, nullptr, "", "Cascade Knee Clinic"),
                 TextField("time_zone", 64, true, R"(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})",
                           "must be an IANA time zone such as America/Chicago", "America/Chicago")},
  };
  return schema;
}

const RecordSchema& NewUserBody() {
  static const RecordSchema schema{
      .resource = "users",
      .title = "User",
      .fields = {TextField("username", 64, true, kUsernamePattern,
                           "must be 3-64 lowercase letters, digits, '.', '_' or '-'", "dana.w"),
                 TextField("display_name", 200, true, nullptr, "", "Dana Whitfield"), RoleField(true),
                 TextField("password", 256, false, nullptr, "", "a long passphrase of your own")},
  };
  return schema;
}

const RecordSchema& UserChangeBody() {
  static const RecordSchema schema{
      .resource = "users",
      .title = "User",
      .fields = {TextField("display_name", 200, false, nullptr, "", "Dana Whitfield"), RoleField(false),
                 FieldSpec{.name = "active", .kind = FieldKind::kBoolean, .example = true}},
  };
  return schema;
}

const RecordSchema& LoginBody() {
  FieldSpec clinic{.name = "clinic_id", .kind = FieldKind::kInteger,
                   .description = "Clinic to act in; the first of your clinics when left out"};
  clinic.min = 1;
  clinic.example = 1;
  static const RecordSchema schema{
      .resource = "session",
      .title = "Sign-in",
      .fields = {TextField("username", 64, true, nullptr, "", "admin"),
                 TextField("password", 256, true, nullptr, "", "your password"), clinic},
  };
  return schema;
}

const RecordSchema& PasswordChangeBody() {
  static const RecordSchema schema{
      .resource = "session",
      .title = "Password change",
      .fields = {TextField("current_password", 256, true, nullptr, "", "your current password"),
                 TextField("new_password", 256, true, nullptr, "", "a long new passphrase")},
  };
  return schema;
}

std::optional<std::string> CheckPasswordPolicy(const std::string& password) {
  size_t code_points = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (code_points < 12) return "must be at least 12 characters";
  if (password.size() > 256) return "must be at most 256 bytes";
  std::string lower = password;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto breached : kBreachedPasswords)
    if (lower == breached) return "is a commonly used password; choose another";
  return std::nullopt;
}

}  // namespace kneeregen
