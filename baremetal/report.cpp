// Benchmark reports from a data area (see report.hpp): the raw samples, no statistics.
#include "baremetal/report.hpp"

namespace eros::baremetal {
namespace {

bool same(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a == *b;
}

void samples(PutChar put, const char* series, std::uint64_t bytes, const std::uint64_t* s,
             std::uint64_t n) {
  print(put, "  samples {} bytes {} n {}:", series, bytes, n);
  for (std::uint64_t i = 0; i < n; ++i) print(put, " {}", s[i]);
  print(put, "\n");
}

void report_series(PutChar put, const char* name, const char* what, const std::uint64_t* w,
                   std::uint64_t words) {
  print(put, "bench {}: {}\n", name, what);
  // Every series checked before any is printed: a malformed area prints no samples at all.
  std::uint64_t at = 2;
  for (std::uint64_t k = 0; k < w[1] && at + 3 <= words; ++k) {
    const std::uint64_t n = w[at + 2];
    if (n == 0 || n > kMaxSeries || at + 3 + n > words) {
      print(put, "  series: malformed\n");
      return;
    }
    at += 3 + n;
  }
  at = 2;
  for (std::uint64_t k = 0; k < w[1] && at + 3 <= words; ++k) {
    char series[9] = {};
    for (int c = 0; c < 8; ++c) series[c] = static_cast<char>(w[at] >> (8 * c));
    samples(put, series, w[at + 1], w + at + 3, w[at + 2]);
    at += 3 + w[at + 2];
  }
}

}  // namespace

void report_bench(PutChar put, const char* name, const char* what, const std::uint64_t* w,
                  std::uint64_t words, std::uint64_t series_magic) {
  if (w == nullptr || words == 0) {
    print(put, "bench {}: no data\n", name);
    return;
  }
  if (w[0] == series_magic) {
    report_series(put, name, what, w, words);
    return;
  }
  const std::uint64_t n = w[0];
  if (n == 0 || n > kMaxPlain || 1 + 2 * n > words) {
    print(put, "bench {}: no samples\n", name);
    return;
  }
  // What one sample is: bench_stats.py words its figures by it.
  const char* kind = same(name, "bench-first-write") ? "first-write"
                     : same(name, "bench-number")    ? "system-call"
                                                     : "round-trip";
  print(put, "bench {}: {}\n", name, what);
  samples(put, kind, 0, w + 1, n);
  samples(put, "timer", 0, w + 1 + n, n);
}

}  // namespace eros::baremetal
