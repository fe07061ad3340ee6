// How the process's allocator keeps memory it frees. An analytics request over a million courses builds and
// drops some hundred megabytes of working arrays; with glibc's defaults, blocks that large go back to the
// kernel when freed, so every request pays again for faulting them in (about a tenth of its time). Kept,
// they are reused by the next request. Called once at start, before any thread.
#pragma once

#include <malloc.h>

namespace kneeregen {

inline void KeepFreedMemoryForReuse() {
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);   // the largest glibc accepts; above it blocks are mapped
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);  // free memory kept before the heap is given back
}

}  // namespace kneeregen
