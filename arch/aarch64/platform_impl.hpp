// The aarch64 platform, as the kernel core sees it: only the seam, so that
// tools/freestanding.sh can compile the core for aarch64. Inline here: the cycle counter
// (cntvct_el0) and the copy. There is no aarch64 bare-metal kernel yet: the out-of-line
// members (switch_to, to_scheduler, the probes, map_fresh, panic) are defined nowhere, and are the
// undefined symbols that check allows.
#pragma once
#include <cstdint>

#include "core/domain.hpp"
#include "core/platform.hpp"

namespace eros {

class Arm64Platform {
 public:
  void switch_to(Domain& from, Domain& to) noexcept;
  void to_scheduler(Domain& from) noexcept;
  bool readable(const Domain& d, const void* p, std::uint32_t n) const noexcept;
  bool writable(const Domain& d, void* p, std::uint32_t n) const noexcept;
  bool map_fresh(Domain& d, std::uint64_t va) noexcept;
  void copy(const Domain& to, void* dst, const Domain&, const void* src, std::uint32_t n) noexcept {
    copy_string(dst, src, n, to.delivery);
  }
  static std::uint64_t cycles() noexcept {
    std::uint64_t v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
  }
  [[noreturn]] static void panic(const char* why) noexcept;

  // For baremetal/frames.hpp: where all RAM is mapped (the kernel will choose), and a 4 KB
  // page cleared.
  static const std::uint64_t kDirectMap;
  static void zero_page(void* page) noexcept {
    auto* p = static_cast<std::uint64_t*>(page);
    for (int i = 0; i < 512; i += 2) asm volatile("stp xzr, xzr, [%0]" : : "r"(p + i) : "memory");
  }
};

using Platform = Arm64Platform;

}  // namespace eros
