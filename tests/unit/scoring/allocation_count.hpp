// Counts heap allocations in this test binary (allocation_count.cpp replaces the global operator new), so a
// test can show that a hot loop allocates nothing once warmed up.
#pragma once

#include <cstddef>

namespace kneeregen::testing {

size_t AllocationCount();

}  // namespace kneeregen::testing
