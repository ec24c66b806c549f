// X86Platform: the seam the core is compiled against, on bare metal. A domain's context is
// its own kernel stack: switch_to is a kernel-stack switch plus a CR3 load when the space
// changes; the probes walk the domain's real page tables.
#include "arch/x86_64/baremetal.hpp"
#include "baremetal/blob.hpp"
#include "scenarios/scenarios.hpp"

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

// ---- vector state ---------------------------------------------------------------------
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
  put("vector state: ");
  if (vector_save_kind == VectorSave::fxsave) {
    put("FXSAVE (x87, SSE; no XSAVE)\n");
    return;
  }
  put(vector_save_kind == VectorSave::xsaveopt ? "XSAVEOPT" : "XSAVE");
  put(", XCR0 ");
  put_hex(vector_xcr0);
  put((vector_xcr0 & 0xE0) != 0 ? " (x87, SSE, AVX, AVX-512)" : (vector_xcr0 & 4) != 0 ? " (x87, SSE, AVX)" : " (x87, SSE)");
  put(", ");
  put_dec(vector_area_bytes);
  put(" bytes a domain\n");
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

std::uint64_t activations = 0;

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

namespace {
FaultKind fault_kind_of(std::uint64_t vector) {
  switch (vector) {
    case 0: return FaultKind::DivideError;
    case 3: return FaultKind::Breakpoint;
    case 6: return FaultKind::InvalidInstruction;
    case 13: return FaultKind::Protection;
    case 14: return FaultKind::PageFault;
    default: return FaultKind::Other;
  }
}
}  // namespace

void deliver_fault(Domain& me, std::uint64_t vector, std::uint64_t error, std::uint64_t address,
                   std::uint64_t rip) {
  kernel->fault(me, fault_kind_of(vector), vector << 32 | (error & 0xffffffff), address, rip);
}

// ---- time slices -----------------------------------------------------------------------
std::uint64_t timer_ticks = 0, preemptions = 0;
bool scenario_stopped = false;

namespace {
DomainId preempted[kMaxDomains + 1];   // FIFO ring of preempted domains
std::uint32_t preempted_head = 0, preempted_count = 0;
DomainId tick_domain = kNoDomain;       // running at the last tick ...
std::uint64_t tick_activations = 0;     // ... with this many switches so far
std::uint64_t quiet_ticks = 0;

void preempted_push(DomainId d) {
  preempted[(preempted_head + preempted_count++) % (kMaxDomains + 1)] = d;
}
DomainId preempted_pop() {
  if (preempted_count == 0) return kNoDomain;
  const DomainId d = preempted[preempted_head];
  preempted_head = (preempted_head + 1) % (kMaxDomains + 1);
  --preempted_count;
  return d;
}
}  // namespace

void slices_reset() {
  preempted_head = preempted_count = 0;
  tick_domain = kNoDomain;
  tick_activations = 0;
  quiet_ticks = 0;
  user_rsp = 0;
  timer_ticks = preemptions = 0;
  scenario_stopped = false;
}

void timer_interrupt() {
  ++timer_ticks;
  const DomainId me = current_id();
  const bool whole_slice = me == tick_domain && activations == tick_activations;
  quiet_ticks = user_rsp == 0 ? quiet_ticks + 1 : 0;   // no system call since the last tick
  user_rsp = 0;
  if (quiet_ticks >= kWatchdogTicks && !kernel->any_ready()) {
    // Nothing but preempted domains computing, and no invocation for a long time.
    put("watchdog: d");
    put_dec(me);
    put(" ran ");
    put_dec(kWatchdogTicks);
    put(" ticks with no invocation anywhere: scenario stopped\n");
    scenario_stopped = true;
    switch_stack(&contexts[me].rsp, scheduler_rsp);   // never resumed
  }
  if (!whole_slice) {
    tick_domain = me;
    tick_activations = activations;
    return;
  }
  DomainId next = kernel->take_ready();
  if (next == kNoDomain) next = preempted_pop();
  if (next == kNoDomain) return;   // nobody else: it runs on
  preempted_push(me);
  ++preemptions;
  X86Platform::activate(next);
  tick_domain = next;
  tick_activations = activations;
  switch_stack(&contexts[me].rsp, contexts[next].rsp);
  // Resumed: back to ring 3 where it was interrupted.
}

