#include "cli/koos_csv_scoring.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "cli/distinct_ids.hpp"
#include "scoring/instrument_catalogue.hpp"
#include "scoring/row_scorer.hpp"

namespace kneeregen::cli {

namespace {

using scoring::RowScorer;

constexpr std::string_view kOutputHeader =
    "id,pain,symptoms,adl,sport_rec,qol,womac_pain,womac_stiffness,womac_function\r\n";
constexpr int kIdColumn = -1;

// The output columns after the id: the KOOS subscales under the chosen rule, then the KOOS-derived WOMAC
// raw sums under their all-items rule.
RowScorer MakeScorer(const std::string& rule) {
  const auto* koos = scoring::FindBuiltInInstrument("koos");
  const auto* womac = scoring::FindBuiltInInstrument("womac_from_koos");
  std::vector<RowScorer::Selection> selections;
  for (const char* scale : {"pain", "symptoms", "adl", "sport_rec", "qol"})
    selections.push_back({koos, scale, rule});
  for (const char* scale : {"pain", "stiffness", "function"}) selections.push_back({womac, scale, ""});
  std::vector<std::string> layout;
  for (const auto& item : koos->items) layout.push_back(item.id);
  auto scorer = RowScorer::Create(layout, selections);
  if (!scorer)
    throw std::logic_error("the KOOS definitions do not suit the row scorer: " +
                           scorer.error().fields[0].message);
  return std::move(*scorer);
}

struct Columns {
  std::vector<int> position;       // per input column: kIdColumn or the item's position in the layout
  std::vector<std::string> names;  // per input column, as the header spells it
  size_t id = 0;

  std::string Name(size_t column) const {
    if (column >= names.size()) return "#" + std::to_string(column + 1) + " (beyond the header)";
    return names[column].empty() ? "#" + std::to_string(column + 1) + " (unnamed)" : names[column];
  }
};

// A value for a message: quoted, control characters shown as '?', cut after 24 bytes.
std::string Shown(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < 24; ++i)
    out += static_cast<unsigned char>(value[i]) < 0x20 || value[i] == 0x7f ? '?' : value[i];
  return out + (value.size() > 24 ? "...\"" : "\"");
}

std::string WhyNotAnAnswer(std::string_view v, unsigned max) {
  const std::string answers = "answers are whole numbers from 0 to " + std::to_string(max);
  const size_t first = v.find_first_not_of(" \t"), last = v.find_last_not_of(" \t");
  if (first == std::string_view::npos)
    return Shown(v) + " holds only spaces; an empty cell is a missing answer";
  if (first != 0 || last + 1 != v.size()) return Shown(v) + " has spaces around it; " + answers;
  long long whole = 0;
  if (auto r = std::from_chars(v.data() + (v[0] == '+'), v.data() + v.size(), whole);
      r.ec == std::errc() && r.ptr == v.data() + v.size())
    return Shown(v) + " is not one of the answers; " + answers;
  double number = 0;
  if (auto r = std::from_chars(v.data() + (v[0] == '+'), v.data() + v.size(), number);
      r.ec == std::errc() && r.ptr == v.data() + v.size())
    return Shown(v) + " is not a whole number; " + answers;
  return Shown(v) + " is not a number; " + answers;
}

class Reporter {
 public:
  explicit Reporter(std::ostream& errors) : errors_(errors) {}
  // Keeps the first problem of a row and counts the rest.
  void Add(uint64_t line, std::string column, std::string message) {
    if (count_++ == 0) first_ = {line, std::move(column), std::move(message)};
  }
  bool any() const { return count_ > 0; }
  uint64_t line() const { return first_.line; }
  void Print() {
    errors_ << "kneeregen: line " << first_.line << ", column " << first_.column << ": " << first_.message;
    if (count_ > 1) errors_ << " (and " << count_ - 1 << " more in this row)";
    errors_ << "\n";
    count_ = 0;
  }

