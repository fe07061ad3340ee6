#include "cli/distinct_ids.hpp"

#include <sodium.h>

#include <cstring>

namespace kneeregen::cli {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);

DistinctIds::DistinctIds() : slots_(1024, 0) { randombytes_buf(key_.data(), key_.size()); }

uint64_t DistinctIds::Prepare(std::string_view id) const {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(id.data()), id.size(), key_.data());
  uint64_t h;
  std::memcpy(&h, out, sizeof h);
  h = h == 0 ? 1 : h;
  __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  return h;
}

bool DistinctIds::InsertHash(uint64_t h) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  const size_t mask = slots_.size() - 1;
  // The hash is uniformly distributed, so its low bits are as good a slot index as any.
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return false;
    if (slots_[i] == 0) {
      slots_[i] = h;
      ++size_;
      return true;
    }
  }
}

void DistinctIds::Grow() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (uint64_t h : old) {
    if (h == 0) continue;
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = h;
  }
}

}  // namespace kneeregen::cli
