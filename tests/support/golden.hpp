// Helpers shared by the data-driven tests: golden files from tests/golden, and readable field errors.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/error.hpp"
#include "core/json_body.hpp"

namespace kneeregen::testing {

// KNEEREGEN_SOURCE_DIR is set for each golden-test target in tests/CMakeLists.txt.
inline Json LoadGolden(const std::string& name) {
  std::ifstream in(std::string(KNEEREGEN_SOURCE_DIR) + "/tests/golden/" + name);
  EXPECT_TRUE(in) << "cannot open the golden file " << name;
  return Json::parse(in);
}

inline bool NamesField(const Error& error, const std::string& field) {
  for (const auto& f : error.fields)
    if (f.field == field) return true;
  return false;
}

// "field: message; ..." for failure messages.
inline std::string Fields(const Error& error) {
  std::string out;
  for (const auto& f : error.fields) out += f.field + ": " + f.message + "; ";
  return out;
}

}  // namespace kneeregen::testing
