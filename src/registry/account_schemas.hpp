// Request bodies for clinics, staff accounts and sign-in, described as RecordSchemas so they get the same
// strict validation (unknown fields, types, lengths) and the same API description as clinic records.
#pragma once

#include "registry/record_schema.hpp"

namespace kneeregen {

const RecordSchema& ClinicBody();       // name, time_zone
const RecordSchema& NewUserBody();      // username, display_name, role, password (optional)
const RecordSchema& UserChangeBody();   // display_name, role, active
const RecordSchema& LoginBody();        // username, password, clinic_id (optional)
const RecordSchema& PasswordChangeBody();  // current_password, new_password

// Password rules (OWASP ASVS 2.1): 12 to 256 characters, no composition rules, not a known breached
// password. Returns a message when the password is refused.
std::optional<std::string> CheckPasswordPolicy(const std::string& password);

}  // namespace kneeregen