 private:
  struct Problem {
    uint64_t line = 0;
    std::string column, message;
  };
  std::ostream& errors_;
  Problem first_;
  int count_ = 0;
};

// Every problem with the header is reported, not just the first: a file is usually fixed in one go.
std::optional<Columns> MapHeader(const CsvRecord& header, const RowScorer& scorer, std::ostream& errors) {
  Columns columns;
  columns.names.assign(header.fields.begin(), header.fields.end());
  int problems = 0;
  auto fail = [&](uint64_t line, const std::string& column, const std::string& message) {
    errors << "kneeregen: line " << line << ", column " << column << ": " << message << "\n";
    ++problems;
  };
  if (!header.ok()) fail(header.problem.line, columns.Name(header.problem.field), header.problem.message);
  const auto& layout = scorer.layout();
  std::vector<bool> seen(layout.size(), false);
  bool id_seen = false;
  for (size_t c = 0; c < columns.names.size(); ++c) {
    const std::string& name = columns.names[c];
    const size_t p = static_cast<size_t>(std::find(layout.begin(), layout.end(), name) - layout.begin());
    if (name == "id" ? id_seen : p < layout.size() && seen[p])
      fail(header.field_lines[c], name, "appears more than once in the header");
    if (name == "id") {
      id_seen = true;
      columns.id = c;
      columns.position.push_back(kIdColumn);
    } else if (p < layout.size()) {
      seen[p] = true;
      columns.position.push_back(static_cast<int>(p));
    } else {
      fail(header.field_lines[c], name.empty() ? columns.Name(c) : Shown(name),
           "is not a column of this file (id and the KOOS items P1..P9, S1..S7, A1..A17, SP1..SP5, Q1..Q4; "
           "names are case-sensitive)");
      columns.position.push_back(kIdColumn);
    }
  }
  if (!id_seen) fail(header.line, "id", "is missing from the header");
  for (size_t p = 0; p < layout.size(); ++p)
    if (!seen[p]) fail(header.line, layout[p], "is missing from the header");
  if (problems > 0) return std::nullopt;
  return columns;
}

// Fills `answers` from the record, or reports why the row can't be scored.
void CheckRow(const CsvRecord& record, const Columns& columns, const std::vector<unsigned>& max_answer,
              DistinctIds& ids, int8_t* answers, Reporter& report) {
  if (!record.ok())
    return report.Add(record.problem.line, columns.Name(record.problem.field), record.problem.message);
  const size_t n = record.fields.size();
  if (n != columns.names.size()) {
    const size_t at = std::min(n, columns.names.size());
    return report.Add(
        record.field_lines[std::min(at, n - 1)], columns.Name(at),
        "the row has " + std::to_string(n) + " fields, the header " + std::to_string(columns.names.size()));
  }
  const std::string_view id = record.fields[columns.id];
  if (id.empty()) report.Add(record.field_lines[columns.id], "id", "is empty");
  const uint64_t id_hash = id.empty() ? 0 : ids.Prepare(id);  // its slot loads while the answers are read
  const std::string_view* fields = record.fields.data();
  for (size_t c = 0; c < n; ++c) {
    const int p = columns.position[c];
    if (p < 0) continue;
    const std::string_view v = fields[c];
    if (v.empty()) {
      answers[p] = RowScorer::kUnanswered;
      continue;
    }
    const unsigned digit = static_cast<unsigned char>(v[0]) - unsigned{'0'};
    if (v.size() == 1 && digit <= max_answer[p]) {
      answers[p] = static_cast<int8_t>(digit);
      continue;
    }
    report.Add(record.field_lines[c], columns.names[c], WhyNotAnAnswer(v, max_answer[p]));
  }
  if (!id.empty() && !ids.InsertHash(id_hash))
    report.Add(record.field_lines[columns.id], "id", Shown(id) + " is a repeated id: an earlier line has it");
}

std::string Rows(uint64_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

int FatalReadProblem(const CsvReader& in, std::ostream& errors) {
  errors << "kneeregen: line " << in.fatal_line() << ": " << in.fatal_message() << "\n";
  return in.read_failed() ? kExitUnreadable : kExitInvalidInput;
}

}  // namespace

KoosCsvOutcome ScoreKoosCsv(CsvReader& in, BufferedOutput& out, std::ostream& errors,
                            const KoosCsvOptions& options) {
  KoosCsvOutcome outcome;
  const RowScorer scorer = MakeScorer(options.rule);
  Reporter report(errors);
  CsvRecord record;
  CsvStatus status = in.Next(record);
  if (status != CsvStatus::kRecord) {
    if (status == CsvStatus::kEnd) errors << "kneeregen: the file is empty; it needs a header row\n";
    outcome.exit_code = status == CsvStatus::kEnd ? kExitInvalidInput : FatalReadProblem(in, errors);
    return outcome;
  }
  const std::optional<Columns> columns = MapHeader(record, scorer, errors);
  if (!columns) {
    outcome.exit_code = kExitInvalidInput;
    return outcome;
  }
  out.Append(kOutputHeader);

  std::vector<unsigned> max_answer;
  for (size_t p = 0; p < scorer.layout().size(); ++p)
    max_answer.push_back(static_cast<unsigned>(scorer.MaxAnswer(p)));
  std::vector<int8_t> answers(scorer.layout().size(), RowScorer::kUnanswered);
  std::vector<RowScorer::Tally> tallies(scorer.scale_count());
  DistinctIds ids;
  while ((status = in.Next(record)) == CsvStatus::kRecord) {
    CheckRow(record, *columns, max_answer, ids, answers.data(), report);
    if (report.any()) {
      const uint64_t line = report.line();
      report.Print();
      ++outcome.rows_skipped;
      if (options.skip_invalid) continue;
      errors << "kneeregen: stopped at line " << line << "; the output so far (" << Rows(outcome.rows_scored)
             << ") is not a complete result\n";
      outcome.exit_code = kExitInvalidInput;
      break;
    }
    scorer.TallyRow(answers.data(), tallies.data());
    out.AppendCsvField(record.fields[columns->id]);
    for (size_t s = 0; s < tallies.size(); ++s) {
      out.Append(',');
      out.Append(scorer.Text(s, tallies[s]));
    }
    out.Append("\r\n");
    ++outcome.rows_scored;
    if (!out.EndRow()) break;
  }
  if (status == CsvStatus::kFatal) outcome.exit_code = FatalReadProblem(in, errors);
  if (!out.Flush()) {
    errors << "kneeregen: cannot write the scores: " << out.error() << "\n";
    outcome.exit_code = kExitUnreadable;
  }
  if (options.skip_invalid)
    errors << "kneeregen: scored " << Rows(outcome.rows_scored) << "; left out " << Rows(outcome.rows_skipped)
           << " that were invalid\n";
  return outcome;
}

}  // namespace kneeregen::cli
