// Reads across a knee's imaging records. CartilageChange compares the cartilage thickness of every later MRI
// with the knee's first measured MRI, region by region, and says when a comparison mixes segmentation
// methods or field strengths (DOMAIN.md §5: flag cross-method comparisons) instead of hiding the difference
// in a number.
#pragma once

#include <cstdint>

#include "core/result.hpp"
#include "registry/actor.hpp"
#include "registry/store.hpp"

namespace kneeregen {

// [U] The smallest thickness change read as real rather than as measurement noise. The 0.1 mm default is a
// placeholder not yet checked against a primary source; repeat-scan precision depends on the sequence, the
// scanner and the segmentation method, so each clinic should set its own (ImagingService's constructor).
inline constexpr double kDefaultCartilageMeasurementErrorMm = 0.1;

class ImagingService {
 public:
  explicit ImagingService(Store& store, double measurement_error_mm = kDefaultCartilageMeasurementErrorMm)
      : store_(store), measurement_error_mm_(measurement_error_mm) {}

  // The knee's cartilage change: the earliest MRI with measurements is the baseline, every later MRI with
  // measurements is compared with it per region. A knee of another clinic is not found.
  Result<Json> CartilageChange(const Actor& actor, int64_t knee_id);

 private:
  Store& store_;
  double measurement_error_mm_;
};

}  // namespace kneeregen
