// The aarch64 part of the block-move family: the "hardware move" is the plain ldp/stp
// loop (and FEAT_MOPS cpyfp/cpyfm/cpyfe where the CPU has it), the unrolled copies use
// 64-bit scalars and 16-byte NEON registers, streaming stores are stnp, and the cold
// destination of the benchmark is dc civac.
#include "copy/unrolled.hpp"

namespace eros::copy {
namespace detail {
namespace {

using std::size_t;

// The best plain loop: 64 bytes per iteration with ldp/stp of q registers.
[[gnu::always_inline]] inline void ldpstp_copy(u8* d, const u8* s, size_t n) noexcept {
  if (n < 64) {
    small_copy(d, s, n);
    return;
  }
  size_t blocks = n >> 6;
  asm volatile(
      "1:\n\t"
      "ldp q0, q1, [%1]\n\t"
      "ldp q2, q3, [%1, #32]\n\t"
      "add %1, %1, #64\n\t"
      "stp q0, q1, [%0]\n\t"
      "stp q2, q3, [%0, #32]\n\t"
      "add %0, %0, #64\n\t"
      "subs %2, %2, #1\n\t"
      "b.ne 1b\n\t"
      : "+r"(d), "+r"(s), "+r"(blocks)
      :
      : "v0", "v1", "v2", "v3", "memory", "cc");
  small_copy(d, s, n & 63);
}

[[gnu::always_inline]] inline void mops_copy(u8* d, const u8* s, size_t n) noexcept {
  asm volatile(
      ".arch_extension mops\n\t"
      "cpyfp [%0]!, [%1]!, %2!\n\t"
      "cpyfm [%0]!, [%1]!, %2!\n\t"
      "cpyfe [%0]!, [%1]!, %2!\n\t"
      : "+r"(d), "+r"(s), "+r"(n)
      :
      : "memory", "cc");
}

struct HwMove {
  [[gnu::always_inline]] void operator()(u8* d, const u8* s, size_t n, Hw h) const noexcept {
    if (h == Hw::mops)
      mops_copy(d, s, n);
    else
      ldpstp_copy(d, s, n);
  }
};

struct Fence {
  [[gnu::always_inline]] void operator()() const noexcept { asm volatile("dmb ish" : : : "memory"); }
};

// One 16-byte streaming store: stnp of the two 64-bit halves.
struct Nt16 {
  [[gnu::always_inline]] void operator()(u8* p, Vec<16>::T v) const noexcept {
    typedef std::uint64_t u64x2 __attribute__((vector_size(16)));
    u64x2 q = reinterpret_cast<u64x2>(v);
    asm volatile("stnp %1, %2, [%0]" : : "r"(p), "r"(q[0]), "r"(q[1]) : "memory");
  }
};

u8* D(void* p) { return static_cast<u8*>(p); }
const u8* S(const void* p) { return static_cast<const u8*>(p); }

void unrolled_scalar_impl(void* d, const void* s, size_t n) noexcept { unrolled<8>(D(d), S(s), n); }
void unrolled_w16(void* d, const void* s, size_t n) noexcept { unrolled<16>(D(d), S(s), n); }
void wa_w16(void* d, const void* s, size_t n) noexcept { write_allocate<16>(D(d), S(s), n); }
void fwd_w16(void* d, const void* s, size_t n) noexcept { directed<16, false>(D(d), S(s), n); }
void bwd_w16(void* d, const void* s, size_t n) noexcept { directed<16, true>(D(d), S(s), n); }
void nt_w16(void* d, const void* s, size_t n) noexcept { streaming<16>(D(d), S(s), n, Nt16{}, Fence{}); }
void hw_ldpstp(void* d, const void* s, size_t n) noexcept { ldpstp_copy(D(d), S(s), n); }
void hw_mops(void* d, const void* s, size_t n) noexcept { mops_copy(D(d), S(s), n); }

std::uint64_t id_aa64isar2() noexcept {
  std::uint64_t v;
  asm volatile("mrs %0, S3_0_C0_C6_2" : "=r"(v));  // ID_AA64ISAR2_EL1 (emulated at EL0 by Linux)
  return v;
}

}  // namespace

void large_base(void* d, const void* s, size_t n) noexcept {
  large<16>(D(d), S(s), n, HwMove{}, Nt16{}, Fence{});
}
void stream_base(void* d, const void* s, size_t n) noexcept {
  streaming<16>(D(d), S(s), n, Nt16{}, Fence{});
}

CopyFn large_for(Simd w) noexcept {
  if (w != Simd::w16) return nullptr;
  return &large_base;
}

}  // namespace detail

Features cpu_features() noexcept {
  Features f;
  f.max_simd = Simd::w16;
  f.mops = ((detail::id_aa64isar2() >> 16) & 0xF) != 0;
  return f;
}

CopyFn unrolled_of(Simd) noexcept { return &detail::unrolled_w16; }
CopyFn nontemporal_of(Simd) noexcept { return &detail::nt_w16; }
CopyFn hardware_of(Hw h) noexcept {
  switch (h) {
    case Hw::ldpstp: return &detail::hw_ldpstp;
    case Hw::mops: return cpu_features().mops ? &detail::hw_mops : nullptr;
    default: return nullptr;
  }
}

CopyFn hardware_aligned_of(Hw h) noexcept { return hardware_of(h); }

CopyFn lines_of(Simd, bool backward) noexcept {
  return backward ? &detail::bwd_w16 : &detail::fwd_w16;
}

void store_fence() noexcept { asm volatile("dsb sy" : : : "memory"); }

void unrolled_scalar(void* d, const void* s, std::size_t n) noexcept {
  detail::unrolled_scalar_impl(d, s, n);
}
void write_allocate(void* d, const void* s, std::size_t n) noexcept { detail::wa_w16(d, s, n); }

void flush_lines(const void* p, std::size_t n) noexcept {
  if (n == 0) return;
  std::uint64_t ctr;
  asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
  std::uintptr_t line = std::uintptr_t{4} << ((ctr >> 16) & 0xF);  // DminLine
  auto a = reinterpret_cast<std::uintptr_t>(p) & ~(line - 1);
  auto end = reinterpret_cast<std::uintptr_t>(p) + n;
  for (; a < end; a += line) asm volatile("dc civac, %0" : : "r"(a) : "memory");
  asm volatile("dsb sy" : : : "memory");
}

namespace {
Variant g_variants[] = {
    {"hw_ldpstp", &detail::hw_ldpstp, Kind::hardware, true},
    {"hw_mops", &detail::hw_mops, Kind::hardware, false},
    {"unrolled_scalar", &detail::unrolled_scalar_impl, Kind::unrolled, true},
    {"unrolled_neon", &detail::unrolled_w16, Kind::unrolled, true},
    {"write_allocate_neon", &detail::wa_w16, Kind::write_allocate, true},
    {"nontemporal_neon", &detail::nt_w16, Kind::nontemporal, true},
    {"hybrid", &hybrid_out_of_line, Kind::hybrid, true},
};
}  // namespace

const Variant* variants(std::size_t* count) noexcept {
  g_variants[1].available = cpu_features().mops;
  g_variants[6].fn = detail::large_path;  // the tuned hybrid, as set_tuning() chose it
  *count = sizeof(g_variants) / sizeof(g_variants[0]);
  return g_variants;
}

}  // namespace eros::copy