void run_scheduler() {
  for (;;) {
    DomainId d = scenario_stopped ? kNoDomain : kernel->take_ready();
    if (d == kNoDomain && !scenario_stopped) d = preempted_pop();
    if (d == kNoDomain) break;
    X86Platform::activate(d);
    switch_stack(&scheduler_rsp, contexts[d].rsp);
  }
  current_domain = nullptr;
  current_context = nullptr;
  loaded_root = kernel_root();
  write_cr3(loaded_root);
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
  x86::put("kernel panic: ");
  x86::put(why);
  x86::put('\n');
  x86::exit_qemu(x86::ExitCode::Panic);
}

}  // namespace eros

// ---- the trap ------------------------------------------------------------------------------

// The three operations, called by eros_syscall_entry (boot.S: directly by the register
// form, through eros_trap_ops by the pointer form) on the running domain's kernel stack,
// with its CR3 loaded and the invocation's Message and ReceiveDesc on that stack, one after
// the other; the key register is 0..255 (the pointer form's larger ones made 255, the
// register form's is rdi's low byte). Each returns the invoker's Result, which the entry
// hands back to it.
namespace {
eros::Domain& invoker() { return *eros::x86::current_domain; }
const eros::ReceiveDesc& receive_of(const eros::Message* m) {
  return *reinterpret_cast<const eros::ReceiveDesc*>(m + 1);
}
}  // namespace

extern "C" const eros::Result* eros_trap_call(std::uint64_t key, const eros::Message* m) {
  return &eros::x86::kernel->call(invoker(), static_cast<std::uint8_t>(key), *m, receive_of(m));
}
extern "C" const eros::Result* eros_trap_return(std::uint64_t key, const eros::Message* m) {
  return &eros::x86::kernel->return_to(invoker(), static_cast<std::uint8_t>(key), *m,
                                       receive_of(m));
}
extern "C" const eros::Result* eros_trap_send(std::uint64_t key, const eros::Message* m) {
  return &eros::x86::kernel->send(invoker(), static_cast<std::uint8_t>(key), *m);
}
using TrapOp = const eros::Result* (*)(std::uint64_t, const eros::Message*);
extern "C" const TrapOp eros_trap_ops[3] = {&eros_trap_call, &eros_trap_return, &eros_trap_send};
static_assert(static_cast<int>(eros::Op::Call) == 0 && static_cast<int>(eros::Op::Return) == 1 &&
              static_cast<int>(eros::Op::Send) == 2);

// The pointer form's other traps (boot.S): the exit trap (op 3), an operation that does not
// exist, or argument pointers the domain may not use (outside the user half, or an access
// faulted: eros_exception sent it here). `kept` is the caller's rdi rsi rdx r10 r8 r9.
extern "C" void eros_syscall_irregular(std::uint64_t op, const std::uint64_t* kept) {
  using namespace eros;
  Kernel& k = *x86::kernel;
  Domain& me = k.domain(x86::current_id());
  if (op == baremetal::kTrapHalt) k.halt(me);   // the program returned (arch/x86_64/user/runtime.cpp)
  const std::uint64_t um = kept[1], ur = kept[2], ures = kept[3];
  x86::put("fault: d");
  x86::put_dec(me.id);
  x86::put(" bad trap: op ");
  x86::put_dec(op);
  x86::put(" message ");
  x86::put_hex(um);
  x86::put(" receive ");
  x86::put_hex(ur);
  x86::put(" result ");
  x86::put_hex(ures);
  x86::put('\n');
  // Told to its keeper as a fault; restarted, the trap returns having done nothing.
  k.fault(me, FaultKind::BadTrap, op, um, 0);
}
