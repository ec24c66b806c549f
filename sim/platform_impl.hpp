// The hosted platform: every domain is a Boost.Context fiber, addresses are host addresses
// checked against a simulated space, and a switch is one fiber jump.
#pragma once
#include <boost/context/detail/fcontext.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/domain.hpp"
#include "core/platform.hpp"
#include "sim/space.hpp"

// AddressSanitizer is on: GCC says so with __SANITIZE_ADDRESS__, clang (the libFuzzer
// build) only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define EROS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EROS_ASAN 1
#endif
#endif

namespace eros {

namespace sim {
using boost::context::detail::fcontext_t;
using boost::context::detail::transfer_t;

// Announces stack switches to AddressSanitizer; empty in other builds.
struct FiberStack {
  void* bottom = nullptr;
  std::size_t size = 0;
};
void sanitizer_start_switch(void** fake_stack, const FiberStack& to);
void sanitizer_finish_switch(void* fake_stack);
void sanitizer_unpoison(void* p, std::size_t n);
inline constexpr bool kAsan =
#if defined(EROS_ASAN)
    true;
#else
    false;
#endif
}  // namespace sim

class SimPlatform {
 public:
  // ---- the seam (core/platform.hpp) --------------------------------------------------
  void switch_to(Domain& from, Domain& to) noexcept {
    current_ = to.id;
    ++switches_;
    jump(fibers_[to.id], &fibers_[from.id].ctx);
  }
  void to_scheduler(Domain& from) noexcept {
    current_ = kNoDomain;
    jump(scheduler_, &fibers_[from.id].ctx);
  }
  bool readable(const Domain& d, const void* p, std::uint32_t n) const noexcept {
    return spaces_[d.space]->allows(p, n, sim::kRead);
  }
  bool writable(const Domain& d, void* p, std::uint32_t n) const noexcept {
    return spaces_[d.space]->allows(p, n, sim::kWrite);
  }
  void copy(const Domain& to, void* dst, const Domain&, const void* src, std::uint32_t n) noexcept {
    copy_string(dst, src, n, to.delivery);
  }
  // A host page mapped at `va` itself (never over an existing mapping), so the domain can
  // then use the address as it would on bare metal (sim/system.cpp).
  bool map_fresh(Domain& d, std::uint64_t va) noexcept;
  static std::uint64_t cycles() noexcept { return __builtin_ia32_rdtsc(); }
  [[noreturn]] static void panic(const char* why) noexcept;

  // ---- hosted machinery --------------------------------------------------------------
  struct Fiber {
    sim::fcontext_t ctx = nullptr;
    sim::FiberStack stack;
  };

  DomainId current() const { return current_; }
  // Times a domain was put on the CPU, from the scheduler or from another domain.
  std::uint64_t switches() const { return switches_; }
  // Run domain d from the scheduler's context; returns when the CPU comes back to it.
  void run_from_scheduler(DomainId d) noexcept {
    current_ = d;
    ++switches_;
    jump(fibers_[d], &scheduler_.ctx);
  }

  std::vector<Fiber> fibers_;                   // indexed by DomainId
  std::vector<void*> fresh_pages_;              // mapped by map_fresh, unmapped with the system
  std::vector<std::unique_ptr<sim::Space>> spaces_;   // indexed by SpaceId
  Fiber scheduler_;

 private:
  // Boost.Context reloads MXCSR on each jump; on some CPUs (Intel seen) loading a value
  // that differs from the current one costs about 15x per switch, and one inexact FP
  // operation in a domain makes its value differ. Where calibrate_fp_status() measures that
  // penalty, every switch clears MXCSR's sticky exception flags first, so all contexts
  // hold the same value. The flags are caller-saved in the SysV ABI; control bits stay.
 public:
  static inline bool clear_fp_status_on_switch = true;
  static void calibrate_fp_status();   // measures the penalty once per process
 private:
  static void clear_fp_status() noexcept {
    std::uint32_t mxcsr;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    if (mxcsr & 0x3f) [[unlikely]] {
      mxcsr &= ~0x3fu;
      asm volatile("ldmxcsr %0" : : "m"(mxcsr));
    }
  }

  // Jump to `to`; whoever jumps back to us stores our new context through `save`.
  void jump(Fiber& to, sim::fcontext_t* save) noexcept {
    if (clear_fp_status_on_switch) clear_fp_status();
    if constexpr (sim::kAsan) {
      void* fake = nullptr;
      sim::sanitizer_start_switch(&fake, to.stack);
      sim::transfer_t t = boost::context::detail::jump_fcontext(to.ctx, save);
      sim::sanitizer_finish_switch(fake);
      *static_cast<sim::fcontext_t*>(t.data) = t.fctx;
    } else {
      sim::transfer_t t = boost::context::detail::jump_fcontext(to.ctx, save);
      *static_cast<sim::fcontext_t*>(t.data) = t.fctx;
    }
  }

  DomainId current_ = kNoDomain;
  std::uint64_t switches_ = 0;   // next to current_: one line written per switch
};

using Platform = SimPlatform;

}  // namespace eros
