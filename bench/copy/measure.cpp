#include "bench/copy/measure.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <cstring>
#include <numeric>
#include <random>

#include "bench/method/method.hpp"

namespace eros::copybench {

namespace {
unsigned char* page_alloc(std::size_t bytes) {
  void* p = std::aligned_alloc(4096, (bytes + 4095) & ~std::size_t{4095});
  if (p == nullptr) std::abort();
  return static_cast<unsigned char*>(p);
}
std::size_t stride_for(std::size_t n) { return ((n + 64 + 4095) / 4096 + 1) * 4096; }
}  // namespace

Buffers::Buffers(std::size_t max_n) : max_n_(max_n) {
  std::size_t src_bytes = max_n + 5 * 4096;
  // kSlots slots of up to 16 KB + 2 pages, fewer of the larger sizes (max_slots).
  dst_bytes_ = std::max(kSlots * stride_for(16384), 2 * stride_for(max_n)) + 4096;
  src_base_ = page_alloc(src_bytes);
  dst_base_ = page_alloc(dst_bytes_);
  src_ = src_base_ + 4096;
  for (std::size_t i = 0; i < src_bytes; ++i) src_base_[i] = static_cast<unsigned char>(i * 131 + 7);
  std::memset(dst_base_, 0x5A, dst_bytes_);
}

Buffers::~Buffers() {
  std::free(src_base_);
  std::free(dst_base_);
}

std::size_t Buffers::max_slots(std::size_t n) const {
  return std::min<std::size_t>(kSlots, (dst_bytes_ - 4096) / stride_for(n));
}

unsigned char* Buffers::dst(std::size_t n, std::size_t cls, std::size_t slot) const {
  return dst_base_ + slot * stride_for(n) + ((offset(slot) + cls) & 4095);
}

namespace {
// cpu -> (idle, total) jiffies
std::map<int, std::pair<unsigned long long, unsigned long long>> cpu_times() {
  std::map<int, std::pair<unsigned long long, unsigned long long>> out;
  std::ifstream in("/proc/stat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu", 0) != 0 || line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[3])))
      continue;
    std::istringstream ss(line.substr(3));
    int cpu;
    unsigned long long v, total = 0, idle = 0;
    ss >> cpu;
    for (int i = 0; ss >> v; ++i) {
      total += v;
      if (i == 3 || i == 4) idle += v;  // idle, iowait
    }
    out[cpu] = {idle, total};
  }
  return out;
}
}  // namespace

int idlest_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  int last = 0;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &set)) last = i;
  auto a = cpu_times();
  ::usleep(200000);
  auto b = cpu_times();
  int best = last;
  double best_idle = -1;
  for (int i = 0; i < CPU_SETSIZE; ++i) {
    if (!CPU_ISSET(i, &set) || !a.count(i) || !b.count(i)) continue;
    double dt = double(b[i].second - a[i].second);
    double idle = dt > 0 ? double(b[i].first - a[i].first) / dt : 0;
    if (idle > best_idle + 0.05 || (idle >= best_idle - 0.05 && i == last)) {
      best_idle = idle;
      best = i;
    }
  }
  return best;
}

std::size_t batch_for(std::size_t n, bool cold) {
  if (cold) return std::clamp<std::size_t>(12000 / (40 + n / 4), 1, Buffers::kSlots);
  return std::clamp<std::size_t>(6000 / (12 + n / 16), 1, 512);
}

double overhead_ticks() {
  std::vector<double> samples;
  for (int r = 0; r < 2003; ++r) {
    double sum = 0;
    for (int k = 0; k < 16; ++k) {
      std::uint64_t a = bench::ticks_begin();
      std::uint64_t b = bench::ticks_end();
      sum += double(b - a);
    }
    if (r >= 3) samples.push_back(sum / 16);
  }
  return bench::summarize(samples).median;
}

std::vector<Timing> time_cell(const std::vector<copy::CopyFn>& fns, const Buffers& buf,
                              std::size_t n, std::size_t cls, bool cold, const Plan& plan,
                              double overhead) {
  const std::size_t nf = fns.size();
  const std::size_t batch = cold ? std::min(plan.batch, buf.max_slots(n)) : plan.batch;
  // Hot: as many slots as keep every destination in the first-level cache (16 KB).
  const std::size_t slots =
      cold ? batch : std::clamp<std::size_t>(16384 / (n + 64), 1, std::min(batch, buf.max_slots(n)));
  std::vector<std::vector<double>> samples(nf);
  for (auto& s : samples) s.reserve(plan.samples);
  unsigned char* src[Buffers::kSlots];
  unsigned char* dst[Buffers::kSlots];
  for (std::size_t i = 0; i < slots; ++i) {
    src[i] = buf.src(i);
    dst[i] = buf.dst(n, cls, i);
  }
  // A fresh random order every round: no variant always follows the same one (a
  // streaming-store variant leaves the destination uncached and its writes in flight).
  std::vector<std::size_t> order(nf);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(static_cast<unsigned>(n * 4099 + cls * 7 + (cold ? 1 : 0)));
  for (std::size_t r = 0; r < plan.samples + plan.warmup; ++r) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t j = 0; j < nf; ++j) {
      const std::size_t f = order[j];
      copy::CopyFn volatile vfn = fns[f];
      copy::CopyFn fn = vfn;
      if (fn == nullptr) continue;
      std::uint64_t a, b;
      if (cold) {
        for (std::size_t i = 0; i < batch; ++i) copy::flush_lines(dst[i], n);
        a = bench::ticks_begin();
        for (std::size_t i = 0; i < batch; ++i) fn(dst[i], src[i], n);
        b = bench::ticks_end();
      } else {
        for (std::size_t i = 0; i < slots; ++i) fn(dst[i], src[i], n);  // destinations hot
        copy::store_fence();  // and no store of the warm-up still in flight
        std::size_t k = 0;
        a = bench::ticks_begin();
        for (std::size_t i = 0; i < batch; ++i) {
          fn(dst[k], src[k], n);
          if (++k == slots) k = 0;
        }
        b = bench::ticks_end();
      }
      if (r >= plan.warmup) samples[f].push_back((double(b - a) - overhead) / double(batch));
    }
  }
  std::vector<Timing> out(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    if (samples[f].empty()) continue;
    auto s = bench::summarize(samples[f]);
    out[f].median_ticks = s.median;
    out[f].p5_ticks = s.p5;
    out[f].p95_ticks = s.p95;
    out[f].samples = s.n;
    out[f].batch = batch;
  }
  return out;
}

}  // namespace eros::copybench
