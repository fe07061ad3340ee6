// The published evidence shown beside a clinic's own results: DOMAIN.md §9 as data, with the source ids
// of DOMAIN.md §11. The negative randomised trial comes first, because it is the strongest design here.
#include "registry/expectation_report.hpp"

namespace kneeregen {

Json PublishedEvidence() {
  return Json::array({
      {{"finding",
        "No cell product was superior to a corticosteroid injection at 12 months (VAS pain and KOOS "
        "Pain, co-primary), in 440 analysed of 480 randomised"},
       {"design",
        "phase 2/3 randomised trial, KL II-IV: autologous BMAC, adipose SVF, allogeneic UC-MSC vs "
        "corticosteroid"},
       {"source", "Mautner 2023, Nat Med 29:3120, doi 10.1038/s41591-023-02632-w"}},
      {{"finding",
        "Pain lower after MSC injection than control: VAS mean difference -19.24 (-26.31 to -12.18); "
        "WOMAC total SMD -0.66; no WORMS difference"},
       {"design", "meta-analysis, 10 RCTs, 335 patients"},
       {"source", "Ma 2020, Medicine 99:e23343 (PMC7717742)"}},
      {{"finding", "VAS mean difference -13.24; WOMAC mean difference -7.22"},
       {"design", "meta-analysis, 7 RCTs, 256 patients"},
       {"source", "Bone Joint Res 2020;9:719 (PMC7640936)"}},
      {{"finding",
        "Cartilage volume SMD 0.49 (-0.19 to 1.16), not significant; certainty of evidence very low to "
        "low (GRADE)"},
       {"design", "meta-analysis, 35 studies, 2,385 patients"},
       {"source", "Iijima 2018, npj Regen Med (PMID 30245848)"}},
      {{"finding",
        "Knee bone-marrow concentrate registry: small improvements (LEFS +7.9 of 80; pain 4.0 to 2.6 of "
        "10); adding adipose tissue gave no benefit"},
       {"design", "clinic registry, 840 procedures, no control group"},
       {"source", "Centeno 2014, BioMed Res Int 2014:370621 (PMC4170694)"}},
      {{"finding", "85.7 % free of knee replacement at 5 years after PRP; median delay 5.3 years"},
       {"design", "cohort of 667 patients (PRP, not cells), no control group"},
       {"source", "Sanchez 2021, Int Orthop 45:401 (PMID 32621139)"}},
      {{"finding",
        "Hyaluronic acid associated with 9.8 more months to knee replacement; causality not shown"},
       {"design", "meta-analysis of observational studies"},
       {"source", "J Clin Med 2022;11:3985"}},
      {{"finding", "No stem-cell or exosome product is FDA-approved for orthopaedic conditions"},
       {"design", "regulatory status (United States)"},
       {"source", "FDA public safety and consumer alerts on stem cell and exosome products, 2019 and 2020"}},
  });
}

}  // namespace kneeregen
