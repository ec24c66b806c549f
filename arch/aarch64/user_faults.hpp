// What faults at EL0 on arm64, one function per kind, the same list as
// arch/x86_64/user_faults.hpp: each raises what arch/aarch64/trap.cpp reports as the
// FaultKind the scenario expects. A privileged instruction traps as a system-register or
// system-instruction access (EC 0x18: DAIF with SCTLR_EL1.UMA clear, the EL1 physical timer,
// cache maintenance with UCI clear) or as WFI (nTWI clear); AArch64 division does not trap,
// so the division is followed by the check a checked division makes (brk #3); brk #0 is the
// breakpoint; the first address past TTBR0's 48 bits stands for x86_64's non-canonical one.
#pragma once
#include <cstdint>

#include "core/message.hpp"

namespace eros::user::faults {

inline void disable_interrupts() { asm volatile("msr daifset, #2"); }
inline void halt() { asm volatile("wfi"); }
inline void read_device() { std::uint64_t v; asm volatile("mrs %0, cntp_ctl_el0" : "=r"(v)); }
inline void write_device() { asm volatile("msr cntp_ctl_el0, %0" : : "r"(std::uint64_t{0})); }
inline void privileged(const void* mapped) { asm volatile("dc civac, %0" : : "r"(mapped) : "memory"); }
inline void undefined_instruction() { asm volatile("udf #0"); }
inline void breakpoint() { asm volatile("brk #0"); }
inline void divide_by_zero() {
  std::uint64_t a = 1;
  asm volatile("udiv %0, %0, %1\n\tcbnz %1, 1f\n\tbrk #3\n1:" : "+r"(a) : "r"(std::uint64_t{0}));
}
inline constexpr std::uint64_t kKernelAddress = 0xFFFFFFFF80100000;   // the kernel's text
inline constexpr std::uint64_t kNonCanonical = 0x0001000000000000;    // first past TTBR0's range
inline constexpr std::uint64_t kKernelHalf = 0xFFFF000000000000;      // TTBR1's, the kernel's

// The pointer form of the trap (x8 = 0: a Call on key register 1), its Message at `message`
// and its Result at `result`: addresses a program may not hand the kernel are refused as a
// fault.
inline void pointer_trap(std::uint64_t message, const ReceiveDesc* rcv, std::uint64_t result) {
  register std::uint64_t x8 asm("x8") = 0;
  register std::uint64_t x0 asm("x0") = 1;
  register std::uint64_t x1 asm("x1") = message;
  register const ReceiveDesc* x2 asm("x2") = rcv;
  register std::uint64_t x3 asm("x3") = result;
  asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
}

}  // namespace eros::user::faults
