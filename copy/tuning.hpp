// The hybrid's calibration table: a plain struct, so a freestanding kernel can take it at
// build time (EROS_COPY_TUNING_FILE, see copy/common.cpp) or at boot
// (set_tuning), and the hosted platform from the file that eros-calibrate writes.
//
// How hybrid() chooses, for n bytes at distance c = (dst - src) mod 4096:
//   n <= 32 (kInlineMax)                      inline 16-byte moves (copy/copy.hpp)
//   n <= 512                                  overlapping SIMD moves, no loop
//   n >= nt_min                               non-temporal (streaming) stores
//   hw_min <= n < hw_max and c not avoided    the hardware move (rep movsb / MOPS cpy)
//   c in 1..255 (4 KB aliasing)               the unrolled copy, backwards up to
//                                             back_max, else loads a block ahead
//   otherwise                                 the SIMD copy unrolled per cache line
// The SIMD width is `simd`; `hw_avoid` is a bitmap over the 4096 distance classes
// (bit c set: the hardware move is slow at that distance on this CPU).
#pragma once
#include <cstddef>
#include <cstdint>

namespace eros::copy {

inline constexpr std::uint32_t kTuningVersion = 4;
inline constexpr std::uint32_t kNever = 0xFFFFFFFFu;

// Vector width of the unrolled copy. x86_64: 16 = SSE2, 32 = AVX2, 64 = AVX-512F;
// aarch64: 16 = NEON (ldp/stp q).
enum class Simd : std::uint8_t { w16 = 16, w32 = 32, w64 = 64 };

// Which instruction the hardware move is. x86_64: rep movsb / rep movsq;
// aarch64: the plain ldp/stp loop, or FEAT_MOPS cpyf*.
enum class Hw : std::uint8_t { movsb = 0, movsq = 1, ldpstp = 2, mops = 3 };

struct Tuning {
  std::uint32_t version = kTuningVersion;
  Simd simd = Simd::w16;
  Hw hw = Hw::movsb;
  std::uint8_t reserved[2] = {};
  std::uint32_t hw_min = kNever;  // smallest n that may use the hardware move
  std::uint32_t hw_max = kNever;  // n at and above which the hardware move is not used
  std::uint32_t nt_min = kNever;  // smallest n that uses non-temporal stores
  std::uint32_t back_max = 2048;  // the unrolled copy runs backwards up to this n when
                                  // (dst - src) mod 4096 is 1..255 (4 KB aliasing)
  std::uint64_t hw_avoid[64] = {};  // 4096 bits, one per (dst - src) mod 4096
};

// The table in force (initially the build-time default).
const Tuning& tuning() noexcept;

// Installs a table; returns false (and changes nothing) when it is malformed or asks for
// an instruction set this CPU lacks. Not thread-safe against concurrent copies: call it
// at start-up or boot, before the first IPC.
bool set_tuning(const Tuning& t) noexcept;

// The build-time default: what this build uses until set_tuning() is called.
const Tuning& default_tuning() noexcept;

// The widest SIMD width and the hardware moves this CPU supports (CPUID / ID registers).
struct Features {
  Simd max_simd = Simd::w16;
  bool erms = false, fsrm = false;       // x86_64
  bool avx2 = false, avx512f = false;    // x86_64
  bool avx512vl = false;                  // x86_64 (the 64-byte hybrid needs it)
  bool mops = false;                      // aarch64 FEAT_MOPS
};
Features cpu_features() noexcept;

inline bool hw_avoided(const Tuning& t, std::size_t cls) noexcept {
  cls &= 4095;
  return (t.hw_avoid[cls >> 6] >> (cls & 63)) & 1u;
}
inline void set_hw_avoided(Tuning& t, std::size_t cls, bool avoid) noexcept {
  cls &= 4095;
  std::uint64_t bit = std::uint64_t{1} << (cls & 63);
  t.hw_avoid[cls >> 6] = avoid ? (t.hw_avoid[cls >> 6] | bit) : (t.hw_avoid[cls >> 6] & ~bit);
}

}  // namespace eros::copy
