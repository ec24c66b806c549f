// The kernel-stack switch: one context suspends itself (its stack pointer stored in
// *save, with where to resume on top) and another continues, either where it suspended
// itself or, prepared (prepare_entry), in vectors.S's exit path to EL0.
#pragma once
#include <cstdint>

#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {

// Every register but sp and x29 (pushed with the resume address) is clobbered, so the
// compiler keeps around it only what the code after it uses.
[[gnu::always_inline]] inline void switch_stack(std::uint64_t* save, std::uint64_t next) {
  register std::uint64_t* x0 asm("x0") = save;
  register std::uint64_t x1 asm("x1") = next;
  asm volatile(
      "adr x2, 1f\n\t"
      "stp x29, x2, [sp, #-16]!\n\t"
      "mov x2, sp\n\t"
      "str x2, [x0]\n\t"
      "mov sp, x1\n\t"
      "ldp x29, x2, [sp], #16\n\t"
      "br x2\n"
      "1:"
      : "+r"(x0), "+r"(x1)
      :
      : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
        "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26",
        "x27", "x28", "x30", "memory", "cc");
}

// A context that has never run, on a kernel stack ending at `kstack_top`: its EL0 frame
// at the top (returned, for the caller to fill), below it the resume record that makes
// switch_stack continue in eros_enter_user. `*sp` is what switch_stack takes as `next`.
inline Frame* prepare_entry(std::uint64_t kstack_top, std::uint64_t* sp) {
  auto* f = reinterpret_cast<Frame*>(kstack_top - kFrameBytes);
  *f = Frame{};
  auto* resume = reinterpret_cast<std::uint64_t*>(f) - 2;
  resume[0] = 0;   // x29
  resume[1] = reinterpret_cast<std::uint64_t>(&eros_enter_user);
  *sp = reinterpret_cast<std::uint64_t>(resume);
  return f;
}

}  // namespace eros::arm64
