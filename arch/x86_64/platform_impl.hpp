// The bare-metal x86_64 platform, as the kernel core sees it.
//
// Inline here: the cycle counter and the kernel-stack switch (switch_to). Out of line, in
// the bare-metal kernel (arch/x86_64/platform.cpp, vcopy.cpp): the rest of a switch
// (activate: trap stack, CR3, vector state), the copy, and the probes, which walk the
// domain's own 4-level page tables through the direct map (present, user, writable bits).
#pragma once
#include <cstdint>

#include "core/domain.hpp"
#include "core/platform.hpp"

namespace eros {

namespace x86 {
struct Context {
  std::uint64_t rsp = 0;          // saved kernel stack pointer while switched away
  std::uint64_t kstack_top = 0;
  std::uint64_t root = 0;         // CR3 of its space
  Domain* domain = nullptr;       // the core's object
};
}  // namespace x86

class X86Platform {
 public:
  void switch_to(Domain& from, Domain& to) noexcept;
  void to_scheduler(Domain& from) noexcept;
  bool readable(const Domain& d, const void* p, std::uint32_t n) const noexcept;
  bool writable(const Domain& d, void* p, std::uint32_t n) const noexcept;
  // The invoker (`from`) is the running domain, so its space is the one loaded: within one
  // space both ranges are reachable as they are; across spaces the destination is reached
  // through the direct map, page by page. Out of line (arch/x86_64/vcopy.cpp), the only
  // kernel code compiled with SSE: it puts the domain's vector state away first.
  void copy(const Domain& to, void* dst, const Domain& from, const void* src,
            std::uint32_t n) noexcept;
  static std::uint64_t cycles() noexcept {
    std::uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (std::uint64_t{hi} << 32) | lo;
  }
  [[noreturn]] static void panic(const char* why) noexcept;

  // Each domain's machine context, by id (x86::contexts in the rest of arch/x86_64/).
  static x86::Context contexts[];
  // Make `to` the running domain's context (stack for traps, CR3, vector state), before the
  // stack switch.
  static void activate(DomainId to) noexcept;
};

using Platform = X86Platform;

namespace x86 {
// The kernel-stack switch: pushes where to resume, leaves the stack pointer in *save and
// continues the context whose stack pointer is `next` (suspended here, or prepared by
// prepare_domain). Every register but rsp is clobbered, so the compiler keeps around it
// only what the code after it uses: no register is saved for nothing.
[[gnu::always_inline]] inline void switch_stack(std::uint64_t* save, std::uint64_t next) {
  asm volatile(
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "movq %%rsp, (%%rdi)\n\t"
      "movq %%rsi, %%rsp\n\t"
      "retq\n"
      "1:"
      : "+D"(save), "+S"(next)
      :
      : "rax", "rbx", "rcx", "rdx", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
        "r15", "memory", "cc");
}
}  // namespace x86

// Suspend `from` and run `to`; inline, so that the invocation's own frame is the one kept.
[[gnu::always_inline]] inline void X86Platform::switch_to(Domain& from, Domain& to) noexcept {
  activate(to.id);
  x86::switch_stack(&contexts[from.id].rsp, contexts[to.id].rsp);
}

}  // namespace eros
