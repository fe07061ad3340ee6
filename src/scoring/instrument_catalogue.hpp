// The instruments kneeregen ships: the JSON files in src/scoring/instruments, embedded in the binary at
// build time and parsed once, on first use. Ids: koos, womac_from_koos, koos12, ikdc2000, pain_nrs, tegner,
// pgic.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "scoring/instrument.hpp"

namespace kneeregen::scoring {

struct EmbeddedDefinition {
  const char* file;  // e.g. "koos.json"
  const char* json;
};

// Every embedded definition parsed and checked; the first problem names its file. The tests call this, so
// a broken definition fails the build's tests rather than a clinic's first scoring run.
Result<std::vector<InstrumentDefinition>> ParseBuiltInInstruments();

// The parsed definitions (throws std::logic_error if one does not parse: a build defect, see above).
const std::vector<InstrumentDefinition>& BuiltInInstruments();
// nullptr for an unknown id.
const InstrumentDefinition* FindBuiltInInstrument(std::string_view id);

}  // namespace kneeregen::scoring
