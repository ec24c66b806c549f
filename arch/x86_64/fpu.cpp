// Vector state (x87, SSE, AVX: FXSAVE or XSAVE images) kept per domain, switched lazily.
#include "arch/x86_64/baremetal.hpp"

namespace eros::x86 {

// The registers hold the state of `vector_owner`, with CR0.TS clear; or, when it is
// kNoDomain, the initial state with CR0.TS set, so that a domain's first vector
// instruction raises #NM (vector_first_use) and makes it the owner. Between domains that
// never touch the vector registers a switch thus costs one test and no instruction on
// them; no domain ever runs with another's values in the registers, TS set or not.
DomainId vector_owner = kNoDomain;
bool vector_saved[kMaxDomains + 1];                           // its image is not initial
std::uint32_t vector_images = 0;                              // how many are
std::uint64_t vector_saves = 0, vector_restores = 0;

// How the state is kept: FXSAVE (x87, SSE), or, where the CPU has XSAVE, XSAVE/XSAVEOPT
// of every component enabled in XCR0 (x87, SSE, AVX and AVX-512's opmask and upper ZMM
// state as far as present); chosen at boot by vector_cpu_init. Read by eros_vector_clean.
VectorSave vector_save_kind asm("eros_vector_save_kind") = VectorSave::fxsave;
std::uint64_t vector_xcr0 asm("eros_vector_xcr0") = 0;    // 0: XSAVE not enabled
std::uint32_t vector_area_bytes = 512;
bool vector_xinuse asm("eros_vector_xinuse") = false;    // XGETBV with ECX = 1

namespace {
// Per domain, and the initial state: FXSAVE images (512 bytes), or XSAVE areas in the
// standard form (64-byte aligned; their headers start zeroed, as XRSTOR needs).
alignas(64) std::uint8_t vector_area[kMaxDomains + 1][kVectorAreaMax];
alignas(64) std::uint8_t vector_init[kVectorAreaMax];
bool vector_kernel_dirty = false;   // the owner's state was not initial when the kernel copied
DomainId vector_kernel_owner = kNoDomain;

using Area = std::uint8_t[kVectorAreaMax];
inline void fxsave(std::uint8_t* area) {
  const auto lo = static_cast<std::uint32_t>(vector_xcr0), hi = static_cast<std::uint32_t>(vector_xcr0 >> 32);
  switch (vector_save_kind) {
    case VectorSave::fxsave:
      asm volatile("fxsave64 %0" : "=m"(*reinterpret_cast<Area*>(area)));
      break;
    case VectorSave::xsave:
      asm volatile("xsave64 %0" : "+m"(*reinterpret_cast<Area*>(area)) : "a"(lo), "d"(hi));
      break;
    case VectorSave::xsaveopt:
      asm volatile("xsaveopt64 %0" : "+m"(*reinterpret_cast<Area*>(area)) : "a"(lo), "d"(hi));
      break;
  }
}
inline void fxrstor(const std::uint8_t* area) {
  if (vector_save_kind == VectorSave::fxsave) {
    asm volatile("fxrstor64 %0" : : "m"(*reinterpret_cast<const Area*>(area)));
  } else {
    asm volatile("xrstor64 %0"
                 :
                 : "m"(*reinterpret_cast<const Area*>(area)), "a"(static_cast<std::uint32_t>(vector_xcr0)),
                   "d"(static_cast<std::uint32_t>(vector_xcr0 >> 32)));
  }
}
inline void clear_ts() { asm volatile("clts" ::: "memory"); }
inline void set_ts() {
  std::uint64_t cr0;
  asm volatile("mov %%cr0, %0" : "=r"(cr0));
  asm volatile("mov %0, %%cr0" : : "r"(cr0 | 8) : "memory");
}

inline void set_saved(DomainId d, bool saved) {
  vector_images = vector_images - vector_saved[d] + saved;
  vector_saved[d] = saved;
}

// Puts away what the registers hold: the owner's state when not initial. True when the
// registers are (still) in the initial state. The owner is then none; TS is left clear.
inline bool vector_put_away() {
  if (vector_owner == kNoDomain) return true;
  const DomainId owner = vector_owner;
  vector_owner = kNoDomain;
  if (eros_vector_clean()) {
    set_saved(owner, false);
    // What the check does not see (x87 register contents after a pop) goes back to the
    // initial state too: the next domain finds nothing of this one's.
    fxrstor(vector_init);
    return true;
  }
  fxsave(vector_area[owner]);
  set_saved(owner, true);
  ++vector_saves;
  return false;
}
}  // namespace

void vector_cpu_init() {
  std::uint32_t a, b, c, d;
  asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
  const bool has_xsave = (c & (1u << 26)) != 0, has_avx = (c & (1u << 28)) != 0;
  if (has_xsave) {
    std::uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 18)));   // OSXSAVE
    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xD), "c"(0));
    const std::uint64_t supported = a | std::uint64_t{d} << 32;
    std::uint32_t b7;
    asm volatile("cpuid" : "=a"(a), "=b"(b7), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    std::uint64_t xcr0 = 3;                                     // x87 | SSE
    if (has_avx && (supported & 4) != 0) xcr0 |= 4;             // AVX: YMM upper halves
    if ((xcr0 & 4) != 0 && (supported & 0xE0) == 0xE0 && (b7 & (1u << 16)) != 0)
      xcr0 |= 0xE0;                                             // AVX-512: k0-7, ZMM
    for (;;) {
      asm volatile("xsetbv" : : "c"(0), "a"(static_cast<std::uint32_t>(xcr0)),
                   "d"(static_cast<std::uint32_t>(xcr0 >> 32)));
      asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xD), "c"(0));
      if (b <= kVectorAreaMax || xcr0 == 3) break;
      xcr0 &= (xcr0 & 0xE0) != 0 ? ~std::uint64_t{0xE0} : ~std::uint64_t{4};   // too large
    }
    asm volatile("cpuid" : "=a"(a), "=b"(c), "=c"(c), "=d"(d) : "a"(0xD), "c"(1));
    vector_xcr0 = xcr0;
    vector_area_bytes = b;
    vector_save_kind = (a & 1) != 0 ? VectorSave::xsaveopt : VectorSave::xsave;
    vector_xinuse = (a & 4) != 0;
  }
  if (vector_save_kind == VectorSave::fxsave) {
    baremetal::console("vector state: FXSAVE (x87, SSE; no XSAVE)\n");
    return;
  }
  baremetal::console("vector state: {}, XCR0 {}{}, {} bytes a domain\n",
                     vector_save_kind == VectorSave::xsaveopt ? "XSAVEOPT" : "XSAVE",
                     baremetal::hex(vector_xcr0),
                     (vector_xcr0 & 0xE0) != 0 ? " (x87, SSE, AVX, AVX-512)"
                     : (vector_xcr0 & 4) != 0  ? " (x87, SSE, AVX)"
                                               : " (x87, SSE)",
                     vector_area_bytes);
}

