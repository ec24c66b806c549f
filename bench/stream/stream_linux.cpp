// STREAM as a Linux process: the same kernels as the ring-3 domain bench-stream
// (scenarios/stream.hpp), the same flags (-O2, -fno-tree-loop-distribute-patterns), timed
// with the TSC. tools/repro.py (experiment baremetal) runs it beside the bare-metal figures.
//
//   eros-stream [--n ELEMENTS] [--times N] [--cpu C]
//
// Prints one JSON object: per kernel the bytes per pass (McCalpin's counts), the best,
// median and worst time over passes 2..N (the first is discarded, as STREAM does) and the
// rate from the best time ("Best Rate MB/s", 1 MB = 10^6 B) and from the median.
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/flags/usage.h"
#include "bench/method/cli.hpp"
#include "bench/method/method.hpp"
#include "scenarios/stream.hpp"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("eros-stream [--n ELEMENTS] [--times N (>= 2)] [--cpu C]");
  std::uint64_t n = 512 * 1024, times = 10;
  int cpu = -1;
  for (int i = 1; i < argc; ++i) {
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (std::strcmp(argv[i], "--n") == 0) n = eros::cli::parse_number("eros-stream", "--n", value, 1, 1ull << 32);
    else if (std::strcmp(argv[i], "--times") == 0) times = eros::cli::parse_number("eros-stream", "--times", value, 2, 1'000'000);
    else if (std::strcmp(argv[i], "--cpu") == 0) cpu = static_cast<int>(eros::cli::parse_number("eros-stream", "--cpu", value, 0, 4095));
    else eros::cli::usage_error("eros-stream", std::string("unexpected argument '") + argv[i] + "'");
    ++i;
  }
  if (cpu >= 0) eros::bench::pin_to_cpu(cpu);
  // One block, a, b and c one after another, as in the domain's data area.
  auto* block = static_cast<double*>(std::aligned_alloc(4096, ((3 * n * 8 + 4095) / 4096) * 4096));
  if (block == nullptr) return 3;
  double *a = block, *b = a + n, *c = b + n;
  const auto between = [] { syscall(SYS_getppid); };
  eros::stream::init(a, b, c, n, between);
  std::vector<std::uint64_t> t[4];
  for (std::uint64_t pass = 0; pass < times; ++pass) {
    for (int k = 0; k < 4; ++k) {
      const std::uint64_t t0 = eros::bench::ticks_begin();
      eros::stream::run(k, a, b, c, n, between);
      const std::uint64_t t1 = eros::bench::ticks_end();
      if (pass > 0) t[k].push_back(t1 - t0);
    }
  }
  const int errors = eros::stream::check(a, b, c, n, times, between);
  const double hz = eros::bench::tsc_ghz() * 1e9;
  std::printf("{\"n\": %llu, \"times\": %llu, \"array_bytes\": %llu, \"tsc_hz\": %.0f, "
              "\"tsc_source\": \"%s\", \"errors\": %d, \"kernels\": {",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(times),
              static_cast<unsigned long long>(n * 8), hz,
              eros::bench::json_escape(eros::bench::tsc_source()).c_str(), errors);
  for (int k = 0; k < 4; ++k) {
    std::sort(t[k].begin(), t[k].end());
    const double bytes = static_cast<double>(eros::stream::kBytesPerElement[k] * n);
    const double best = t[k].front() / hz, median = t[k][t[k].size() / 2] / hz,
                 worst = t[k].back() / hz;
    std::printf("%s\"%s\": {\"bytes\": %.0f, \"min_s\": %.9f, \"median_s\": %.9f, \"max_s\": %.9f, "
                "\"best_mb_s\": %.1f, \"median_mb_s\": %.1f, \"min_ticks\": %llu}",
                k ? ", " : "", eros::stream::kNames[k], bytes, best, median, worst,
                bytes / best / 1e6, bytes / median / 1e6,
                static_cast<unsigned long long>(t[k].front()));
  }
  std::printf("}}\n");
  std::free(block);
  return errors;
}
