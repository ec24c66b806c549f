// The kernel's domains on this machine (not seen by the core): their contexts and spaces,
// the scheduler loop and time slices, FP/SIMD state, and the trap's way into the core.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/aarch64/context.hpp"
#include "arch/aarch64/machine.hpp"
#include "baremetal/layout.hpp"
#include "baremetal/machine.hpp"
#include "core/kernel.hpp"

namespace eros::arm64 {

inline constexpr std::size_t kKernelStackBytes = 16384;
inline constexpr std::uint64_t kKernelHalf = 0xFFFF000000000000;   // TTBR1 from here
inline constexpr std::uint64_t kBrkDivide = 3;   // brk #3: the domain's divide check failed
static_assert(sizeof(Context) == 64);

inline Kernel& core() { return *baremetal::kernel; }
inline Domain& invoker() { return *current_domain; }   // the running domain

extern std::uint64_t space_roots[baremetal::kMaxSpaces];   // by SpaceId; ASID = index + 1
extern std::uint64_t scheduler_sp;   // the scheduler loop's stack while a domain runs

// A never-run domain: its context on its own kernel stack, to enter EL0 at `entry` with
// three arguments in x0..x2 and the stack `user_sp`, in `root` tagged `asid`.
void prepare_domain(DomainId d, std::uint64_t root, std::uint16_t asid, std::uint64_t entry,
                    std::uint64_t user_sp, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2);

// Runs ready domains until none is; returns with no space's tables in use. Domains
// preempted by the timer run when no domain is ready.
void run_scheduler();

// Time slices: baremetal/slices.hpp's policy; scheduler.cpp takes the tick (on_tick).

// ---- FP/SIMD state (platform.cpp, fpsimd.S) ---------------------------------------------------
struct FpState {
  std::uint64_t v[64];   // V0..V31
  std::uint64_t fpcr, fpsr;
};
static_assert(offsetof(FpState, fpcr) == 512 && offsetof(FpState, fpsr) == 520);
void fp_reset();             // a new scenario: nobody's state, the registers trapped
void fp_take(DomainId d);    // d's first FP/SIMD instruction since it lost the registers
extern std::uint64_t fp_saves, fp_restores;

}  // namespace eros::arm64

extern "C" {
void eros_fp_save(eros::arm64::FpState* area);
void eros_fp_restore(const eros::arm64::FpState* area);
void eros_fp_zero();
}
