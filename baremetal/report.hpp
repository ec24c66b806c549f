// A benchmark domain's data area printed as the report lines tools/repro.py and the boot
// tests read: machine-independent, freestanding.
#pragma once
#include <cstdint>

#include "baremetal/print.hpp"

namespace eros::baremetal {

struct Stats {
  std::uint64_t min, median, p95;
};
// Sorts a copy of n samples (n <= kMaxSamples) into `scratch`: the minimum, the median
// (the upper middle one) and the 95th percentile.
inline constexpr std::uint64_t kMaxSamples = 4096;
Stats stats(const std::uint64_t* samples, std::uint64_t n, std::uint64_t (&scratch)[kMaxSamples]);

// The lines of benchmark `name` (`what` describes it) from its data area w[0, words): a
// round-trip pair (w[0] = n, then n timed samples and n timer pairs) or named series
// (scenarios/series.hpp: w[0] = kSeriesMagic). `w` null: no data. `series_magic` is the
// scenarios' marker, passed in so that this layer needs nothing of scenarios/.
void report_bench(PutChar put, const char* name, const char* what, const std::uint64_t* w,
                  std::uint64_t words, std::uint64_t series_magic);

}  // namespace eros::baremetal
