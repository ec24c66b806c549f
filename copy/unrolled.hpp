// Internal to copy/: the unrolled copies as templates over the access width W (a GCC
// vector type of 16, 32 or 64 bytes, or a 64-bit scalar). Each architecture part
// instantiates them inside functions compiled for the matching instruction set
// (__attribute__((target(...))) on x86_64), so one source serves every width.
#pragma once
#include <cstddef>
#include <cstdint>

#include "copy/internal.hpp"

// Vector types wider than the base ISA pass between always_inline helpers that are only
// ever expanded inside functions compiled for the matching ISA.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace eros::copy::detail {

using u8 = unsigned char;

// Register and memory types per access width W. The unaligned memory types are named
// here, never passed as template arguments (GCC drops their attributes there).
template <std::size_t W>
struct Vec;
template <>
struct Vec<8> {  // a 64-bit scalar, kept in general registers (no SLP vectorisation)
  using T = std::uint64_t;
  EROS_COPY_AI static T load(const u8* p) noexcept {
    T x = *reinterpret_cast<const u64u*>(p);
    asm("" : "+r"(x));
    return x;
  }
  EROS_COPY_AI static void store(u8* p, T v) noexcept { *reinterpret_cast<u64u*>(p) = v; }
};
template <>
struct Vec<16> {
  typedef u8 T __attribute__((vector_size(16)));
  typedef u8 U __attribute__((vector_size(16), aligned(1), may_alias));
  EROS_COPY_AI static T load(const u8* p) noexcept { return *reinterpret_cast<const U*>(p); }
  EROS_COPY_AI static void store(u8* p, T v) noexcept { *reinterpret_cast<U*>(p) = v; }
};
template <>
struct Vec<32> {
  typedef u8 T __attribute__((vector_size(32)));
  typedef u8 U __attribute__((vector_size(32), aligned(1), may_alias));
  EROS_COPY_AI static T load(const u8* p) noexcept { return *reinterpret_cast<const U*>(p); }
  EROS_COPY_AI static void store(u8* p, T v) noexcept { *reinterpret_cast<U*>(p) = v; }
};
template <>
struct Vec<64> {
  typedef u8 T __attribute__((vector_size(64)));
  typedef u8 U __attribute__((vector_size(64), aligned(1), may_alias));
  EROS_COPY_AI static T load(const u8* p) noexcept { return *reinterpret_cast<const U*>(p); }
  EROS_COPY_AI static void store(u8* p, T v) noexcept { *reinterpret_cast<U*>(p) = v; }
};

// Copies B bytes (B a multiple of W, at most 8 registers' worth at a time):
// loads first, then stores.
template <std::size_t W, std::size_t B>
EROS_COPY_AI void block(u8* d, const u8* s) noexcept {
  using X = Vec<W>;
  constexpr std::size_t R = B / W;
  static_assert(R >= 1 && R * W == B);
  if constexpr (R > 8) {
    block<W, B / 2>(d, s);
    block<W, B / 2>(d + B / 2, s + B / 2);
  } else if constexpr (R == 1) {
    X::store(d, X::load(s));
  } else {
    typename X::T r[R];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) r[i] = X::load(s + i * W);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) X::store(d + i * W, r[i]);
  }
}

// Copies B bytes from the head and B bytes ending at the tail (B <= n <= 2B), all loads
// before all stores: a store can then never delay a later load of the same copy through
// a false (4 KB alias) dependency. Wide enough registers: one pass; else head then tail.
template <std::size_t W, std::size_t B>
EROS_COPY_AI void head_tail(u8* d, const u8* s, std::size_t n) noexcept {
  using X = Vec<W>;
  constexpr std::size_t R = B / W;
  static_assert(R >= 1 && R * W == B);
  if constexpr (W >= 16 && 2 * R <= 16) {
    typename X::T h[R], t[R];
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) h[i] = X::load(s + i * W);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) t[i] = X::load(s + n - B + i * W);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) X::store(d + i * W, h[i]);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) X::store(d + n - B + i * W, t[i]);
  } else {
    block<W, B>(d, s);
    block<W, B>(d + n - B, s + n - B);
  }
}

// n <= 512, smallest sizes tested first: the cascade glibc's memcpy also uses.
template <std::size_t W>
EROS_COPY_AI void upto512(u8* d, const u8* s, std::size_t n) noexcept {
  if (n <= 32) {
    small_copy(d, s, n);
  } else if (n <= 64) {
    if constexpr (W >= 32)
      head_tail<32, 32>(d, s, n);
    else
      small_copy(d, s, n);
  } else if (n <= 128) {
    head_tail<W, 64>(d, s, n);
  } else if (n <= 256) {
    head_tail<W, 128>(d, s, n);
  } else {
    head_tail<W, 256>(d, s, n);
  }
}

