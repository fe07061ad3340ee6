#include "scoring/row_scorer.hpp"

#include <algorithm>
#include <cstdio>

#include "scoring/score.hpp"

namespace kneeregen::scoring {

namespace {

bool DependsOnCountAndSumOnly(ScaleMethod method) {
  return method == ScaleMethod::kTransformedMean || method == ScaleMethod::kRawSum ||
         method == ScaleMethod::kPercentOfAnsweredMaxima;
}

Error Problem(const RowScorer::Selection& s, const std::string& message) {
  return Error::Field(ErrorCode::kValidationFailed, s.instrument->id + "/" + s.scale_id, message);
}

}  // namespace

Result<RowScorer> RowScorer::Create(std::vector<std::string> layout,
                                    const std::vector<Selection>& selections) {
  RowScorer scorer;
  if (layout.size() > 255)
    return Error::Field(ErrorCode::kValidationFailed, "layout", "holds more than 255 items");
  scorer.layout_ = std::move(layout);
  scorer.max_answer_.assign(scorer.layout_.size(), 0);
  for (const Selection& selection : selections) {
    const InstrumentDefinition& instrument = *selection.instrument;
    auto scale_index = instrument.ScaleIndex(selection.scale_id);
    if (!scale_index) return Problem(selection, "is not a scale of the instrument");
    auto rule = instrument.RuleIndex(selection.rule);
    if (!rule) return Problem(selection, "has no rule " + selection.rule);
    const ScaleDefinition& scale = instrument.scales[*scale_index];
    if (!DependsOnCountAndSumOnly(scale.method))
      return Problem(selection, "uses a method this path cannot tally");

    CompiledScale compiled;
    const int item_max = instrument.items[scale.items.front()].max;
    for (size_t item_index : scale.items) {
      const ItemDefinition& item = instrument.items[item_index];
      if (item.reverse || item.min != 0 || item.max != item_max || item_max > 127)
        return Problem(selection, "needs items scored as answered, ranging 0 to one common maximum");
      auto position = std::find(scorer.layout_.begin(), scorer.layout_.end(), item.id);
      if (position == scorer.layout_.end())
        return Problem(selection, "uses " + item.id + ", not in the layout");
      const size_t p = static_cast<size_t>(position - scorer.layout_.begin());
      if (scorer.max_answer_[p] != 0 && scorer.max_answer_[p] != item_max)
        return Problem(selection, item.id + " has another range in another selected scale");
      scorer.max_answer_[p] = item_max;
      compiled.positions.push_back(static_cast<uint8_t>(p));
    }
    const size_t items = compiled.positions.size();
    compiled.sums = items * static_cast<size_t>(item_max) + 1;
    compiled.cells.resize((items + 1) * compiled.sums);
    for (size_t answered = 0; answered <= items; ++answered) {
      for (size_t sum = 0; sum <= answered * static_cast<size_t>(item_max); ++sum) {
        ScaleTally tally{static_cast<int>(answered), static_cast<int64_t>(sum),
                         static_cast<int64_t>(answered) * item_max};
        CellEntry& cell = compiled.cells[answered * compiled.sums + sum];
        cell.value = ScaleValue(instrument, scale, *rule, tally);
        if (!cell.value) continue;
        const bool whole = scale.method == ScaleMethod::kRawSum && answered == items;
        int n = whole ? std::snprintf(cell.text.data(), cell.text.size(), "%zu", sum)
                      : std::snprintf(cell.text.data(), cell.text.size(), "%.4f", *cell.value);
        cell.length = static_cast<uint8_t>(std::clamp<int>(n, 0, static_cast<int>(cell.text.size()) - 1));
      }
    }
    scorer.scales_.push_back(std::move(compiled));
  }
  return scorer;
}

}  // namespace kneeregen::scoring
