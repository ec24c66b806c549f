// Arm64Platform: the seam the core is compiled against, on bare metal. A domain's context
// is its own kernel stack: switch_to is a kernel-stack switch plus a TTBR0 load when the
// space changes; the probes walk the domain's real TTBR0 tables.
#include "arch/aarch64/domains.hpp"

namespace eros {

static_assert(PlatformInterface<Arm64Platform>);

arm64::Context Arm64Platform::contexts[baremetal::kMaxDomains + 1];

namespace arm64 {

std::uint64_t activations = 0;
Domain* current_domain = nullptr;
Context* current_context = nullptr;
std::uint64_t loaded_root = 0;
std::uint64_t space_roots[baremetal::kMaxSpaces];

namespace {
alignas(16) std::uint8_t kernel_stacks[baremetal::kMaxDomains + 1][kKernelStackBytes];
}

void prepare_domain(DomainId d, std::uint64_t root, std::uint16_t asid, std::uint64_t entry,
                    std::uint64_t user_sp, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  Context& c = Platform::contexts[d];
  c.domain = &baremetal::kernel->domain(d);
  c.root = root;
  c.ttbr0 = root | std::uint64_t{asid} << 48;
  c.kstack_top = reinterpret_cast<std::uint64_t>(kernel_stacks[d] + kKernelStackBytes);
  Frame* f = prepare_entry(c.kstack_top, &c.sp);
  f->x[0] = a0;
  f->x[1] = a1;
  f->x[2] = a2;
  f->sp = user_sp & ~std::uint64_t{15};   // AArch64: SP 16-byte aligned (SCTLR_EL1.SA0)
  f->elr = entry;
  f->spsr = 0;                            // EL0t, interrupts unmasked: the timer reaches it
}

// ---- FP/SIMD state, per domain ----------------------------------------------------------
DomainId fp_owner = kNoDomain;
bool fp_enabled = false;
std::uint64_t fp_saves = 0, fp_restores = 0;

namespace {
FpState fp_area[baremetal::kMaxDomains + 1];
bool fp_saved[baremetal::kMaxDomains + 1];
void set_cpacr(bool on) {
  fp_enabled = on;
  asm volatile("msr cpacr_el1, %0; isb" : : "r"(on ? std::uint64_t{3} << 20 : 0) : "memory");
}
}  // namespace

void fp_reset() {
  for (bool& s : fp_saved) s = false;
  fp_owner = kNoDomain;
  fp_saves = fp_restores = 0;
  set_cpacr(false);
}

// A domain's first FP/SIMD instruction since another owned the registers: the owner's
// state is put away, this one's given back (or the initial state, zeros, on first use).
void fp_take(DomainId d) {
  set_cpacr(true);
  if (fp_owner != kNoDomain) {
    eros_fp_save(&fp_area[fp_owner]);
    fp_saved[fp_owner] = true;
    ++fp_saves;
  }
  if (fp_saved[d]) {
    eros_fp_restore(&fp_area[d]);
    ++fp_restores;
  } else {
    eros_fp_zero();
  }
  fp_owner = d;
}

}  // namespace arm64

// ---- the seam ----------------------------------------------------------------------------

void Arm64Platform::to_scheduler(Domain& from) noexcept {
  arm64::current_domain = nullptr;
  arm64::current_context = nullptr;
  arm64::switch_stack(&contexts[from.id].sp, arm64::scheduler_sp);
}

bool Arm64Platform::readable(const Domain& d, const void* p, std::uint32_t n) const noexcept {
  return arm64::user_range_ok(arm64::space_roots[d.space], reinterpret_cast<std::uint64_t>(p), n, false);
}

bool Arm64Platform::writable(const Domain& d, void* p, std::uint32_t n) const noexcept {
  return arm64::user_range_ok(arm64::space_roots[d.space], reinterpret_cast<std::uint64_t>(p), n, true);
}

namespace {
// n bytes, as if the source were read first (the ranges may overlap within one space),
// with general registers only.
void move(std::uint8_t* d, const std::uint8_t* s, std::uint32_t n) {
  if (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) >= n) {
    std::uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t v;
      __builtin_memcpy(&v, s + i, 8);
      __builtin_memcpy(d + i, &v, 8);
    }
    for (; i < n; ++i) d[i] = s[i];
  } else {   // the destination starts inside the source: from the end
    std::uint32_t i = n;
    for (; i >= 8; i -= 8) {
      std::uint64_t v;
      __builtin_memcpy(&v, s + i - 8, 8);
      __builtin_memcpy(d + i - 8, &v, 8);
    }
    for (; i > 0; --i) d[i - 1] = s[i - 1];
  }
}
}  // namespace

void Arm64Platform::copy(const Domain& to, void* dst, const Domain& from, const void* src,
                         std::uint32_t n) noexcept {
  const auto* s = static_cast<const std::uint8_t*>(src);
  if (to.space == from.space) return move(static_cast<std::uint8_t*>(dst), s, n);
  // Across spaces: page by page through the direct map (distinct frames: no overlap).
  const std::uint64_t root = arm64::space_roots[to.space];
  auto d = reinterpret_cast<std::uint64_t>(dst);
  while (n != 0) {
    const std::uint64_t in_page = arm64::kPage - (d & (arm64::kPage - 1));
    const std::uint32_t chunk = in_page < n ? static_cast<std::uint32_t>(in_page) : n;
    move(arm64::phys_to_virt<std::uint8_t>(arm64::translate(root, d)), s, chunk);
    d += chunk;
    s += chunk;
    n -= chunk;
  }
}

// The page-mapping object's machine operation: refused for page 0, an address outside the
// user half, a page mapped already (or the image), or when fewer than 64 frames are left.
bool Arm64Platform::map_fresh(Domain& d, std::uint64_t va) noexcept {
  using namespace arm64;
  const std::uint64_t root = contexts[d.id].root;
  va &= ~(kPage - 1);
  if (root == 0 || va == 0 || va >= kUserTop) return false;
  if (user_page(root, va, false) != kNoFrame) return false;
  if (frames_left() < 64) return false;
  map_page(root, va, alloc_frame(), kMapWrite);
  return true;   // it was not valid: no TLB entry to invalidate
}

}  // namespace eros
