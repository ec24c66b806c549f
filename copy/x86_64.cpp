// The x86_64 part of the block-move family: rep movsb / rep movsq, the unrolled copies at
// 16 (SSE2), 32 (AVX2) and 64 (AVX-512F) bytes, streaming stores, CPUID, clflush.
// SIMD code is compiled per function with __attribute__((target(...))); which one runs is
// decided once, by set_tuning(), from the calibration table and CPUID.
#include "copy/unrolled.hpp"

namespace eros::copy {
namespace detail {
namespace {

using std::size_t;

[[gnu::always_inline]] inline void rep_movsb(void* d, const void* s, size_t n) noexcept {
  asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

[[gnu::always_inline]] inline void rep_movsq(void* d, const void* s, size_t n) noexcept {
  size_t q = n >> 3;
  size_t r = n & 7;
  asm volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
  small_copy(static_cast<u8*>(d), static_cast<const u8*>(s), r);  // rdi/rsi advanced
}

// The hybrid's hardware move (n > 512): the first 64 bytes with vector moves, then the
// string instruction from the next 64-byte destination boundary (as glibc does: the
// string instructions are slow when the destination is not line-aligned).
template <std::size_t W>
struct HwMove {
  [[gnu::always_inline]] void operator()(u8* d, const u8* s, size_t n, Hw h) const noexcept {
    block<W, 64>(d, s);
    size_t skew = 64 - (reinterpret_cast<std::uintptr_t>(d) & 63);  // 1..64
    d += skew;
    s += skew;
    n -= skew;
    if (h == Hw::movsq)
      rep_movsq(d, s, n);
    else
      rep_movsb(d, s, n);
  }
};

struct Sfence {
  [[gnu::always_inline]] void operator()() const noexcept { asm volatile("sfence" : : : "memory"); }
};

struct Nt16 {
  [[gnu::always_inline]] void operator()(u8* p, Vec<16>::T v) const noexcept {
    asm volatile("movntdq %1, %0" : "=m"(*reinterpret_cast<Vec<16>::T*>(p)) : "x"(v));
  }
};
struct Nt32 {
  [[gnu::always_inline]] void operator()(u8* p, Vec<32>::T v) const noexcept {
    asm volatile("vmovntdq %1, %0" : "=m"(*reinterpret_cast<Vec<32>::T*>(p)) : "x"(v));
  }
};
struct Nt64 {
  [[gnu::always_inline]] void operator()(u8* p, Vec<64>::T v) const noexcept {
    asm volatile("vmovntdq %1, %0" : "=m"(*reinterpret_cast<Vec<64>::T*>(p)) : "v"(v));
  }
};

u8* D(void* p) { return static_cast<u8*>(p); }
const u8* S(const void* p) { return static_cast<const u8*>(p); }

// ---- the instantiations, one per instruction set ----

void unrolled_scalar_impl(void* d, const void* s, size_t n) noexcept { unrolled<8>(D(d), S(s), n); }
void unrolled_w16(void* d, const void* s, size_t n) noexcept { unrolled<16>(D(d), S(s), n); }
[[gnu::target("avx2")]] void unrolled_w32(void* d, const void* s, size_t n) noexcept { unrolled<32>(D(d), S(s), n); }
[[gnu::target("avx512f")]] void unrolled_w64(void* d, const void* s, size_t n) noexcept { unrolled<64>(D(d), S(s), n); }

void wa_w16(void* d, const void* s, size_t n) noexcept { write_allocate<16>(D(d), S(s), n); }
void fwd_w16(void* d, const void* s, size_t n) noexcept { directed<16, false>(D(d), S(s), n); }
void bwd_w16(void* d, const void* s, size_t n) noexcept { directed<16, true>(D(d), S(s), n); }
[[gnu::target("avx2")]] void fwd_w32(void* d, const void* s, size_t n) noexcept { directed<32, false>(D(d), S(s), n); }
[[gnu::target("avx2")]] void bwd_w32(void* d, const void* s, size_t n) noexcept { directed<32, true>(D(d), S(s), n); }
[[gnu::target("avx512f")]] void fwd_w64(void* d, const void* s, size_t n) noexcept { directed<64, false>(D(d), S(s), n); }
[[gnu::target("avx512f")]] void bwd_w64(void* d, const void* s, size_t n) noexcept { directed<64, true>(D(d), S(s), n); }
[[gnu::target("avx2")]] void wa_w32(void* d, const void* s, size_t n) noexcept { write_allocate<32>(D(d), S(s), n); }
[[gnu::target("avx512f")]] void wa_w64(void* d, const void* s, size_t n) noexcept { write_allocate<64>(D(d), S(s), n); }

void nt_w16(void* d, const void* s, size_t n) noexcept { streaming<16>(D(d), S(s), n, Nt16{}, Sfence{}); }
[[gnu::target("avx2")]] void nt_w32(void* d, const void* s, size_t n) noexcept { streaming<32>(D(d), S(s), n, Nt32{}, Sfence{}); }
[[gnu::target("avx512f")]] void nt_w64(void* d, const void* s, size_t n) noexcept { streaming<64>(D(d), S(s), n, Nt64{}, Sfence{}); }

[[gnu::target("avx2")]] void large_w32(void* d, const void* s, size_t n) noexcept {
  large<32>(D(d), S(s), n, HwMove<32>{}, Nt32{}, Sfence{});
}
// Above 512 bytes the 64-byte hybrid continues here (from eros_copy_hybrid_w64 below).
}  // namespace
}  // namespace detail
}  // namespace eros::copy
extern "C" [[gnu::target("avx512f"), gnu::visibility("hidden")]] void eros_copy_hybrid_w64_big(
    void* d, const void* s, std::size_t n) noexcept {
  using namespace eros::copy::detail;
  big<64>(static_cast<u8*>(d), static_cast<const u8*>(s), n, HwMove<64>{}, Nt64{}, Sfence{});
}
extern "C" void eros_copy_hybrid_w64(void* d, const void* s, std::size_t n) noexcept;

// The 64-byte hybrid up to 512 bytes, in assembly, with the branch layout of glibc's
// __memcpy_avx512_unaligned_erms (64..128 bytes falls straight through; the first
// vector is loaded before the size is known to need it; below 4 bytes one branch) and
// only ymm16-31/zmm16-31, which no legacy SSE instruction can see, besides VEX-encoded
// xmm0-1 for 16..31 bytes (which zero their upper halves), so no vzeroupper is needed
// (ymm0-15 stay clean). Measured on Zen 4: a C++ cascade on ymm0-15 with
// vzeroupper was 0.7 to 1.5 cycles slower per call between 33 and 256 bytes.
asm(R"(
	.text
	.p2align 6
	.globl eros_copy_hybrid_w64
	.hidden eros_copy_hybrid_w64
	.type eros_copy_hybrid_w64, @function
eros_copy_hybrid_w64:
	.cfi_startproc
	cmpq $64, %rdx
	jb 6f
	vmovdqu64 (%rsi), %zmm16
	cmpq $128, %rdx
	ja 1f
	vmovdqu64 -64(%rsi,%rdx), %zmm17
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, -64(%rdi,%rdx)
	ret
1:	cmpq $512, %rdx
	ja eros_copy_hybrid_w64_big
	vmovdqu64 64(%rsi), %zmm17
	cmpq $256, %rdx
	ja 2f
	vmovdqu64 -128(%rsi,%rdx), %zmm18
	vmovdqu64 -64(%rsi,%rdx), %zmm19
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, -128(%rdi,%rdx)
	vmovdqu64 %zmm19, -64(%rdi,%rdx)
	ret
2:	vmovdqu64 128(%rsi), %zmm18
	vmovdqu64 192(%rsi), %zmm19
	vmovdqu64 -256(%rsi,%rdx), %zmm20
	vmovdqu64 -192(%rsi,%rdx), %zmm21
	vmovdqu64 -128(%rsi,%rdx), %zmm22
	vmovdqu64 -64(%rsi,%rdx), %zmm23
	vmovdqu64 %zmm16, (%rdi)
	vmovdqu64 %zmm17, 64(%rdi)
	vmovdqu64 %zmm18, 128(%rdi)
	vmovdqu64 %zmm19, 192(%rdi)
	vmovdqu64 %zmm20, -256(%rdi,%rdx)
	vmovdqu64 %zmm21, -192(%rdi,%rdx)
	vmovdqu64 %zmm22, -128(%rdi,%rdx)
	vmovdqu64 %zmm23, -64(%rdi,%rdx)
	ret
6:	cmpl $32, %edx
	jae 32f
	cmpl $16, %edx
	jae 16f
	cmpl $8, %edx
	jae 8f
	subq $4, %rdx
	jae 4f
	cmpl $-3, %edx
	jl 0f
	movb (%rsi), %cl
	je 1f
	movzwl 2(%rsi,%rdx), %esi
	movw %si, 2(%rdi,%rdx)
1:	movb %cl, (%rdi)
0:	ret
4:	movl (%rsi), %ecx
	movl (%rsi,%rdx), %esi
	movl %ecx, (%rdi)
	movl %esi, (%rdi,%rdx)
	ret
32:	vmovdqu64 (%rsi), %ymm16
	vmovdqu64 -32(%rsi,%rdx), %ymm17
	vmovdqu64 %ymm16, (%rdi)
	vmovdqu64 %ymm17, -32(%rdi,%rdx)
	ret
16:	vmovdqu (%rsi), %xmm0
	vmovdqu -16(%rsi,%rdx), %xmm1
	vmovdqu %xmm0, (%rdi)
	vmovdqu %xmm1, -16(%rdi,%rdx)
	ret
8:	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %rsi
	movq %rcx, (%rdi)
	movq %rsi, -8(%rdi,%rdx)
	ret
	.cfi_endproc
	.size eros_copy_hybrid_w64, .-eros_copy_hybrid_w64
	.text
)");

namespace eros::copy {
namespace detail {
namespace {

void hw_movsb(void* d, const void* s, size_t n) noexcept { rep_movsb(d, s, n); }
void hw_aligned_movsb(void* d, const void* s, size_t n) noexcept {
  if (n <= 64) small_copy(D(d), S(s), n); else HwMove<16>{}(D(d), S(s), n, Hw::movsb);
}
void hw_aligned_movsq(void* d, const void* s, size_t n) noexcept {
  if (n <= 64) small_copy(D(d), S(s), n); else HwMove<16>{}(D(d), S(s), n, Hw::movsq);
}
void hw_movsq(void* d, const void* s, size_t n) noexcept { rep_movsq(d, s, n); }

// ---- CPUID ----

struct Regs { std::uint32_t a, b, c, d; };
Regs cpuid(std::uint32_t leaf, std::uint32_t sub = 0) noexcept {
  Regs r;
  asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
  return r;
}
std::uint64_t xgetbv0() noexcept {
  std::uint32_t lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (std::uint64_t{hi} << 32) | lo;
}

bool supports(const Features& f, Simd w) noexcept {
  return w == Simd::w16 || (w == Simd::w32 && f.avx2) || (w == Simd::w64 && f.avx512f);
}

}  // namespace

void large_base(void* d, const void* s, size_t n) noexcept {
  large<16>(D(d), S(s), n, HwMove<16>{}, Nt16{}, Sfence{});
}
void stream_base(void* d, const void* s, size_t n) noexcept {
  streaming<16>(D(d), S(s), n, Nt16{}, Sfence{});
}

CopyFn large_for(Simd w) noexcept {
  Features f = cpu_features();
  if (!supports(f, w)) return nullptr;
  switch (w) {
    case Simd::w64: return &eros_copy_hybrid_w64;
    case Simd::w32: return &large_w32;
    default: return &large_base;
  }
}

}  // namespace detail

Features cpu_features() noexcept {
  using detail::cpuid;
  Features f;
  auto max_leaf = cpuid(0).a;
  auto l1 = cpuid(1);
  bool osxsave = (l1.c >> 27) & 1, avx = (l1.c >> 28) & 1;
  std::uint64_t xcr0 = osxsave ? detail::xgetbv0() : 0;
  bool ymm_os = (xcr0 & 0x6) == 0x6;
  bool zmm_os = (xcr0 & 0xE6) == 0xE6;
  if (max_leaf >= 7) {
    auto l7 = cpuid(7, 0);
    f.erms = (l7.b >> 9) & 1;
    f.fsrm = (l7.d >> 4) & 1;
    f.avx2 = avx && ymm_os && ((l7.b >> 5) & 1);
    f.avx512f = f.avx2 && zmm_os && ((l7.b >> 16) & 1);
    f.avx512vl = f.avx512f && ((l7.b >> 31) & 1);
  }
  // The 64-byte hybrid uses ymm16-31 (AVX-512VL); without VL, 64-byte copies are not
  // offered at all (every AVX-512 CPU since Skylake-SP has VL).
  f.avx512f = f.avx512f && f.avx512vl;
  f.max_simd = f.avx512f ? Simd::w64 : f.avx2 ? Simd::w32 : Simd::w16;
  return f;
}

CopyFn unrolled_of(Simd w) noexcept {
  switch (w) {
    case Simd::w64: return &detail::unrolled_w64;
    case Simd::w32: return &detail::unrolled_w32;
    default: return &detail::unrolled_w16;
  }
}
CopyFn nontemporal_of(Simd w) noexcept {
  switch (w) {
    case Simd::w64: return &detail::nt_w64;
    case Simd::w32: return &detail::nt_w32;
    default: return &detail::nt_w16;
  }
}
CopyFn hardware_of(Hw h) noexcept {
  switch (h) {
    case Hw::movsb: return &detail::hw_movsb;
    case Hw::movsq: return &detail::hw_movsq;
    default: return nullptr;
  }
}

CopyFn lines_of(Simd w, bool backward) noexcept {
  switch (w) {
    case Simd::w64: return backward ? &detail::bwd_w64 : &detail::fwd_w64;
    case Simd::w32: return backward ? &detail::bwd_w32 : &detail::fwd_w32;
    default: return backward ? &detail::bwd_w16 : &detail::fwd_w16;
  }
}

CopyFn hardware_aligned_of(Hw h) noexcept {
  switch (h) {
    case Hw::movsb: return &detail::hw_aligned_movsb;
    case Hw::movsq: return &detail::hw_aligned_movsq;
    default: return nullptr;
  }
}

void store_fence() noexcept { asm volatile("mfence" : : : "memory"); }

void unrolled_scalar(void* d, const void* s, std::size_t n) noexcept {
  detail::unrolled_scalar_impl(d, s, n);
}
void write_allocate(void* d, const void* s, std::size_t n) noexcept {
  switch (tuning().simd) {
    case Simd::w64: detail::wa_w64(d, s, n); break;
    case Simd::w32: detail::wa_w32(d, s, n); break;
    default: detail::wa_w16(d, s, n); break;
  }
}

void flush_lines(const void* p, std::size_t n) noexcept {
  if (n == 0) return;
  auto a = reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{63};
  auto end = reinterpret_cast<std::uintptr_t>(p) + n;
  for (; a < end; a += 64) asm volatile("clflush %0" : : "m"(*reinterpret_cast<const char*>(a)));
  asm volatile("mfence" : : : "memory");
}

namespace {
// Filled on every call of variants() (no static guard in a freestanding build).
Variant g_variants[] = {
    {"hw_movsb", &detail::hw_movsb, Kind::hardware, true},
    {"hw_movsq", &detail::hw_movsq, Kind::hardware, true},
    {"unrolled_scalar", &detail::unrolled_scalar_impl, Kind::unrolled, true},
    {"unrolled_sse2", &detail::unrolled_w16, Kind::unrolled, true},
    {"unrolled_avx2", &detail::unrolled_w32, Kind::unrolled, true},
    {"unrolled_avx512", &detail::unrolled_w64, Kind::unrolled, true},
    {"write_allocate_sse2", &detail::wa_w16, Kind::write_allocate, true},
    {"write_allocate_avx2", &detail::wa_w32, Kind::write_allocate, true},
    {"write_allocate_avx512", &detail::wa_w64, Kind::write_allocate, true},
    {"nontemporal_sse2", &detail::nt_w16, Kind::nontemporal, true},
    {"nontemporal_avx2", &detail::nt_w32, Kind::nontemporal, true},
    {"nontemporal_avx512", &detail::nt_w64, Kind::nontemporal, true},
    {"hybrid", &hybrid_out_of_line, Kind::hybrid, true},
};
// The SIMD width each entry needs.
constexpr Simd kNeeds[] = {Simd::w16, Simd::w16, Simd::w16, Simd::w16, Simd::w32, Simd::w64,
                           Simd::w16, Simd::w32, Simd::w64, Simd::w16, Simd::w32, Simd::w64,
                           Simd::w16};
static_assert(sizeof(kNeeds) / sizeof(kNeeds[0]) == sizeof(g_variants) / sizeof(g_variants[0]));
}  // namespace

const Variant* variants(std::size_t* count) noexcept {
  Features f = cpu_features();
  constexpr std::size_t k = sizeof(g_variants) / sizeof(g_variants[0]);
  for (std::size_t i = 0; i < k; ++i) g_variants[i].available = detail::supports(f, kNeeds[i]);
  g_variants[k - 1].fn = detail::large_path;  // the tuned hybrid, as set_tuning() chose it
  *count = k;
  return g_variants;
}

}  // namespace eros::copy
