// Measurement method shared by every benchmark: cycle counter, statistics, pinning, environment.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eros::bench {

// Cycle counter reads, serialised so the measured code cannot drift across them:
// lfence;rdtsc before, rdtscp;lfence after (cntvct_el0 with isb on aarch64).
std::uint64_t ticks_begin() noexcept;
std::uint64_t ticks_end() noexcept;

// The cost of an empty begin/end pair, median over many reads; subtracted from samples.
std::uint64_t timer_overhead_ticks();

// TSC frequency in GHz: the CPU's stated rate when it is exact (CPUID 0x15, CNTFRQ_EL0) or
// within 0.5 % of a calibration against CLOCK_MONOTONIC_RAW (CPUID 0x16, the hypervisor's
// leaf), else that calibration. Cached after the first call. `source` names which.
double tsc_ghz();
std::string tsc_source();

struct Stats {
  std::size_t n = 0;
  double mean = 0, median = 0, p5 = 0, p95 = 0, stddev = 0, min = 0, max = 0;
};
Stats summarize(std::vector<double> samples);

// Pin the calling thread to one CPU; false (with errno set) when not allowed.
bool pin_to_cpu(int cpu);

// A JSON object describing where a result was measured: CPU model, vendor, flags of
// interest (erms, fsrm, avx2, avx512f, ...), caches, kernel, virtualisation, compiler
// and flags, git commit, date, TSC frequency and its source, timer overhead.
std::string environment_json();

// ---- Additions (everything above is the original interface) ----

// Ticks to nanoseconds at tsc_ghz().
double ticks_to_ns(double ticks);

// Timer overhead measured afresh (not cached): median of `pairs` empty begin/end pairs
// after a warm-up. timer_overhead_ticks() caches the result of one call of this.
std::uint64_t measure_timer_overhead(std::size_t pairs = 20001);

// The commit this binary was built from (meson vcs_tag at build time; at run time
// `git rev-parse HEAD` in the source tree when the build had none), or "unknown".
std::string git_commit();

// JSON helpers for result files.
std::string json_escape(std::string_view s);      // without the surrounding quotes
std::string stats_json(const Stats& s);           // {"n":..,"mean":..,...}

}  // namespace eros::bench
