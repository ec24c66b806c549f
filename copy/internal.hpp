// Internal to copy/: what the portable part (common.cpp) and the architecture part
// (x86_64.cpp or aarch64.cpp, chosen by meson from host_machine.cpu_family()) share.
#pragma once
#include <cstddef>
#include <cstdint>

#include "copy/copy.hpp"
#include "copy/tuning.hpp"
#include "copy/variants.hpp"

#define EROS_COPY_AI [[gnu::always_inline]] inline

namespace eros::copy::detail {

// The table in force; read by the large paths on every call (hidden: no GOT load).
[[gnu::visibility("hidden")]] extern Tuning g_tuning;

// The hybrid's entry compiled for SIMD width w, or nullptr when this CPU lacks w.
// Defined by the architecture part.
CopyFn large_for(Simd w) noexcept;

// The large path the program starts with: the base ISA, valid on every CPU of the
// architecture (16-byte vectors), reading g_tuning.
void large_base(void* dst, const void* src, std::size_t n) noexcept;
// Streaming stores on the base ISA: stream_path until set_tuning() says otherwise.
void stream_base(void* dst, const void* src, std::size_t n) noexcept;

// Forward and backward block copies for move() when the ranges overlap: every 64-byte
// block is loaded completely before it is stored.
void move_forward(unsigned char* d, const unsigned char* s, std::size_t n) noexcept;
void move_backward(unsigned char* d, const unsigned char* s, std::size_t n) noexcept;

// Forces a load of the byte at p (the write-allocate simulation's read of a line).
EROS_COPY_AI void touch(const void* p) noexcept {
  unsigned char v = *static_cast<const volatile unsigned char*>(p);
  asm volatile("" : : "r"(v));
}

}  // namespace eros::copy::detail
