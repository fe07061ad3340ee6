#include "core/json_body.hpp"

#include <gtest/gtest.h>

namespace kneeregen {
namespace {

TEST(ParseStrictJson, AcceptsOrdinaryDocuments) {
  auto r = ParseStrictJson(R"({"a": 1, "b": {"a": 2}, "c": ["x", "é"]})");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["b"]["a"], 2);
}

TEST(ParseStrictJson, RejectsDuplicateKeysAtAnyDepth) {
  EXPECT_FALSE(ParseStrictJson(R"({"a": 1, "a": 2})"));
  auto nested = ParseStrictJson(R"({"x": {"a": 1, "a": 1}})");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code, ErrorCode::kMalformedJson);
  EXPECT_NE(nested.error().detail.find("duplicate"), std::string::npos);
}

TEST(ParseStrictJson, RejectsControlCharactersAndNul) {
  EXPECT_FALSE(ParseStrictJson(R"({"a": "x\u0000y"})"));
  EXPECT_FALSE(ParseStrictJson(R"({"a": "line\nbreak"})"));
  EXPECT_FALSE(ParseStrictJson(R"({"a\u0001": 1})"));
}

TEST(ParseStrictJson, RejectsInvalidUtf8AndSyntaxErrors) {
  EXPECT_FALSE(ParseStrictJson("{\"a\": \"\xff\xfe\"}"));
  EXPECT_FALSE(ParseStrictJson("{\"a\": \"\xc3\x28\"}"));
  EXPECT_FALSE(ParseStrictJson("{\"a\": 1,}"));
  EXPECT_FALSE(ParseStrictJson(""));
  EXPECT_FALSE(ParseStrictJson("{} {}"));
}

TEST(ParseStrictJson, RejectsDeepNesting) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_FALSE(ParseStrictJson(deep));
  std::string ok(20, '[');
  ok += std::string(20, ']');
  EXPECT_TRUE(ParseStrictJson(ok));
}

}  // namespace
}  // namespace kneeregen
