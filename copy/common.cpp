// The portable part of the block-move family: the table in force, move(), and the
// dispatchers by name. Freestanding: no C library, no heap, no static guards.
#include "copy/internal.hpp"

namespace eros::copy {
namespace {

// The build-time table. A freestanding build may supply its own with
// -DEROS_COPY_TUNING_FILE='"path"' naming a file that defines
// `constexpr eros::copy::Tuning kBuildTuning = ...;` (eros-calibrate --emit_cxx writes one).
#if defined(EROS_COPY_TUNING_FILE)
#include EROS_COPY_TUNING_FILE
#else
constexpr Tuning kBuildTuning{};  // base ISA, no hardware move, no streaming stores
#endif

}  // namespace

static_assert(sizeof(Tuning) % 8 == 0 && alignof(Tuning) == 8);

namespace detail {
constinit Tuning g_tuning = kBuildTuning;
// Starts on the base ISA whatever the table says; set_tuning(default_tuning()) at boot
// switches to the table's SIMD width once the CPU is known to have it.
constinit CopyFn large_path = &large_base;
constinit CopyFn stream_path = &stream_base;

typedef unsigned char v16 __attribute__((vector_size(16), aligned(1), may_alias));

void move_forward(unsigned char* d, const unsigned char* s, std::size_t n) noexcept {
  while (n >= 64) {
    v16 a = *reinterpret_cast<const v16*>(s);
    v16 b = *reinterpret_cast<const v16*>(s + 16);
    v16 c = *reinterpret_cast<const v16*>(s + 32);
    v16 e = *reinterpret_cast<const v16*>(s + 48);
    *reinterpret_cast<v16*>(d) = a;
    *reinterpret_cast<v16*>(d + 16) = b;
    *reinterpret_cast<v16*>(d + 32) = c;
    *reinterpret_cast<v16*>(d + 48) = e;
    d += 64;
    s += 64;
    n -= 64;
  }
  small_copy(d, s, n);
}

void move_backward(unsigned char* d, const unsigned char* s, std::size_t n) noexcept {
  while (n >= 64) {
    n -= 64;
    v16 a = *reinterpret_cast<const v16*>(s + n);
    v16 b = *reinterpret_cast<const v16*>(s + n + 16);
    v16 c = *reinterpret_cast<const v16*>(s + n + 32);
    v16 e = *reinterpret_cast<const v16*>(s + n + 48);
    *reinterpret_cast<v16*>(d + n) = a;
    *reinterpret_cast<v16*>(d + n + 16) = b;
    *reinterpret_cast<v16*>(d + n + 32) = c;
    *reinterpret_cast<v16*>(d + n + 48) = e;
  }
  small_copy(d, s, n);
}

}  // namespace detail

const Tuning& tuning() noexcept { return detail::g_tuning; }
const Tuning& default_tuning() noexcept { return kBuildTuning; }

bool set_tuning(const Tuning& t) noexcept {
  if (t.version != kTuningVersion) return false;
  if (t.simd != Simd::w16 && t.simd != Simd::w32 && t.simd != Simd::w64) return false;
  CopyFn fn = detail::large_for(t.simd);
  if (fn == nullptr) return false;
  if (t.hw != Hw::movsb && t.hw != Hw::movsq && t.hw != Hw::ldpstp && t.hw != Hw::mops)
    return false;
  if (t.hw_min != kNever && hardware_of(t.hw) == nullptr) return false;
  // Word by word: a struct assignment of this size would be a call to memcpy.
  const auto* from = reinterpret_cast<const std::uint64_t*>(&t);
  auto* to = reinterpret_cast<std::uint64_t*>(&detail::g_tuning);
  for (std::size_t i = 0; i < sizeof(Tuning) / 8; ++i) {
    std::uint64_t w = from[i];
    asm("" : "+r"(w));  // not a loop the compiler may turn into memcpy
    to[i] = w;
  }
  detail::large_path = fn;
  detail::stream_path = nontemporal_of(t.simd);
  return true;
}

void move(void* dst, const void* src, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (n <= 64) {  // small_copy loads everything before storing: overlap-safe
    detail::small_copy(d, s, n);
    return;
  }
  auto du = reinterpret_cast<std::uintptr_t>(d);
  auto su = reinterpret_cast<std::uintptr_t>(s);
  if (du - su >= n && su - du >= n) {  // disjoint (unsigned wrap covers both orders)
    detail::large_path(d, s, n);
    return;
  }
  if (du == su) return;
  if (du < su)
    detail::move_forward(d, s, n);
  else
    detail::move_backward(d, s, n);
}

CopyFn hybrid_of(Simd w) noexcept { return detail::large_for(w); }

void hybrid_out_of_line(void* dst, const void* src, std::size_t n) noexcept {
  hybrid(dst, src, n);
}

void unrolled_simd(void* dst, const void* src, std::size_t n) noexcept {
  unrolled_of(tuning().simd)(dst, src, n);
}
void nontemporal(void* dst, const void* src, std::size_t n) noexcept {
  nontemporal_of(tuning().simd)(dst, src, n);
}
void hardware(void* dst, const void* src, std::size_t n) noexcept {
  CopyFn f = hardware_of(tuning().hw);
  if (f == nullptr) f = unrolled_of(Simd::w16);
  f(dst, src, n);
}

}  // namespace eros::copy
