// X86Platform: the seam the core is compiled against, on bare metal. A domain's context is
// its own kernel stack: switch_to is a kernel-stack switch plus a CR3 load when the space
// changes; the probes walk the domain's real page tables.
#include "arch/x86_64/baremetal.hpp"

namespace eros {

static_assert(PlatformInterface<X86Platform>);

namespace x86 {

std::uint64_t space_roots[kMaxSpaces];
Domain* current_domain = nullptr;
Context* current_context = nullptr;
std::uint64_t scheduler_rsp = 0;

std::uint64_t loaded_root = 0;
bool pcid_enabled = false;
namespace {
alignas(16) std::uint8_t kernel_stacks[kMaxDomains + 1][kKernelStackBytes];
}  // namespace

bool unswitched = false;

}  // namespace x86

x86::Context X86Platform::contexts[x86::kMaxDomains + 1];

namespace x86 {

void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_rsp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  Context& c = contexts[d];
  c.domain = &kernel->domain(d);
  c.root = root;
  c.cr3 = root;
  if (pcid_enabled)   // the space's tag: its index + 1 (0 is the kernel's own tables)
    for (std::uint64_t sp = 0; sp < kMaxSpaces; ++sp)
      if (space_roots[sp] == root) c.cr3 = root | (sp + 1) | (std::uint64_t{1} << 63);
  c.kstack_top = reinterpret_cast<std::uint64_t>(kernel_stacks[d] + kKernelStackBytes);
  auto* sp = reinterpret_cast<std::uint64_t*>(c.kstack_top);
  *--sp = kUserData;                 // iretq frame: ss, rsp, rflags, cs, rip
  *--sp = user_rsp;
  *--sp = 0x202;                     // IF set: the timer interrupts ring 3
  *--sp = kUserCode;
  *--sp = entry;
  *--sp = a2;                        // eros_enter_user's arguments for the runtime
  *--sp = a1;
  *--sp = a0;
  *--sp = reinterpret_cast<std::uint64_t>(&eros_enter_user);   // switch_stack resumes here
  c.rsp = reinterpret_cast<std::uint64_t>(sp);
}

}  // namespace x86

// ---- the seam ----------------------------------------------------------------------------

void X86Platform::to_scheduler(Domain& from) noexcept {
  x86::current_domain = nullptr;
  x86::current_context = nullptr;
  x86::switch_stack(&x86::contexts[from.id].rsp, x86::scheduler_rsp);
}

// A range within one page below kUserTop (the common case) is one straight walk
// (user_page), whose positive answer each domain remembers, per kind of access, until a
// user page table changes (probe_generation): a domain usually sends from and receives
// into the same buffers. A longer range, or one that wraps or reaches the kernel half,
// takes user_range_ok. The same bits are required either way.
namespace {
struct Probed {
  std::uint64_t page = 0, frame = 0, generation = 0;
};
Probed probed[2][x86::kMaxDomains + 1];   // [write][domain]

inline bool one_user_page(std::uint64_t va, std::uint32_t n) {
  return va < x86::kUserTop && ((va ^ (va + n - 1)) >> 12) == 0;
}
// The remembered answer for the page holding va, if there is one (never kNoFrame).
inline const Probed* remembered(const Domain& d, std::uint64_t va, bool write) {
  const Probed& p = probed[write][d.id];
  return p.page == (va & ~(x86::kPage - 1)) && p.generation == x86::probe_generation ? &p
                                                                                     : nullptr;
}
// Out of line: the walk of one page (so that the remembered case is a leaf with nothing
// to save), remembered when it passes.
[[gnu::noinline]] bool walk_page(const Domain& d, std::uint64_t va, bool write) {
  const std::uint64_t frame = x86::user_page(x86::space_roots[d.space], va, write);
  if (frame == x86::kNoFrame) return false;
  probed[write][d.id] = Probed{va & ~(x86::kPage - 1), frame, x86::probe_generation};
  return true;
}
}  // namespace

std::uint64_t x86::dest_frame(const Domain& d, std::uint64_t va) {
  if (const Probed* p = remembered(d, va, true)) [[likely]] return p->frame;
  return translate(space_roots[d.space], va) & ~(kPage - 1);   // probed with its range
}

