// The block-move family; the IPC path uses hybrid(), streaming() for a receiver that asked
// for it, and move() where the ranges overlap (core/platform.hpp: copy_string).
//
// Freestanding C++20: no exceptions, RTTI, heap or C library. The small-payload path of
// hybrid() is inline here (branch-light, 16-byte vector moves that both x86_64 and
// aarch64 have in their base ISA); everything larger goes to the calibrated large path
// of this CPU (copy/<arch>.cpp), whose thresholds come from copy/tuning.hpp.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eros::copy {

// Copies n bytes; the ranges must not overlap.
inline void hybrid(void* dst, const void* src, std::size_t n) noexcept;

// Copies n bytes as if the source were read first (the ranges may overlap).
void move(void* dst, const void* src, std::size_t n) noexcept;

// Copies n bytes with streaming stores at the table's SIMD width (whole destination lines
// written without being read into the cache; small copies and partial lines are ordinary
// stores), then, when streaming stores were used, a store fence. For a destination nobody
// reads soon; the ranges must not overlap.
inline void streaming(void* dst, const void* src, std::size_t n) noexcept;

namespace detail {

// Unaligned, aliasing-safe access types. GCC/clang vector extensions: movdqu on x86_64,
// ldr/str q on aarch64, at every optimisation level (never a call to memcpy).
typedef unsigned char v16 __attribute__((vector_size(16), aligned(1), may_alias));
typedef std::uint64_t u64u __attribute__((aligned(1), may_alias));
typedef std::uint32_t u32u __attribute__((aligned(1), may_alias));
typedef std::uint16_t u16u __attribute__((aligned(1), may_alias));

// Payloads up to this size never leave the inline path.
inline constexpr std::size_t kInlineMax = 32;

// Copies n <= 64 bytes. Every load happens before any store, so the copy is also correct
// for overlapping ranges (move() relies on that).
[[gnu::always_inline]] inline void small_copy(unsigned char* d, const unsigned char* s,
                                              std::size_t n) noexcept {
  if (n >= 16) {
    if (n > 32) {
      v16 a = *reinterpret_cast<const v16*>(s);
      v16 b = *reinterpret_cast<const v16*>(s + 16);
      v16 c = *reinterpret_cast<const v16*>(s + n - 32);
      v16 e = *reinterpret_cast<const v16*>(s + n - 16);
      *reinterpret_cast<v16*>(d) = a;
      *reinterpret_cast<v16*>(d + 16) = b;
      *reinterpret_cast<v16*>(d + n - 32) = c;
      *reinterpret_cast<v16*>(d + n - 16) = e;
      return;
    }
    v16 a = *reinterpret_cast<const v16*>(s);
    v16 b = *reinterpret_cast<const v16*>(s + n - 16);
    *reinterpret_cast<v16*>(d) = a;
    *reinterpret_cast<v16*>(d + n - 16) = b;
    return;
  }
  if (n >= 8) {
    std::uint64_t a = *reinterpret_cast<const u64u*>(s);
    std::uint64_t b = *reinterpret_cast<const u64u*>(s + n - 8);
    *reinterpret_cast<u64u*>(d) = a;
    *reinterpret_cast<u64u*>(d + n - 8) = b;
    return;
  }
  if (n >= 4) {
    std::uint32_t a = *reinterpret_cast<const u32u*>(s);
    std::uint32_t b = *reinterpret_cast<const u32u*>(s + n - 4);
    *reinterpret_cast<u32u*>(d) = a;
    *reinterpret_cast<u32u*>(d + n - 4) = b;
    return;
  }
  if (n >= 2) {
    std::uint16_t a = *reinterpret_cast<const u16u*>(s);
    std::uint16_t b = *reinterpret_cast<const u16u*>(s + n - 2);
    *reinterpret_cast<u16u*>(d) = a;
    *reinterpret_cast<u16u*>(d + n - 2) = b;
    return;
  }
  if (n == 1) *d = *s;
}

// The calibrated hybrid for this CPU, compiled for its SIMD width (any n; hybrid() calls
// it above kInlineMax); chosen by set_tuning().
using CopyFn = void (*)(void*, const void*, std::size_t) noexcept;
extern CopyFn large_path;
extern CopyFn stream_path;   // streaming stores at the table's width (set_tuning)

// Payloads up to kInlineMax in place; larger ones by `large`.
[[gnu::always_inline]] inline void small_or(void* dst, const void* src, std::size_t n,
                                            CopyFn large) noexcept {
  if (n <= kInlineMax) {
    small_copy(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(src), n);
    return;
  }
  large(dst, src, n);
}

}  // namespace detail

inline void hybrid(void* dst, const void* src, std::size_t n) noexcept {
  detail::small_or(dst, src, n, detail::large_path);
}

inline void streaming(void* dst, const void* src, std::size_t n) noexcept {
  detail::small_or(dst, src, n, detail::stream_path);
}

}  // namespace eros::copy
