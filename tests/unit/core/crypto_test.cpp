#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <set>

namespace kneeregen {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
};

TEST_F(CryptoTest, TokensAre256BitUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto t = RandomToken();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(CryptoTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(CryptoTest, PasswordHashIsArgon2idAboveOwaspFloor) {
  std::string phc = HashPassword("correct horse battery staple");
  EXPECT_EQ(phc.rfind("$argon2id$v=19$m=", 0), 0u) << phc;
  auto m = std::stoi(phc.substr(phc.find("m=") + 2));
  auto t = std::stoi(phc.substr(phc.find("t=") + 2));
  EXPECT_GE(m, 19456);
  EXPECT_GE(t, 2);
  EXPECT_TRUE(VerifyPassword(phc, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(phc, "correct horse battery stapl"));
  EXPECT_FALSE(PasswordNeedsRehash(phc));
  EXPECT_NE(HashPassword("correct horse battery staple"), phc);  // salted
}

TEST_F(CryptoTest, ConstantTimeEqualsComparesExactly) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST_F(CryptoTest, GeneratedPasswordsAreLongAndUnambiguous) {
  auto p = GeneratePassword();
  EXPECT_EQ(p.size(), 20u);
  EXPECT_EQ(p.find_first_of("0O1lI"), std::string::npos);
}

}  // namespace
}  // namespace kneeregen
