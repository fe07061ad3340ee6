#include "cli/survival_csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "cli/csv_input.hpp"

namespace kneeregen::cli {

namespace {

// A value for a message: quoted, control characters shown as '?', cut after 24 bytes.
std::string Shown(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < 24; ++i)
    out += static_cast<unsigned char>(value[i]) < 0x20 || value[i] == 0x7f ? '?' : value[i];
  return out + (value.size() > 24 ? "...\"" : "\"");
}

std::optional<double> ParseNumber(std::string_view cell) {
  double value = 0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Group names are looked up by the cell's view, so a row costs no string unless its group is new.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class RowLoader {
 public:
  RowLoader(const SurvivalColumns& columns, std::ostream& errors) : columns_(columns), errors_(errors) {}

  // Finds each wanted column in the header; reports every problem with it at once.
  bool MapHeader(const CsvRecord& header) {
    names_.assign(header.fields.begin(), header.fields.end());
    bool ok = true;
    if (!header.ok())
      ok = Fail(header.problem.line, ColumnName(header.problem.field), header.problem.message);
    auto find = [&](const std::string& wanted, const char* role) -> size_t {
      size_t found = names_.size();
      for (size_t c = 0; c < names_.size(); ++c) {
        if (names_[c] != wanted) continue;
        if (found != names_.size())
          ok = Fail(header.field_lines[c], ColumnName(c), "appears more than once in the header");
        found = c;
      }
      if (found == names_.size())
        ok = Fail(header.line, wanted.empty() ? "\"\"" : wanted,
                  std::string("is missing from the header (the ") + role + " column)");
      return found;
    };
    time_ = find(columns_.time, "--time");
    event_ = find(columns_.event, "--event");
    if (!columns_.group.empty()) group_ = find(columns_.group, "--group");
    for (const auto& name : columns_.covariates) covariate_.push_back(find(name, "--covariates"));
    data_.covariates.resize(columns_.covariates.size());
    if (columns_.group.empty()) data_.group_names.push_back("all");
    return ok;
  }

  bool AddRow(const CsvRecord& record) {
    if (!record.ok())
      return Fail(record.problem.line, ColumnName(record.problem.field), record.problem.message);
    const size_t n = record.fields.size();
    if (n != names_.size()) {
      const size_t at = std::min(n, names_.size());
      return Fail(
          record.field_lines[std::min(at, n - 1)], ColumnName(at),
          "the row has " + std::to_string(n) + " fields, the header " + std::to_string(names_.size()));
    }
    const auto cell = [&](size_t c) { return record.fields[c]; };
    const auto fail_at = [&](size_t c, const std::string& message) {
      return Fail(record.field_lines[c], ColumnName(c), message);
    };

    const std::optional<double> time = ParseNumber(cell(time_));
    if (!time) return fail_at(time_, WhyNotANumber(cell(time_), "a time"));
    if (*time < 0) return fail_at(time_, Shown(cell(time_)) + " is negative; a time is 0 or more");
    const std::string_view event = cell(event_);
    if (event != "0" && event != "1")
      return fail_at(event_,
                     Shown(event) + " is not an event indicator; it must be 1 (event) or 0 (censored)");
    int group = 0;
    if (group_) {
      const std::string_view name = cell(*group_);
      if (name.empty()) return fail_at(*group_, "is empty; every row needs a group");
      auto it = group_index_.find(name);
      if (it == group_index_.end()) {
        if (data_.group_names.size() == kMaxSurvivalGroups)
          return fail_at(*group_, Shown(name) + " would be group " + std::to_string(kMaxSurvivalGroups + 1) +
                                      "; at most " + std::to_string(kMaxSurvivalGroups) +
                                      " groups are analysed");
        it = group_index_.emplace(std::string(name), static_cast<int>(data_.group_names.size())).first;
        data_.group_names.emplace_back(name);
      }
      group = it->second;
    }
    for (size_t j = 0; j < covariate_.size(); ++j) {
      const std::string_view value = cell(covariate_[j]);
      if (value.empty()) {
        data_.covariates[j].push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      const std::optional<double> number = ParseNumber(value);
      if (!number) return fail_at(covariate_[j], WhyNotANumber(value, "a covariate"));
      data_.covariates[j].push_back(*number);
    }
    data_.time.push_back(*time);
    data_.event.push_back(event[0] - '0');
    data_.group.push_back(group);
    return true;
  }

  SurvivalData Take() { return std::move(data_); }

 private:
  static std::string WhyNotANumber(std::string_view cell, const char* what) {
    if (cell.empty()) return std::string("is empty; ") + what + " cannot be missing";
    return Shown(cell) + " is not a number (" + what + " is a plain decimal number such as 12 or 3.5)";
  }

  std::string ColumnName(size_t column) const {
    if (column >= names_.size()) return "#" + std::to_string(column + 1) + " (beyond the header)";
    return names_[column].empty() ? "#" + std::to_string(column + 1) + " (unnamed)" : names_[column];
  }

  bool Fail(uint64_t line, const std::string& column, const std::string& message) {
    errors_ << "kneeregen: line " << line << ", column " << column << ": " << message << "\n";
    return false;
  }

  const SurvivalColumns& columns_;
  std::ostream& errors_;
  std::vector<std::string> names_;
  size_t time_ = 0, event_ = 0;
  std::optional<size_t> group_;
  std::vector<size_t> covariate_;
  std::unordered_map<std::string, int, ViewHash, std::equal_to<>> group_index_;
  SurvivalData data_;
};

}  // namespace

SurvivalLoad LoadSurvivalCsv(CsvReader& in, const SurvivalColumns& columns, std::ostream& errors) {
  SurvivalLoad load;
  const auto fatal = [&] {
    errors << "kneeregen: line " << in.fatal_line() << ": " << in.fatal_message() << "\n";
    load.exit_code = in.read_failed() ? kExitUnreadable : kExitInvalidInput;
    return load;
  };
  RowLoader loader(columns, errors);
  CsvRecord record;
  CsvStatus status = in.Next(record);
  if (status == CsvStatus::kFatal) return fatal();
  if (status == CsvStatus::kEnd) {
    errors << "kneeregen: line 1: the file is empty; it needs a header row and at least one data row\n";
    load.exit_code = kExitInvalidInput;
    return load;
  }
  if (!loader.MapHeader(record)) {
    load.exit_code = kExitInvalidInput;
    return load;
  }
  const uint64_t header_line = record.line;
  uint64_t rows = 0;
  while ((status = in.Next(record)) == CsvStatus::kRecord) {
    if (!loader.AddRow(record)) {
      load.exit_code = kExitInvalidInput;
      return load;
    }
    ++rows;
  }
  if (status == CsvStatus::kFatal) return fatal();
  if (rows == 0) {
    errors << "kneeregen: line " << header_line + 1 << ": the file has a header but no data rows\n";
    load.exit_code = kExitInvalidInput;
    return load;
  }
  load.data = loader.Take();
  return load;
}

}  // namespace kneeregen::cli