// n > 256: the unaligned first line, then whole destination-aligned lines, four per
// iteration, then the last 256 bytes ending exactly at the end (overlapping). With
// 64-byte registers the last 256 bytes are loaded before the loop (as glibc does): loaded
// after it, they would sit at the page offsets the loop has just stored to when
// (dst - src) mod 4096 is small, and wait on those stores (4 KB aliasing).
template <std::size_t W>
EROS_COPY_AI void lines(u8* d, const u8* s, std::size_t n) noexcept {
  using X = Vec<W>;
  if constexpr (W == 64) {
    typename X::T h = X::load(s);
    typename X::T t0 = X::load(s + n - 256), t1 = X::load(s + n - 192),
                  t2 = X::load(s + n - 128), t3 = X::load(s + n - 64);
    u8* end = d + n;
    X::store(d, h);
    std::size_t skew = 64 - (reinterpret_cast<std::uintptr_t>(d) & 63);  // 1..64
    d += skew;
    s += skew;
    n -= skew;
    while (n > 256) {
      block<W, 256>(d, s);
      d += 256;
      s += 256;
      n -= 256;
    }
    X::store(end - 256, t0);
    X::store(end - 192, t1);
    X::store(end - 128, t2);
    X::store(end - 64, t3);
  } else {
    block<W, 64>(d, s);
    std::size_t skew = 64 - (reinterpret_cast<std::uintptr_t>(d) & 63);  // 1..64
    d += skew;
    s += skew;
    n -= skew;
    while (n > 256) {
      block<W, 256>(d, s);
      d += 256;
      s += 256;
      n -= 256;
    }
    block<W, 256>(d + n - 256, s + n - 256);
  }
}

// n > 512, copied from the end backwards (what glibc's memmove does at these
// distances): when the destination lies a little after the source modulo 4096
// ((dst - src) mod 4096 in 1..255), the loads of a forward copy sit at the page offsets of
// the stores just made and may wait on them (4 KB aliasing); backwards, every load is
// below the stores before it. With 32-byte registers or wider, the first 256 bytes and the
// last line are loaded before the loop and stored after it (narrower: the last line is
// copied before the loop, the first 256 bytes after it); the loop's stores are whole
// aligned lines.
template <std::size_t W>
EROS_COPY_AI void lines_backward(u8* d, const u8* s, std::size_t n) noexcept {
  using X = Vec<W>;
  using T = typename X::T;
  if constexpr (W >= 32) {
    constexpr std::size_t R = 256 / W;
    T h[R], t[64 / W];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) h[i] = X::load(s + i * W);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 64 / W; ++i) t[i] = X::load(s + n - 64 + i * W);
    std::size_t i = ((reinterpret_cast<std::uintptr_t>(d) + n) & ~std::uintptr_t{63}) -
                    reinterpret_cast<std::uintptr_t>(d);  // > n - 64 > 256
    while (i > 256) {
      i -= 256;
      block<W, 256>(d + i, s + i);
    }
#pragma GCC unroll 8
    for (std::size_t k = 0; k < 64 / W; ++k) X::store(d + n - 64 + k * W, t[k]);
#pragma GCC unroll 8
    for (std::size_t k = 0; k < R; ++k) X::store(d + k * W, h[k]);
  } else {
    block<W, 64>(d + n - 64, s + n - 64);
    std::size_t i = ((reinterpret_cast<std::uintptr_t>(d) + n) & ~std::uintptr_t{63}) -
                    reinterpret_cast<std::uintptr_t>(d);
    while (i > 256) {
      i -= 256;
      block<W, 256>(d + i, s + i);
    }
    block<W, 256>(d, s);
  }
}

// n > 512, forwards with the loads one block ahead of the stores: each 256-byte block
// is loaded before the previous one is stored, so for (dst - src) mod 4096 in 1..255 its
// loads never sit at the page offsets of stores still in flight (no 4 KB aliasing), while
// the destination is still written in ascending order, which a cold destination wants
// (backwards costs 5 to 15 % there). At 64 bytes it holds 13 of AVX-512's 32 vector
// registers; at 32 it would need 26, more than AVX2 has: AVX-512 only; narrower widths
// fall back to the plain forward loop.
template <std::size_t W>
EROS_COPY_AI void lines_ahead(u8* d, const u8* s, std::size_t n) noexcept {
  if constexpr (W < 64) {
    lines<W>(d, s, n);
  } else {
    using X = Vec<W>;
    using T = typename X::T;
    constexpr std::size_t R = 256 / W;  // registers per 256-byte block
    T h[64 / W], t[R], c[R], x[R];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 64 / W; ++i) h[i] = X::load(s + i * W);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) t[i] = X::load(s + n - 256 + i * W);
    u8* end = d + n;
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 64 / W; ++i) X::store(d + i * W, h[i]);
    std::size_t skew = 64 - (reinterpret_cast<std::uintptr_t>(d) & 63);  // 1..64
    d += skew;
    s += skew;
    n -= skew;  // > 448
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) c[i] = X::load(s + i * W);
    // Two blocks per iteration, so that the registers alternate instead of moving.
    while (n > 768) {
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) x[i] = X::load(s + 256 + i * W);
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) X::store(d + i * W, c[i]);
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) c[i] = X::load(s + 512 + i * W);
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) X::store(d + 256 + i * W, x[i]);
      d += 512;
      s += 512;
      n -= 512;
    }
    if (n > 512) {
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) x[i] = X::load(s + 256 + i * W);
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) X::store(d + i * W, c[i]);
#pragma GCC unroll 8
      for (std::size_t i = 0; i < R; ++i) c[i] = x[i];
      d += 256;
      s += 256;
      n -= 256;
    }
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) X::store(d + i * W, c[i]);  // n in (256, 512]
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i) X::store(end - 256 + i * W, t[i]);
  }
}

