// The clock an EL0 domain times itself with: the cycle counter, which arch/aarch64/pmu.hpp
// opens to EL0; under QEMU's -icount shift=0 one per instruction, as x86_64's TSC. (The
// generic timer's CNTVCT moves once per 16 instructions there: too coarse.)
#pragma once
#include <cstdint>

namespace eros::user {

inline std::uint64_t ticks() {
  std::uint64_t v;
  asm volatile("mrs %0, pmccntr_el0" : "=r"(v));
  return v;
}

}  // namespace eros::user
