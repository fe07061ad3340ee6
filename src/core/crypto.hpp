// Secrets: random tokens, SHA-256, and argon2id password hashes (libsodium). Raw tokens are handed to the
// client once and only their SHA-256 is ever stored.
#pragma once

#include <string>
#include <string_view>

namespace kneeregen {

// Initialises libsodium; safe to call more than once. Returns false if the library can't start.
bool InitCrypto();

// 256 random bits, URL-safe base64 without padding (43 characters).
std::string RandomToken();
std::string Sha256Hex(std::string_view data);
// Constant-time comparison of two strings of equal length; false on different lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// argon2id PHC string at libsodium's INTERACTIVE limits (t=2, m=64 MiB, p=1: above OWASP's m=19 MiB floor).
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view phc, std::string_view password);
// True when a stored hash was made with weaker parameters than HashPassword uses now (re-hash on login).
bool PasswordNeedsRehash(std::string_view phc);

// A readable generated password for first-start admin accounts: 20 characters, ~119 bits.
std::string GeneratePassword();

}  // namespace kneeregen
