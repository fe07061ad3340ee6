// The slot for item wording. KOOS, WOMAC and IKDC wording is licensed, so kneeregen ships none: the
// definitions hold item ids only. A clinic that holds a licence loads its wording as a JSON document:
//
//   {"instrument": "koos", "version": "1.0", "language": "en-GB", "licence": "who granted it, reference",
//    "items": {"P1": "...", ...}, "anchors": {"P1": ["...", "...", "...", "...", "..."]}}
//
// Every item it names must exist in that instrument version, each item's anchor list must have one label per
// possible answer, and the licence must be stated. Wording never changes a score: scoring reads ids only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json_body.hpp"
#include "core/result.hpp"
#include "scoring/instrument.hpp"

namespace kneeregen::scoring {

struct ItemWording {
  std::string instrument_id;
  std::string instrument_version;
  std::string language;  // BCP 47 tag, e.g. "en-GB"
  std::string licence;
  std::map<std::string, std::string> items;  // item id -> question text
  std::map<std::string, std::vector<std::string>>
      anchors;  // item id -> label per answer, lowest answer first
};

Result<ItemWording> ParseItemWording(const InstrumentDefinition& instrument, const Json& json);

}  // namespace kneeregen::scoring
