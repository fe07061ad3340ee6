#include "core/csv.hpp"

namespace kneeregen {

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + CsvField(fields[i]);
  return row + "\r\n";
}

std::string GuardedCsvRow(const std::vector<std::string>& fields) {
  std::vector<std::string> guarded;
  guarded.reserve(fields.size());
  for (const auto& f : fields)
    guarded.push_back(!f.empty() && std::string_view("=+-@\t\r").find(f[0]) != std::string_view::npos ? "'" + f : f);
  return CsvRow(guarded);
}

}  // namespace kneeregen
