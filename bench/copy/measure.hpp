// Hosted measurement of block moves, shared by eros-calibrate and eros-copybench.
//
// A sample times a batch of `batch` copies of the same payload between ticks_begin() and
// ticks_end() (bench/method) and divides by the batch after subtracting the timer
// overhead; the reported time is the median over samples (warm-up samples discarded).
//  - the copies of a batch go to different destinations, each from its own place in
//    the (warm) source, all at the cell's (dst - src) mod 4096 but at different page
//    offsets: a copy's loads never wait on the previous copy's stores through a false
//    4 KB-alias dependency, which a single copy in an IPC would not meet either;
//  - hot destination: the destinations were all written just before (and the stores
//    drained), and are reused round robin when the batch is longer than the slots;
//  - cold destination: every line of every destination was flushed (clflush + mfence;
//    aarch64 dc civac + dsb) just before the sample.
// A batch is sized to span thousands of counter ticks: a single copy of a few hundred
// bytes is shorter than the serialising timer reads themselves (about 52 ticks here, in
// steps of 26 ticks on these KVM guests) and overlaps them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "copy/variants.hpp"

namespace eros::copybench {

// Page-aligned, warm source and a destination arena with room for kSlots destinations of
// up to 16 KB each at any distance class, fewer of larger payloads (max_slots).
class Buffers {
 public:
  static constexpr std::size_t kSlots = 64;
  explicit Buffers(std::size_t max_n = 65536);
  ~Buffers();
  Buffers(const Buffers&) = delete;
  Buffers& operator=(const Buffers&) = delete;
  // Source and destination of `slot` for payload n: (dst - src) mod 4096 == cls, the
  // source at page offset 832 * slot mod 4096 (64-byte aligned, distinct for 64 slots);
  // destinations of different slots do not share lines.
  unsigned char* src(std::size_t slot = 0) const { return src_ + offset(slot); }
  unsigned char* dst(std::size_t n, std::size_t cls, std::size_t slot = 0) const;
  std::size_t max_slots(std::size_t n) const;
  static std::size_t offset(std::size_t slot) { return (slot * 832) & 4095; }

 private:
  std::size_t max_n_, dst_bytes_;
  unsigned char* src_base_ = nullptr;
  unsigned char* dst_base_ = nullptr;
  unsigned char* src_ = nullptr;
};

struct Timing {
  double median_ticks = 0;  // per copy, timer overhead subtracted
  double p5_ticks = 0, p95_ticks = 0;
  std::size_t samples = 0, batch = 0;
};

struct Plan {
  std::size_t samples = 101;  // samples per variant (median taken over these)
  std::size_t batch = 1;      // copies per sample
  std::size_t warmup = 3;     // samples discarded per variant before recording
};

// The allowed CPU that was idlest over the last ~200 ms (/proc/stat), else the last
// allowed one: the machines are shared, and a benchmark pinned next to a busy process
// measures that process.
int idlest_cpu();

// Copies per sample for payload n (see above).
std::size_t batch_for(std::size_t n, bool cold);

// The timer overhead: median of many empty begin/end pairs, each the mean of 16 (the
// mean resolves below one counter step; the median discards interrupts).
double overhead_ticks();

// Times each function on one (n, cls) cell, interleaved sample by sample (in a fresh
// random order each round) so drift affects all alike. fns may contain nullptr entries
// (skipped).
std::vector<Timing> time_cell(const std::vector<copy::CopyFn>& fns, const Buffers& buf,
                              std::size_t n, std::size_t cls, bool cold, const Plan& plan,
                              double overhead);

}  // namespace eros::copybench
