// A benchmark's named series in its data area (the layout is in scenarios.hpp, at
// kSeriesMagic): the bare-metal kernel prints each series' median, p95 and minimum.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scenarios/scenarios.hpp"

namespace eros::scenarios {

inline std::uint64_t bench_ticks() {
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#elif defined(__aarch64__) && defined(EROS_BAREMETAL)
  std::uint64_t v;   // the cycle counter (arch/aarch64/pmu.hpp opens it to EL0): under QEMU's
  asm volatile("mrs %0, pmccntr_el0" : "=r"(v));   // icount one per instruction, as x86's TSC
  return v;
#elif defined(__aarch64__)
  std::uint64_t v;
  asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
  return v;
#else
  return 0;
#endif
}

class SeriesOut {
 public:
  explicit SeriesOut(std::byte* data) : w_(reinterpret_cast<std::uint64_t*>(data)), next_(w_ + 2) {
    w_[0] = 0;   // not readable until done()
    w_[1] = 0;
  }
  // Where the samples of a new series go; end(n) closes it.
  std::uint64_t* begin(const char* name, std::uint64_t bytes) {
    std::uint64_t tag = 0;
    for (int i = 0; i < 8 && name[i] != 0; ++i)
      tag |= std::uint64_t{static_cast<std::uint8_t>(name[i])} << (8 * i);
    next_[0] = tag;
    next_[1] = bytes;
    next_[2] = 0;
    return next_ + 3;
  }
  void end(std::uint64_t n) {
    next_[2] = n;
    next_ += 3 + n;
    ++w_[1];
  }
  // n empty timer pairs: the measurement's own cost.
  void timer(std::uint64_t n) {
    std::uint64_t* out = begin("timer", 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t t0 = bench_ticks();
      asm volatile("" ::: "memory");
      out[i] = bench_ticks() - t0;
    }
    end(n);
  }
  void done() { w_[0] = kSeriesMagic; }

 private:
  std::uint64_t* w_;
  std::uint64_t* next_;
};

}  // namespace eros::scenarios
