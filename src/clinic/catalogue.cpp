#include "clinic/catalogue.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <set>

namespace kneeregen {

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

std::string Grouped(int64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

template <class Enum, size_t N>
std::optional<Enum> EnumFromCode(const std::string& code, const std::pair<Enum, const char*> (&table)[N]) {
  for (const auto& [value, name] : table)
    if (code == name) return value;
  return std::nullopt;
}

constexpr std::pair<DoseUnit, const char*> kDoseUnits[] = {
    {DoseUnit::kCells, "cells"}, {DoseUnit::kMillilitres, "mL"}, {DoseUnit::kParticles, "particles"}};
constexpr std::pair<HarvestTissue, const char*> kTissues[] = {{HarvestTissue::kNone, "none"},
                                                              {HarvestTissue::kIliacCrestMarrow, "iliac_crest_marrow"},
                                                              {HarvestTissue::kLipoaspirate, "lipoaspirate"}};

std::optional<Product> ReadProduct(const Json& json, const std::string& path, std::vector<FieldError>& errors) {
  JsonFieldReader r(json, path, errors);
  if (!r.is_object()) return std::nullopt;
  size_t before = errors.size();
  Product p;
  p.code = r.Text("code").value_or("");
  if (r.Has("code") && !p.code.empty() && !IsCatalogueCode(p.code))
    r.Fail("code", "must be 1-64 characters of a-z, 0-9 and _, starting with a letter");
  p.name = r.Text("name").value_or("");
  if (auto unit = r.Text("dose_unit")) {
    if (auto u = EnumFromCode(*unit, kDoseUnits)) p.dose_unit = *u;
    else r.Fail("dose_unit", "must be one of: cells, mL, particles");
  }
  p.autologous = r.Boolean("autologous").value_or(false);
  if (auto tissue = r.Text("harvest_tissue")) {
    if (auto t = EnumFromCode(*tissue, kTissues)) p.harvest_tissue = *t;
    else r.Fail("harvest_tissue", "must be one of: none, iliac_crest_marrow, lipoaspirate");
  }
  // A harvest belongs to an autologous product and to nothing else; catching the mismatch here keeps a
  // plan from ever scheduling a harvest for donor cells, or forgetting one for the patient's own.
  if (errors.size() == before && p.autologous != (p.harvest_tissue != HarvestTissue::kNone))
    r.Fail("harvest_tissue", p.autologous ? "an autologous product needs a harvest tissue"
                                          : "only an autologous product has a harvest tissue");
  p.harvest_lead_days = static_cast<int>(r.Integer("harvest_lead_days", 0, 365, false).value_or(0));
  p.harvest_each_session = r.Boolean("harvest_each_session", false).value_or(false);
  p.max_dose_per_session = r.Integer("max_dose_per_session", 1, kMaxInt).value_or(0);
  r.Finish();
  if (errors.size() != before) return std::nullopt;
  return p;
}

std::optional<Site> ReadSite(const Json& json, const std::string& path, std::vector<FieldError>& errors) {
  JsonFieldReader r(json, path, errors);
  if (!r.is_object()) return std::nullopt;
  size_t before = errors.size();
  Site s;
  s.code = r.Text("code").value_or("");
  if (r.Has("code") && !s.code.empty() && !IsCatalogueCode(s.code))
    r.Fail("code", "must be 1-64 characters of a-z, 0-9 and _, starting with a letter");
  s.name = r.Text("name").value_or("");
  // 100 mL is far above any knee injection; the bound only stops a typo in the wrong unit.
  s.max_volume_ul = r.Integer("max_volume_ul", 1, 100'000).value_or(0);
  r.Finish();
  if (errors.size() != before) return std::nullopt;
  return s;
}

template <class Item, class ReadFn>
std::vector<Item> ReadList(JsonFieldReader& r, std::string_view key, ReadFn read, std::vector<FieldError>& errors) {
  std::vector<Item> items;
  const Json* list = r.Array(key);
  if (!list) return items;
  std::set<std::string> codes;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = r.PathOf(key) + "/" + std::to_string(i);
    auto item = read((*list)[i], path, errors);
    if (!item) continue;
    if (!codes.insert(item->code).second) errors.push_back({path + "/code", "duplicates code \"" + item->code + "\""});
    else items.push_back(std::move(*item));
  }
  if (list->empty()) r.Fail(key, "must not be empty");
  return items;
}

}  // namespace

std::string_view DoseUnitCode(DoseUnit unit) {
  for (const auto& [value, name] : kDoseUnits)
    if (value == unit) return name;
  return "";
}

std::string_view HarvestTissueCode(HarvestTissue tissue) {
  for (const auto& [value, name] : kTissues)
    if (value == tissue) return name;
  return "";
}

std::string FormatDose(DoseUnit unit, int64_t base_amount) {
  if (unit == DoseUnit::kMillilitres) {
    std::string thousandths = std::to_string(base_amount % 1000);
    return Grouped(base_amount / 1000) + "." + std::string(3 - thousandths.size(), '0') + thousandths + " mL";
  }
  return Grouped(base_amount) + (unit == DoseUnit::kCells ? " cells" : " particles");
}

bool IsCatalogueCode(std::string_view code) {
  if (code.empty() || code.size() > 64 || code[0] < 'a' || code[0] > 'z') return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<Catalogue> Catalogue::FromJson(const Json& json) {
  std::vector<FieldError> errors;
  JsonFieldReader r(json, "", errors);
  if (!r.is_object()) return Error::Validation(std::move(errors));
  Catalogue c;
  c.max_session_volume_ul_ = r.Integer("max_session_volume_ul", 1, 100'000).value_or(0);
  c.products_ = ReadList<Product>(r, "products", ReadProduct, errors);
  c.sites_ = ReadList<Site>(r, "sites", ReadSite, errors);
  r.Finish();
  if (!errors.empty()) return Error::Validation(std::move(errors));
  return c;
}

Json Catalogue::ToJson() const {
  Json products = Json::array();
  for (const auto& p : products_)
    products.push_back({{"code", p.code},
                        {"name", p.name},
                        {"dose_unit", DoseUnitCode(p.dose_unit)},
                        {"autologous", p.autologous},
                        {"harvest_tissue", HarvestTissueCode(p.harvest_tissue)},
                        {"harvest_lead_days", p.harvest_lead_days},
                        {"harvest_each_session", p.harvest_each_session},
                        {"max_dose_per_session", p.max_dose_per_session}});
  Json sites = Json::array();
  for (const auto& s : sites_) sites.push_back({{"code", s.code}, {"name", s.name}, {"max_volume_ul", s.max_volume_ul}});
  return {{"max_session_volume_ul", max_session_volume_ul_}, {"products", products}, {"sites", sites}};
}

const Product* Catalogue::FindProduct(std::string_view code) const {
  for (const auto& p : products_)
    if (p.code == code) return &p;
  return nullptr;
}

const Site* Catalogue::FindSite(std::string_view code) const {
  for (const auto& s : sites_)
    if (s.code == code) return &s;
  return nullptr;
}

Catalogue DefaultCatalogue() {
  // Every limit below is [U]: DOMAIN.md gives no verified per-session dose or per-site volume, so these are
  // conservative starting values each clinic must review and may change in its catalogue JSON.
  static const Json kDefault = {
      // [U] 20 mL per session: room for 10 mL into the joint plus four 2 mL ligament injections.
      {"max_session_volume_ul", 20'000},
      {"products",
       {
           // Same-day point-of-care concentrate; one harvest with aliquots stored for later sessions [U].
           {{"code", "bone_marrow_concentrate"}, {"name", "Bone-marrow concentrate (BMC)"}, {"dose_unit", "mL"},
            {"autologous", true}, {"harvest_tissue", "iliac_crest_marrow"}, {"harvest_lead_days", 0},
            {"harvest_each_session", false}, {"max_dose_per_session", 20'000}},  // [U] 20 mL
           {{"code", "adipose_derived_cells"}, {"name", "Adipose-derived cells"}, {"dose_unit", "cells"},
            {"autologous", true}, {"harvest_tissue", "lipoaspirate"}, {"harvest_lead_days", 0},
            {"harvest_each_session", false}, {"max_dose_per_session", 100'000'000}},  // [U] 1e8 cells
           {{"code", "umbilical_cord_msc"}, {"name", "Umbilical-cord MSCs (allogeneic)"}, {"dose_unit", "cells"},
            {"autologous", false}, {"harvest_tissue", "none"}, {"max_dose_per_session", 100'000'000}},  // [U]
           {{"code", "exosomes"}, {"name", "Exosomes / extracellular vesicles"}, {"dose_unit", "particles"},
            {"autologous", false}, {"harvest_tissue", "none"},
            {"max_dose_per_session", 1'000'000'000'000}},  // [U] 1e12 particles
       }},
      {"sites",
       {
           {{"code", "intra_articular"}, {"name", "Intra-articular"}, {"max_volume_ul", 10'000}},  // [U] 10 mL
           // [U] 2 mL at each ligament attachment: a small enthesis takes little volume.
           {{"code", "mcl_femoral_origin"}, {"name", "MCL femoral origin"}, {"max_volume_ul", 2'000}},
           {{"code", "mcl_tibial_insertion"}, {"name", "MCL tibial insertion"}, {"max_volume_ul", 2'000}},
           {{"code", "lcl_femoral_origin"}, {"name", "LCL femoral origin"}, {"max_volume_ul", 2'000}},
           {{"code", "lcl_fibular_insertion"}, {"name", "LCL fibular insertion"}, {"max_volume_ul", 2'000}},
       }},
  };
  auto catalogue = Catalogue::FromJson(kDefault);
  assert(catalogue.ok());
  return *catalogue;
}

}  // namespace kneeregen
