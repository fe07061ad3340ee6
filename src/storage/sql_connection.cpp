#include "storage/sql_connection.hpp"

#include <string>

namespace kneeregen {

int64_t CellInt(const SqlValue& cell) {
  if (auto* i = std::get_if<int64_t>(&cell)) return *i;
  if (auto* d = std::get_if<double>(&cell)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&cell)) {
    if (*s == "t" || *s == "true") return 1;
    if (*s == "f" || *s == "false") return 0;
    return std::stoll(*s);
  }
  return 0;
}

double CellReal(const SqlValue& cell) {
  if (auto* d = std::get_if<double>(&cell)) return *d;
  if (auto* i = std::get_if<int64_t>(&cell)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&cell)) return std::stod(*s);
  return 0;
}

std::string CellText(const SqlValue& cell) {
  if (auto* s = std::get_if<std::string>(&cell)) return *s;
  if (auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&cell)) return std::to_string(*d);
  return "";
}

bool CellIsNull(const SqlValue& cell) { return std::holds_alternative<std::monostate>(cell); }

}  // namespace kneeregen
