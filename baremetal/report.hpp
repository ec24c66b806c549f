// A benchmark domain's data area printed as raw sample lines (tools/bench_stats.py derives
// every statistic from them): machine-independent, freestanding, also built hosted.
#pragma once
#include <cstdint>

#include "baremetal/print.hpp"

namespace eros::baremetal {

// The lines of benchmark `name` (`what` describes it) from its data area w[0, words):
//
//   bench NAME: WHAT
//     samples SERIES bytes B n N: s1 s2 ... sN        one line per series, in order
//
// A round-trip pair (w[0] = n <= kMaxPlain, then n timed samples and n timer pairs) is two
// series: its kind (`round-trip`; `system-call` for bench-number, one kernel entry and exit;
// `first-write` for bench-first-write, one fault) and `timer`, both with bytes 0. Named
// series (scenarios/series.hpp: w[0] = kSeriesMagic, each n <= kMaxSeries) are printed as
// they are. Instead of samples: `bench NAME: no data` (`w` null or empty), `bench NAME: no
// samples` (a bad round-trip count), or the header and `  series: malformed`. The bounds
// only reject a garbage area. `series_magic` is the scenarios' marker, passed in so that
// this layer needs nothing of scenarios/.
inline constexpr std::uint64_t kMaxPlain = 2000;
inline constexpr std::uint64_t kMaxSeries = 4096;
void report_bench(PutChar put, const char* name, const char* what, const std::uint64_t* w,
                  std::uint64_t words, std::uint64_t series_magic);

}  // namespace eros::baremetal
