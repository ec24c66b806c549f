// Arm64Platform: the seam the core is compiled against, on bare metal. A domain's context
// is its own kernel stack: switch_to is a kernel-stack switch plus a TTBR0 load when the
// space changes; the probes walk the domain's real TTBR0 tables.
#include "arch/aarch64/domains.hpp"

namespace eros {

static_assert(PlatformInterface<Arm64Platform>);


namespace arm64 {

Cpu cpu;
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

// A range within one page (the common case) is one straight walk (user_page), whose
// positive answer each domain remembers, per kind of access, until a user page table
// changes (probe_generation): a domain usually sends from and receives into the same
// buffers. A longer range takes user_range_ok. The same bits are required either way.
namespace {
struct Probed {
  std::uint64_t page = 0, frame = 0, generation = 0;
};
Probed probed[2][baremetal::kMaxDomains + 1];   // [write][domain]

inline bool one_page(std::uint64_t va, std::uint32_t n) { return ((va ^ (va + n - 1)) >> 12) == 0; }
inline const Probed* remembered(const Domain& d, std::uint64_t va, bool write) {
  const Probed& p = probed[write][d.id];
  return p.page == (va & ~(arm64::kPage - 1)) && p.generation == arm64::probe_generation ? &p : nullptr;
}
[[gnu::noinline]] bool walk_page(const Domain& d, std::uint64_t va, bool write) {
  const std::uint64_t frame = arm64::user_page(arm64::space_roots[d.space], va, write);
  if (frame == arm64::kNoFrame) return false;
  probed[write][d.id] = Probed{va & ~(arm64::kPage - 1), frame, arm64::probe_generation};
  return true;
}
inline bool probe(const Domain& d, const void* p, std::uint32_t n, bool write) {
  const auto va = reinterpret_cast<std::uint64_t>(p);
  if (!one_page(va, n)) [[unlikely]]
    return arm64::user_range_ok(arm64::space_roots[d.space], va, n, write);
  if (remembered(d, va, write) != nullptr) [[likely]] return true;
  return walk_page(d, va, write);
}
// The frame of the page holding va in d's space, which a probe found writable.
inline std::uint64_t dest_frame(const Domain& d, std::uint64_t va) {
  if (const Probed* p = remembered(d, va, true)) [[likely]] return p->frame;
  return arm64::translate(arm64::space_roots[d.space], va) & ~(arm64::kPage - 1);
}
}  // namespace

bool Arm64Platform::readable(const Domain& d, const void* p, std::uint32_t n) const noexcept {
  return probe(d, p, n, false);
}

bool Arm64Platform::writable(const Domain& d, void* p, std::uint32_t n) const noexcept {
  return probe(d, p, n, true);
}

namespace {
inline std::uint64_t load8(const std::uint8_t* p) {
  std::uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}
inline void store8(std::uint8_t* p, std::uint64_t v) { __builtin_memcpy(p, &v, 8); }

// n bytes, as if the source were read first (the ranges may overlap within one space),
// with general registers only.
void move(std::uint8_t* d, const std::uint8_t* s, std::uint32_t n) {
  if (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) >= n) {
    std::uint32_t i = 0;
    for (; i + 64 <= n; i += 64) {   // a block in eight general registers, ldp/stp pairs
      std::uint64_t a, b, c, e, f, g, h, k;
      asm volatile(
          "ldp %0, %1, [%8]\n\tldp %2, %3, [%8, #16]\n\tldp %4, %5, [%8, #32]\n\tldp %6, %7, [%8, #48]\n\t"
          "stp %0, %1, [%9]\n\tstp %2, %3, [%9, #16]\n\tstp %4, %5, [%9, #32]\n\tstp %6, %7, [%9, #48]"
          : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(e), "=&r"(f), "=&r"(g), "=&r"(h), "=&r"(k)
          : "r"(s + i), "r"(d + i)
          : "memory");
    }
    for (; i + 8 <= n; i += 8) store8(d + i, load8(s + i));
    for (; i < n; ++i) d[i] = s[i];
  } else {   // the destination starts inside the source: from the end
    std::uint32_t i = n;
    for (; i >= 8; i -= 8) store8(d + i - 8, load8(s + i - 8));
    for (; i > 0; --i) d[i - 1] = s[i - 1];
  }
}
}  // namespace

void Arm64Platform::copy(const Domain& to, void* dst, const Domain& from, const void* src,
                         std::uint32_t n) noexcept {
  const auto* s = static_cast<const std::uint8_t*>(src);
  if (to.space == from.space) return move(static_cast<std::uint8_t*>(dst), s, n);
  // Across spaces: page by page through the direct map (distinct frames: no overlap), each
  // page's frame usually the one its probe just remembered.
  auto d = reinterpret_cast<std::uint64_t>(dst);
  while (n != 0) {
    const std::uint64_t offset = d & (arm64::kPage - 1), in_page = arm64::kPage - offset;
    const std::uint32_t chunk = in_page < n ? static_cast<std::uint32_t>(in_page) : n;
    move(arm64::phys_to_virt<std::uint8_t>(dest_frame(to, d) | offset), s, chunk);
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
