// Scoring many responses that share one layout (a million-row KOOS file) fast. The selected scales are
// compiled to positions in the row; a row is tallied with integer additions only; and every possible
// (answered, sum) outcome of every scale is turned into its value and its CSV text once, up front, by the
// same ScaleValue() that Score() uses. So this path cannot drift from Score(), and a row costs no allocation,
// no floating point and no number formatting.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "scoring/instrument.hpp"

namespace kneeregen::scoring {

class RowScorer {
 public:
  struct Selection {
    const InstrumentDefinition* instrument;
    std::string scale_id;
    std::string rule;  // empty: the instrument's default rule
  };

  struct Tally {
    uint16_t answered = 0;
    uint16_t sum = 0;
  };

  static constexpr int8_t kUnanswered = -1;

  // `layout` names the item held at each position of a row. Every selected scale must have all its items in
  // the layout, not reverse-scored, with one common range starting at 0 (at most 127), and use
  // kTransformedMean, kRawSum or kPercentOfAnsweredMaxima: the methods whose value depends on the answered
  // count and the sum alone. An item id means the same item in every selected instrument (KOOS-derived WOMAC
  // uses the KOOS ids).
  static Result<RowScorer> Create(std::vector<std::string> layout, const std::vector<Selection>& selections);

  const std::vector<std::string>& layout() const { return layout_; }
  size_t scale_count() const { return scales_.size(); }
  // The highest answer allowed at `position` (0 when no selected scale uses it: any answer but 0 is then
  // out of range, since the scorer cannot say what it would mean).
  int MaxAnswer(size_t position) const { return max_answer_[position]; }

  // `answers` holds layout().size() entries, each kUnanswered or within 0..MaxAnswer(position): the caller
  // checks them while parsing, so this loop does not. `out` receives scale_count() tallies.
  void TallyRow(const int8_t* answers, Tally* out) const {
    for (size_t s = 0; s < scales_.size(); ++s) {
      unsigned answered = 0, sum = 0;
      for (uint8_t position : scales_[s].positions) {
        const int answer = answers[position];
        const bool given = answer >= 0;
        answered += given;
        sum += given ? static_cast<unsigned>(answer) : 0u;
      }
      out[s] = {static_cast<uint16_t>(answered), static_cast<uint16_t>(sum)};
    }
  }

  std::optional<double> Value(size_t scale, Tally tally) const { return Cell(scale, tally).value; }
  // The CSV cell: empty when the scale is not scored, the whole number for a raw sum of every item, else
  // printf's "%.4f" of the value.
  std::string_view Text(size_t scale, Tally tally) const {
    const CellEntry& cell = Cell(scale, tally);
    return {cell.text.data(), cell.length};
  }

 private:
  struct CellEntry {
    std::optional<double> value;
    std::array<char, 24> text{};
    uint8_t length = 0;
  };
  struct CompiledScale {
    std::vector<uint8_t> positions;
    size_t sums = 0;               // items × item maximum + 1: the row length of `cells`
    std::vector<CellEntry> cells;  // indexed [answered × sums + sum]
  };

  const CellEntry& Cell(size_t scale, Tally tally) const {
    const CompiledScale& s = scales_[scale];
    return s.cells[tally.answered * s.sums + tally.sum];
  }

  std::vector<std::string> layout_;
  std::vector<int> max_answer_;
  std::vector<CompiledScale> scales_;
};

}  // namespace kneeregen::scoring
