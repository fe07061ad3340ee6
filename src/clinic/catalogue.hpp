// The clinic's catalogues as data: the biologic products it injects (with their dose unit and whether an
// autologous harvest comes first) and the injection sites with their per-injection volume limits. A clinic
// edits these as JSON; loading validates every entry and names the offending key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_body.hpp"
#include "core/json_fields.hpp"
#include "core/result.hpp"

namespace kneeregen {

// Doses are integers in the unit's base so that splitting them is exact: whole cells, microlitres for
// products dosed in mL, whole particles.
enum class DoseUnit { kCells, kMillilitres, kParticles };
enum class HarvestTissue { kNone, kIliacCrestMarrow, kLipoaspirate };

std::string_view DoseUnitCode(DoseUnit unit);  // "cells", "mL", "particles"
std::string_view HarvestTissueCode(HarvestTissue tissue);
// "60.000 mL", "40,000,000 cells": a dose in its base unit, for people.
std::string FormatDose(DoseUnit unit, int64_t base_amount);

struct Product {
  std::string code;
  std::string name;
  DoseUnit dose_unit = DoseUnit::kMillilitres;
  bool autologous = false;
  HarvestTissue harvest_tissue = HarvestTissue::kNone;  // set exactly when autologous
  int harvest_lead_days = 0;          // harvest this many days before the session it feeds (culture time)
  bool harvest_each_session = false;  // false: one harvest, product stored for later sessions
  int64_t max_dose_per_session = 0;   // base units
};

struct Site {
  std::string code;
  std::string name;
  int64_t max_volume_ul = 0;  // per injection at this site
};

class Catalogue {
 public:
  static Result<Catalogue> FromJson(const Json& json);
  Json ToJson() const;

  const Product* FindProduct(std::string_view code) const;
  const Site* FindSite(std::string_view code) const;
  const std::vector<Product>& products() const { return products_; }
  const std::vector<Site>& sites() const { return sites_; }
  int64_t max_session_volume_ul() const { return max_session_volume_ul_; }

 private:
  std::vector<Product> products_;
  std::vector<Site> sites_;
  int64_t max_session_volume_ul_ = 0;
};

// The four products and five knee sites the issue names, with default limits a clinic can change.
Catalogue DefaultCatalogue();

// A catalogue code: 1-64 characters of a-z, 0-9 and '_', starting with a letter.
bool IsCatalogueCode(std::string_view code);

}  // namespace kneeregen