void vector_reset() {
  for (std::uint32_t i = 0; i < 512 + 64; ++i) vector_init[i] = 0;   // legacy area, XSAVE header
  vector_init[0] = 0x7F;   // FCW 0x37F
  vector_init[1] = 0x03;
  vector_init[24] = 0x80;  // MXCSR 0x1F80
  vector_init[25] = 0x1F;
  for (bool& s : vector_saved) s = false;
  vector_images = 0;
  vector_owner = kNoDomain;
  vector_saves = vector_restores = 0;
  clear_ts();
  fxrstor(vector_init);
  set_ts();
}

void vector_switch_slow() {
  const DomainId to = current_domain->id;
  if (to == vector_owner || (vector_owner == kNoDomain && !vector_saved[to])) return;
  const bool initial = vector_put_away();
  if (vector_saved[to]) {
    clear_ts();
    fxrstor(vector_area[to]);
    ++vector_restores;
    vector_owner = to;
    return;
  }
  if (!initial) fxrstor(vector_init);
  set_ts();
}

void vector_first_use(DomainId d) {
  clear_ts();   // the registers are in the initial state: now d's
  vector_owner = d;
}

// The kernel's copy leaves the invoker's vector state as it found it: put away when not
// initial, given back after (so no trap has to check for it on its way out).
void vector_kernel_begin() {
  vector_kernel_owner = vector_owner;
  vector_kernel_dirty = !vector_put_away();
  clear_ts();
}

void vector_kernel_end() {
  if (vector_kernel_dirty) {
    fxrstor(vector_area[vector_kernel_owner]);
    ++vector_restores;
    vector_owner = vector_kernel_owner;
    return;
  }
  eros_vector_zero();   // only XMM registers were touched by the copy
  set_ts();
}

}  // namespace eros::x86