bool X86Platform::readable(const Domain& d, const void* p, std::uint32_t n) const noexcept {
  const auto va = reinterpret_cast<std::uint64_t>(p);
  if (!one_user_page(va, n)) return x86::user_range_ok(x86::space_roots[d.space], va, n, false);
  if (remembered(d, va, false) != nullptr) [[likely]] return true;
  return walk_page(d, va, false);
}

bool X86Platform::writable(const Domain& d, void* p, std::uint32_t n) const noexcept {
  const auto va = reinterpret_cast<std::uint64_t>(p);
  if (!one_user_page(va, n)) return x86::user_range_ok(x86::space_roots[d.space], va, n, true);
  if (remembered(d, va, true) != nullptr) [[likely]] return true;
  return walk_page(d, va, true);
}

// ---- the string copy ----------------------------------------------------------------------
namespace {
inline std::uint64_t load8(const std::uint8_t* p) {
  std::uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}
inline void store8(std::uint8_t* p, std::uint64_t v) { __builtin_memcpy(p, &v, 8); }

// n <= kSmallString bytes, as if the source were read first (the ranges may overlap within
// one space), with general registers only (this file is compiled -mgeneral-regs-only).
void small_move(std::uint8_t* d, const std::uint8_t* s, std::uint32_t n) {
  if (n < 8) {
    if (n >= 4) {
      std::uint32_t a, b;
      __builtin_memcpy(&a, s, 4);
      __builtin_memcpy(&b, s + n - 4, 4);
      __builtin_memcpy(d, &a, 4);
      __builtin_memcpy(d + n - 4, &b, 4);
    } else if (n != 0) {
      const std::uint8_t a = s[0], b = s[n / 2], c = s[n - 1];
      d[0] = a;
      d[n / 2] = b;
      d[n - 1] = c;
    }
    return;
  }
  // The first and last eight bytes are read before anything is written; the middle moves
  // eight bytes at a time in the direction that reads every byte before it is overwritten.
  const std::uint64_t head = load8(s), tail = load8(s + n - 8);
  if (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) >= n) {
    for (std::uint32_t i = 8; i + 8 < n; i += 8) store8(d + i, load8(s + i));
  } else {   // the destination starts inside the source: from the end
    for (std::uint32_t i = n - 16; static_cast<std::int32_t>(i) > 0; i -= 8)
      store8(d + i, load8(s + i));
  }
  store8(d, head);
  store8(d + n - 8, tail);
}
}  // namespace

// The invoker (`from`) is running, so its space is loaded: within one space both ranges
// are reached as they are; across spaces the destination through the direct map, page by
// page (each page's frame usually the one its probe just remembered). Both ranges were
// probed. Longer strings: vcopy.cpp.
namespace {
[[gnu::noinline]] void small_across_pages(const Domain& to, std::uint64_t d,
                                          const std::uint8_t* s, std::uint32_t n) {
  while (n != 0) {
    const std::uint64_t in_page = x86::kPage - (d & (x86::kPage - 1));
    const std::uint32_t chunk = in_page < n ? static_cast<std::uint32_t>(in_page) : n;
    small_move(x86::phys_to_virt<std::uint8_t>(x86::dest_frame(to, d) | (d & (x86::kPage - 1))),
               s, chunk);
    d += chunk;
    s += chunk;
    n -= chunk;
  }
}
}  // namespace

void X86Platform::copy(const Domain& to, void* dst, const Domain& from, const void* src,
                       std::uint32_t n) noexcept {
  if (n > x86::kSmallString) [[unlikely]] return x86::vector_copy(to, dst, from, src, n);
  const auto* s = static_cast<const std::uint8_t*>(src);
  if (to.space == from.space) return small_move(static_cast<std::uint8_t*>(dst), s, n);
  const auto d = reinterpret_cast<std::uint64_t>(dst);
  const std::uint64_t offset = d & (x86::kPage - 1);
  if (offset + n <= x86::kPage) {
    if (const Probed* p = remembered(to, d, true)) [[likely]]
      return small_move(x86::phys_to_virt<std::uint8_t>(p->frame | offset), s, n);
  }
  return small_across_pages(to, d, s, n);
}

void X86Platform::panic(const char* why) noexcept {
  baremetal::console("kernel panic: {}\n", why);
  x86::exit_qemu(x86::ExitCode::Panic);
}

}  // namespace eros
