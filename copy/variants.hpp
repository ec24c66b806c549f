// Every member of the block-move family by name, for the tests, the Figure 2 harness and
// the calibration. The kernel itself only calls hybrid(), streaming() and move().
#pragma once
#include <cstddef>

#include "copy/tuning.hpp"

namespace eros::copy {

using CopyFn = void (*)(void*, const void*, std::size_t) noexcept;

enum class Kind : unsigned char {
  hardware,        // rep movsb / rep movsq; aarch64 ldp/stp loop, FEAT_MOPS cpy
  unrolled,        // hand-unrolled per 64-byte cache line (scalar or SIMD)
  write_allocate,  // the unrolled SIMD copy, reading each destination line first
  nontemporal,     // streaming stores (no write-allocate)
  hybrid,          // the calibrated choice
};

// The "hybrid" entry is the tuned hybrid itself (detail::large_path at the time of the
// call): what hybrid() calls above kInlineMax, and the same code below it.
struct Variant {
  const char* name;   // e.g. "hw_movsb", "unrolled_avx512", "hybrid"
  CopyFn fn;
  Kind kind;
  bool available;     // false when this CPU lacks the instructions (fn must not be called)
};

// The variants of this architecture, in a fixed order; *count receives how many.
const Variant* variants(std::size_t* count) noexcept;

// The individual members, for code that wants one by name. Unavailable ones must not be
// called (see variants()).
void unrolled_scalar(void* dst, const void* src, std::size_t n) noexcept;
void unrolled_simd(void* dst, const void* src, std::size_t n) noexcept;     // tuning().simd
void write_allocate(void* dst, const void* src, std::size_t n) noexcept;    // tuning().simd
void nontemporal(void* dst, const void* src, std::size_t n) noexcept;       // tuning().simd
void hardware(void* dst, const void* src, std::size_t n) noexcept;          // tuning().hw
void hybrid_out_of_line(void* dst, const void* src, std::size_t n) noexcept;

// The unrolled SIMD copy of a given width (must be supported), for the calibration.
CopyFn unrolled_of(Simd w) noexcept;
CopyFn nontemporal_of(Simd w) noexcept;
CopyFn hardware_of(Hw h) noexcept;  // nullptr when this CPU lacks it
// The hybrid's entry compiled for width w (thresholds from the table in force), nullptr
// when this CPU lacks w: what set_tuning() installs for a table asking for w.
CopyFn hybrid_of(Simd w) noexcept;

// The hybrid's form of the hardware move (x86_64: the first 64 bytes with vector moves,
// the string instruction from the next 64-byte destination boundary; aarch64: as
// hardware_of), for the calibration. nullptr when this CPU lacks it.
CopyFn hardware_aligned_of(Hw h) noexcept;

// The unrolled copy of width w with a fixed direction above 512 bytes (forwards, or
// backwards as the hybrid does at short distances), for the calibration.
CopyFn lines_of(Simd w, bool backward) noexcept;

// Waits until every store issued so far has completed (mfence; dsb sy).
void store_fence() noexcept;

// Write back and invalidate every cache line of [p, p+n), then wait for it: the cold
// destination of the benchmark (clflush + mfence; dc civac + dsb sy).
void flush_lines(const void* p, std::size_t n) noexcept;

}  // namespace eros::copy
