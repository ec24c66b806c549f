// The bare-metal x86_64 platform, as the kernel core sees it.
//
// Inline here: the cycle counter and the copy. Out of line, in the bare-metal kernel:
// the switch (per-domain kernel stacks, CR3/PCID) and the probes, which walk the domain's
// own 4-level page tables through the direct map (present, user, writable bits).
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
  void copy(const Domain&, void* dst, const Domain&, const void* src, std::uint32_t n) noexcept {
    copy_string(dst, src, n);
  }
  static std::uint64_t cycles() noexcept {
    std::uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (std::uint64_t{hi} << 32) | lo;
  }
  [[noreturn]] static void panic(const char* why) noexcept;
};

using Platform = X86Platform;

}  // namespace eros
