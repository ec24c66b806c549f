// A benchmark's named series in its data area (the layout is in scenarios.hpp, at
// kSeriesMagic): the kernel prints each series' raw samples, tools/bench_stats.py derives
// their statistics.
#pragma once
#include <cstddef>
#include <cstdint>

#include "eros/user.hpp"
#include "scenarios/scenarios.hpp"

namespace eros::scenarios {

inline std::uint64_t bench_ticks() { return user::ticks(); }   // the platform's clock

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
