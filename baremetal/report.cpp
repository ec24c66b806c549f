// Benchmark reports from a data area (see report.hpp).
#include "baremetal/report.hpp"

namespace eros::baremetal {
namespace {

std::uint64_t scratch[kMaxSamples];

void sort(std::uint64_t* a, std::uint64_t n) {   // shell sort: no library
  for (std::uint64_t gap = n / 2; gap > 0; gap /= 2)
    for (std::uint64_t i = gap; i < n; ++i)
      for (std::uint64_t j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
        const std::uint64_t t = a[j];
        a[j] = a[j - gap];
        a[j - gap] = t;
      }
}

// "  series NAME bytes B median M p95 P min m ticks, timer pair T, net N (n samples)",
// the timer pair's series first found, then every series printed in order.
void report_series(PutChar put, const char* name, const char* what, const std::uint64_t* w,
                   std::uint64_t words) {
  print(put, "bench {}: {}\n", name, what);
  std::uint64_t timer = 0;
  for (int round = 0; round < 2; ++round) {
    std::uint64_t at = 2;
    for (std::uint64_t k = 0; k < w[1] && at + 3 <= words; ++k) {
      const std::uint64_t n = w[at + 2];
      if (n == 0 || n > kMaxSamples || at + 3 + n > words) {
        print(put, "  series: malformed\n");
        return;
      }
      char series[9] = {};
      for (int c = 0; c < 8; ++c) series[c] = static_cast<char>(w[at] >> (8 * c));
      const Stats st = stats(w + at + 3, n, scratch);
      const bool is_timer = series[0] == 't' && series[1] == 'i' && series[5] == 0;   // "timer"
      if (round == 0 && is_timer) timer = st.median;
      if (round == 1)
        print(put, "  series {} bytes {} median {} p95 {} min {} ticks, timer pair {}, net {} ({} samples)\n",
              static_cast<const char*>(series), w[at + 1], st.median, st.p95, st.min, timer,
              st.median > timer ? st.median - timer : 0, n);
      at += 3 + n;
    }
  }
}

}  // namespace

Stats stats(const std::uint64_t* samples, std::uint64_t n, std::uint64_t (&out)[kMaxSamples]) {
  for (std::uint64_t i = 0; i < n; ++i) out[i] = samples[i];
  sort(out, n);
  return Stats{out[0], out[n / 2], out[(n * 95) / 100]};
}

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
  if (n == 0 || n > 2000 || 1 + 2 * n > words) {
    print(put, "bench {}: no samples\n", name);
    return;
  }
  const Stats rt = stats(w + 1, n, scratch);
  const Stats timer = stats(w + 1 + n, n, scratch);
  const std::uint64_t net = rt.median - timer.median;
  // bench-first-write times one fault; bench-number a system call; the others a round trip.
  const bool first_write = name[0] == 'b' && name[6] == 'f';
  const bool number = name[0] == 'b' && name[6] == 'n';
  print(put, "bench {}: {}\n  {} median {} p95 {} min {} ticks, timer pair {}", name, what,
        first_write ? "first write" : "round trip", rt.median, rt.p95, rt.min, timer.median);
  print(put, first_write ? ", net {}" : ", round trip net {}", net);
  if (number) {
    print(put, ", system call (net) {}", net);
  } else if (!first_write) {
    print(put, ", one-way (net/2) {}", net / 2);
  }
  print(put, " ({} samples after warm-up; trace off)\n", n);
}

}  // namespace eros::baremetal
