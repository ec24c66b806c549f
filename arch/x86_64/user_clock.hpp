// The clock a ring-3 domain times itself with: the TSC (under QEMU's -icount shift=0 one
// tick per instruction).
#pragma once
#include <cstdint>

namespace eros::user {

inline std::uint64_t ticks() { return __builtin_ia32_rdtsc(); }

}  // namespace eros::user
