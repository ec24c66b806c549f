// What faults in ring 3 on x86_64, one function per kind: for programs that test how faults
// reach a keeper (scenarios/scenarios.cpp). Each raises what arch/x86_64/exceptions.cpp
// reports as the FaultKind the scenario expects; arch/aarch64/user_faults.hpp is the same
// list on arm64.
#pragma once
#include <cstdint>

#include "core/message.hpp"

namespace eros::user::faults {

inline void disable_interrupts() { asm volatile("cli"); }                       // #GP
inline void halt() { asm volatile("hlt"); }                                     // #GP
inline void read_device() { std::uint8_t v; asm volatile("inb $0x60, %0" : "=a"(v)); }   // #GP
inline void write_device() { asm volatile("outb %%al, $0x80" : : "a"(0)); }     // #GP
inline void privileged(const void*) { asm volatile("mov %0, %%cr3" : : "r"(std::uint64_t{0x1000})); }
inline void undefined_instruction() { asm volatile("ud2"); }                    // #UD
inline void breakpoint() { asm volatile("int3"); }                              // #BP
inline void divide_by_zero() {                                                  // #DE
  std::uint64_t a = 1, d = 0;
  asm volatile("divq %2" : "+a"(a), "+d"(d) : "r"(std::uint64_t{0}));
}
inline constexpr std::uint64_t kKernelAddress = 0xFFFFFFFF80100000;   // the kernel's text
inline constexpr std::uint64_t kNonCanonical = 0x0000800000000000;    // first past the user half
inline constexpr std::uint64_t kKernelHalf = 0xFFFF800000000000;      // the direct map

// The pointer form of the trap (a Call on key register 1), its Message at `message` and its
// Result at `result`: addresses a program may not hand the kernel are refused as a fault.
inline void pointer_trap(std::uint64_t message, const ReceiveDesc* rcv, std::uint64_t result) {
  register const ReceiveDesc* rdx asm("rdx") = rcv;
  register std::uint64_t r10 asm("r10") = result;
  std::uint64_t rax = 0;
  asm volatile("syscall" : "+a"(rax) : "D"(1), "S"(message), "r"(rdx), "r"(r10) : "rcx", "r11", "memory");
}

}  // namespace eros::user::faults
