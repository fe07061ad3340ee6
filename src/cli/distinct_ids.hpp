// Remembers which ids a file has used without keeping the ids: 8 bytes per id, a keyed 64-bit hash
// (SipHash-2-4 from libsodium, with a random key for each run, so no file can be crafted to make two ids
// collide). Two different ids share a hash with probability about n^2 / 2^65 (3e-8 for a million ids); such
// a pair would be reported as a duplicate. The table is kept at most 3/4 full, so it holds 11 to 21 bytes
// per id (16 MiB for a million), plus the old table for the moment it doubles.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kneeregen::cli {

class DistinctIds {
 public:
  DistinctIds();  // libsodium must be initialised (cli::Run does it)

  // False when `id` (or, see above, an id with the same hash) was inserted before.
  bool Insert(std::string_view id) { return InsertHash(Prepare(id)); }
  // The same in two steps: Prepare hashes the id and starts loading its slot into the cache, so a caller
  // with other work for the row can do it in between and not wait for the (almost always cold) slot.
  uint64_t Prepare(std::string_view id) const;
  bool InsertHash(uint64_t hash);
  size_t size() const { return size_; }

 private:
  void Grow();

  std::vector<uint64_t> slots_;  // 0 marks an empty slot; a hash of 0 is stored as 1
  size_t size_ = 0;
  std::array<unsigned char, 16> key_{};
};

}  // namespace kneeregen::cli
