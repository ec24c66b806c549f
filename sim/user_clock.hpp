// The clock a hosted domain times itself with: the TSC, as the platform's own cycles().
#pragma once
#include <cstdint>

namespace eros::user {

inline std::uint64_t ticks() { return __builtin_ia32_rdtsc(); }

}  // namespace eros::user
