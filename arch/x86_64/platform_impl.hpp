// The bare-metal x86_64 platform, as the kernel core sees it.
//
// Inline here: the cycle counter and the copy within one space. Out of line, in the
// bare-metal kernel (arch/x86_64/platform.cpp): the switch (per-domain kernel stacks, CR3),
// the copy across spaces, and the probes, which walk the domain's own 4-level page tables
// through the direct map (present, user, writable bits).
#pragma once
#include <cstdint>

#include "core/domain.hpp"
#include "core/platform.hpp"

namespace eros {

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
};

using Platform = X86Platform;

}  // namespace eros
