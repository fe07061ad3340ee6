// Writing CSV as RFC 4180 describes it: a field is quoted when it holds a comma, a quote or a line break,
// and quotes inside are doubled. Rows end with CRLF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kneeregen {

std::string CsvField(std::string_view value);
std::string CsvRow(const std::vector<std::string>& fields);
// For files people open in a spreadsheet: a cell starting with = + - @ (or a tab or carriage return) would
// run as a formula, so it gets a leading apostrophe first (OWASP "CSV injection").
std::string GuardedCsvRow(const std::vector<std::string>& fields);

}  // namespace kneeregen
