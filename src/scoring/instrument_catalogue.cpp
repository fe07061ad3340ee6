#include "scoring/instrument_catalogue.hpp"

#include <stdexcept>

namespace kneeregen::scoring {

extern const std::vector<EmbeddedDefinition> kEmbeddedInstruments;  // embedded_instruments.cpp (generated)

Result<std::vector<InstrumentDefinition>> ParseBuiltInInstruments() {
  std::vector<InstrumentDefinition> out;
  for (const EmbeddedDefinition& embedded : kEmbeddedInstruments) {
    auto json = ParseStrictJson(embedded.json);
    if (!json) return Error::Field(ErrorCode::kInternal, embedded.file, "is not valid JSON");
    auto definition = ParseInstrument(*json);
    if (!definition) {
      Error error = definition.error();
      error.detail = std::string(embedded.file) + " is not a valid instrument definition";
      return error;
    }
    for (const auto& earlier : out)
      if (earlier.id == definition->id)
        return Error::Field(ErrorCode::kInternal, embedded.file, "repeats the instrument id " + earlier.id);
    out.push_back(std::move(*definition));
  }
  return out;
}

const std::vector<InstrumentDefinition>& BuiltInInstruments() {
  static const std::vector<InstrumentDefinition> instruments = [] {
    auto parsed = ParseBuiltInInstruments();
    if (!parsed) {
      std::string why = parsed.error().detail;
      for (const auto& f : parsed.error().fields) why += "; " + f.field + ": " + f.message;
      throw std::logic_error("built-in instrument definitions: " + why);
    }
    return std::move(*parsed);
  }();
  return instruments;
}

const InstrumentDefinition* FindBuiltInInstrument(std::string_view id) {
  for (const auto& instrument : BuiltInInstruments())
    if (instrument.id == id) return &instrument;
  return nullptr;
}

}  // namespace kneeregen::scoring