// The short distances, 1..255 (see lines_backward and lines_ahead).
EROS_COPY_AI bool alias_backward(const u8* d, const u8* s) noexcept {
  std::size_t c = (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s)) & 4095;
  return c - 1 < 255;  // 1..255
}

// The unrolled copy with a fixed direction above 512 bytes.
template <std::size_t W, bool Backward>
EROS_COPY_AI void directed(u8* d, const u8* s, std::size_t n) noexcept {
  if (n <= 512)
    upto512<W>(d, s, n);
  else if constexpr (Backward)
    lines_backward<W>(d, s, n);
  else if (alias_backward(d, s))
    lines_ahead<W>(d, s, n);
  else
    lines<W>(d, s, n);
}

// The hand-unrolled copy, any n.
template <std::size_t W>
EROS_COPY_AI void unrolled(u8* d, const u8* s, std::size_t n) noexcept {
  if (n <= 512)
    upto512<W>(d, s, n);
  else if (!alias_backward(d, s))
    lines<W>(d, s, n);
  else if (n <= g_tuning.back_max)
    lines_backward<W>(d, s, n);
  else
    lines_ahead<W>(d, s, n);
}

// The paper's write-allocate simulation: destination line by line, each line read just
// before it is written.
template <std::size_t W>
EROS_COPY_AI void write_allocate(u8* d, const u8* s, std::size_t n) noexcept {
  u8* end = d + n;
  while (d < end) {
    u8* line_end = reinterpret_cast<u8*>((reinterpret_cast<std::uintptr_t>(d) | 63) + 1);
    if (line_end > end) line_end = end;
    std::size_t k = static_cast<std::size_t>(line_end - d);
    touch(d);
    if (k == 64)
      block<W, 64>(d, s);
    else
      small_copy(d, s, k);
    d += k;
    s += k;
  }
}

// Streaming stores: `nt(p, v)` stores one aligned vector without allocating the line;
// `fence()` orders them. Head and tail partial lines use ordinary stores.
template <std::size_t W, class NtStore, class Fence>
EROS_COPY_AI void streaming(u8* d, const u8* s, std::size_t n, NtStore nt, Fence fence) noexcept {
  using X = Vec<W>;
  if (n < 256) {
    unrolled<W>(d, s, n);
    return;
  }
  std::size_t skew = (64 - (reinterpret_cast<std::uintptr_t>(d) & 63)) & 63;  // 0..63
  small_copy(d, s, skew);
  d += skew;
  s += skew;
  n -= skew;
  while (n >= 64) {
    typename X::T r[64 / W];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 64 / W; ++i) r[i] = X::load(s + i * W);
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 64 / W; ++i) nt(d + i * W, r[i]);
    d += 64;
    s += 64;
    n -= 64;
  }
  small_copy(d, s, n);
  fence();
}

// The hybrid above 512 bytes: the table decides.
template <std::size_t W, class Hardware, class NtStore, class Fence>
EROS_COPY_AI void big(u8* d, const u8* s, std::size_t n, Hardware hw, NtStore nt,
                      Fence fence) noexcept {
  const Tuning& t = g_tuning;
  if (n >= t.nt_min) [[unlikely]] {
    streaming<W>(d, s, n, nt, fence);
  } else if (n >= t.hw_min && n < t.hw_max &&
             !hw_avoided(t, reinterpret_cast<std::uintptr_t>(d) -
                                reinterpret_cast<std::uintptr_t>(s))) {
    hw(d, s, n, t.hw);
  } else if (!alias_backward(d, s)) {
    lines<W>(d, s, n);
  } else if (n <= t.back_max) {
    lines_backward<W>(d, s, n);
  } else {
    lines_ahead<W>(d, s, n);
  }
}

// The hybrid, any n, for width W; `hw` is the hardware move. Up to 512 bytes it is the
// unrolled copy, smallest sizes tested first.
template <std::size_t W, class Hardware, class NtStore, class Fence>
EROS_COPY_AI void large(u8* d, const u8* s, std::size_t n, Hardware hw, NtStore nt,
                        Fence fence) noexcept {
  if (n <= 512)
    upto512<W>(d, s, n);
  else
    big<W>(d, s, n, hw, nt, fence);
}

}  // namespace eros::copy::detail
