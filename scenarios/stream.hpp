// STREAM (John D. McCalpin, https://www.cs.virginia.edu/stream/): Copy, Scale, Add and
// Triad on three arrays of doubles, written once and compiled both into a ring-3
// benchmark domain (scenarios/vector.cpp: bench-stream, on bare metal with SSE) and into a
// Linux process (bench/stream/stream_linux.cpp: eros-stream), with the same flags (-O2,
// -fno-tree-loop-distribute-patterns: the copy stays a loop, not a memcpy call).
//
// McCalpin's definitions and byte counts:
//   Copy   c[i] = a[i]              16 bytes per element
//   Scale  b[i] = q * c[i]          16
//   Add    c[i] = a[i] + b[i]       24
//   Triad  a[i] = b[i] + q * c[i]   24
// Each kernel runs over the arrays in chunks of kChunk elements and calls `between()`
// after each chunk: in the ring-3 domain a Call on a number key (a null system call,
// ~350 instructions per 64 K elements, so that a domain computing for tens of ms is not
// taken for a runaway by the kernel's watchdog), in the Linux process getppid(), so both
// do the same (also while initialising and checking, untimed). The arrays are initialised as STREAM does (a = 1, b = 2, c = 0, then
// a = 2a) and checked after the runs as STREAM's checkSTREAMresults does.
#pragma once
#include <cstdint>

namespace eros::stream {

inline constexpr double kScalar = 3.0;
inline constexpr std::uint64_t kChunk = 65536;
inline constexpr std::uint64_t kBytesPerElement[4] = {16, 16, 24, 24};
inline constexpr const char* kNames[4] = {"copy", "scale", "add", "triad"};

template <class Between>
inline void init(double* a, double* b, double* c, std::uint64_t n, Between between) {
  for (std::uint64_t i = 0; i < n; ++i) {
    a[i] = 1.0;
    b[i] = 2.0;
    c[i] = 0.0;
    if ((i + 1) % kChunk == 0) between();
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    a[i] = 2.0 * a[i];
    if ((i + 1) % kChunk == 0) between();
  }
}

// Kernel k (0 copy, 1 scale, 2 add, 3 triad) over [0, n), in chunks.
template <class Between>
inline void run(int k, double* __restrict a, double* __restrict b, double* __restrict c,
                std::uint64_t n, Between between) {
  for (std::uint64_t from = 0; from < n; from += kChunk) {
    const std::uint64_t to = from + kChunk < n ? from + kChunk : n;
    switch (k) {
      case 0: for (std::uint64_t i = from; i < to; ++i) c[i] = a[i]; break;
      case 1: for (std::uint64_t i = from; i < to; ++i) b[i] = kScalar * c[i]; break;
      case 2: for (std::uint64_t i = from; i < to; ++i) c[i] = a[i] + b[i]; break;
      default: for (std::uint64_t i = from; i < to; ++i) a[i] = b[i] + kScalar * c[i]; break;
    }
    between();
  }
}

// After `times` passes of the four kernels: 0 when every array holds what STREAM expects
// (average absolute error relative to the expected value under 1e-13), else 1.
template <class Between>
inline int check(const double* a, const double* b, const double* c, std::uint64_t n,
                 std::uint64_t times, Between between) {
  double aj = 1.0, bj = 2.0, cj = 0.0;
  aj = 2.0 * aj;
  for (std::uint64_t k = 0; k < times; ++k) {
    cj = aj;
    bj = kScalar * cj;
    cj = aj + bj;
    aj = bj + kScalar * cj;
  }
  double ea = 0, eb = 0, ec = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    ea += __builtin_fabs(a[i] - aj);
    eb += __builtin_fabs(b[i] - bj);
    ec += __builtin_fabs(c[i] - cj);
    if ((i + 1) % kChunk == 0) between();
  }
  const double eps = 1e-13;
  return (ea / n / __builtin_fabs(aj) > eps || eb / n / __builtin_fabs(bj) > eps ||
          ec / n / __builtin_fabs(cj) > eps) ? 1 : 0;
}

}  // namespace eros::stream
