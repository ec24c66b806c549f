// The cycle counter PMCCNTR_EL0, on for EL1 and EL0 (EL0 reads it through PMUSERENR_EL0).
// Under QEMU TCG with -icount shift=0 it counts one per guest instruction.
#pragma once
#include <cstdint>

namespace eros::arm64 {

inline void pmu_init() {
  std::uint64_t pmcr;
  asm volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
  pmcr |= 1u | (1u << 2) | (1u << 6);   // E, C (reset the cycle counter), LC (64 bits)
  asm volatile("msr pmccfiltr_el0, xzr\n\t"   // count at EL1 and EL0
               "msr pmcr_el0, %0\n\t"
               "msr pmcntenset_el0, %1\n\t"   // bit 31: the cycle counter
               "msr pmuserenr_el0, %2\n\t"    // EN, CR: EL0 may read it
               "isb"
               :
               : "r"(pmcr), "r"(std::uint64_t{1} << 31), "r"(std::uint64_t{0x5})
               : "memory");
}

inline std::uint64_t pmu_cycles() {
  std::uint64_t v;
  asm volatile("mrs %0, pmccntr_el0" : "=r"(v));
  return v;
}

}  // namespace eros::arm64
