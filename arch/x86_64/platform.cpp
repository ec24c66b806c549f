// X86Platform: the seam the core is compiled against, on bare metal. A domain's context is
// its own kernel stack: switch_to is a kernel-stack switch plus a CR3 load when the space
// changes; the probes walk the domain's real page tables.
#include "arch/x86_64/baremetal.hpp"
#include "scenarios/scenarios.hpp"

namespace eros {

static_assert(PlatformInterface<X86Platform>);

namespace x86 {

Context contexts[kMaxDomains + 1];
std::uint64_t space_roots[kMaxSpaces];
Kernel* kernel = nullptr;
DomainId current = kNoDomain;
std::uint64_t scheduler_rsp = 0;

namespace {
alignas(16) std::uint8_t kernel_stacks[kMaxDomains + 1][kKernelStackBytes];
std::uint64_t loaded_root = 0;
}  // namespace

// ---- vector state ---------------------------------------------------------------------
DomainId vector_owner = kNoDomain;
std::uint64_t vector_saves = 0, vector_restores = 0;

namespace {
alignas(16) std::uint8_t vector_area[kMaxDomains + 1][512];   // FXSAVE images
bool vector_saved[kMaxDomains + 1];                           // its image is not initial
alignas(16) std::uint8_t vector_init[512];                    // the initial state
bool vector_kernel_dirty = false;   // the owner's state was not initial when the kernel copied

inline void fxsave(std::uint8_t* area) { asm volatile("fxsave64 %0" : "=m"(*reinterpret_cast<std::uint8_t(*)[512]>(area))); }
inline void fxrstor(const std::uint8_t* area) {
  asm volatile("fxrstor64 %0" : : "m"(*reinterpret_cast<const std::uint8_t(*)[512]>(area)));
}

// Puts away what the registers hold: the owner's state when not initial. True when the
// registers are (still) in the initial state.
inline bool vector_put_away() {
  if (vector_owner == kNoDomain) return true;
  if (eros_vector_clean()) {
    vector_saved[vector_owner] = false;
    return true;
  }
  fxsave(vector_area[vector_owner]);
  vector_saved[vector_owner] = true;
  ++vector_saves;
  return false;
}
}  // namespace

void vector_reset() {
  for (auto& b : vector_init) b = 0;
  vector_init[0] = 0x7F;   // FCW 0x37F
  vector_init[1] = 0x03;
  vector_init[24] = 0x80;  // MXCSR 0x1F80
  vector_init[25] = 0x1F;
  for (bool& s : vector_saved) s = false;
  vector_owner = kNoDomain;
  vector_saves = vector_restores = 0;
  fxrstor(vector_init);
}

void vector_switch(DomainId to) {
  if (to == vector_owner) [[likely]] return;
  const bool initial = vector_put_away();
  if (vector_saved[to]) {
    fxrstor(vector_area[to]);
    ++vector_restores;
  } else if (!initial) {
    fxrstor(vector_init);
  }
  vector_owner = to;
}

void vector_kernel_begin() {
  vector_kernel_dirty = !vector_put_away();
  vector_owner = kNoDomain;
}

void vector_kernel_end() {
  if (vector_kernel_dirty) {
    fxrstor(vector_init);   // MXCSR and x87 too
  } else {
    eros_vector_zero();     // only XMM registers were touched by the copy
  }
}

std::uint64_t activations = 0;
std::uint64_t traps = 0;

void activate(DomainId to) {
  ++activations;
  current = to;
  const Context& c = contexts[to];
  if (c.root != 0) vector_switch(to);   // the kernel's own domain (root 0) has none
  set_kernel_stack(c.kstack_top);
  if (c.root != 0 && c.root != loaded_root) {
    loaded_root = c.root;
    write_cr3(c.root);
  }
}

void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_rsp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  Context& c = contexts[d];
  c.root = root;
  c.kstack_top = reinterpret_cast<std::uint64_t>(kernel_stacks[d] + kKernelStackBytes);
  auto* sp = reinterpret_cast<std::uint64_t*>(c.kstack_top);
  *--sp = kUserData;                 // iretq frame: ss, rsp, rflags, cs, rip
  *--sp = user_rsp;
  *--sp = 0x202;                     // IF set: the timer interrupts ring 3
  *--sp = kUserCode;
  *--sp = entry;
  *--sp = reinterpret_cast<std::uint64_t>(&eros_enter_user);   // eros_switch returns here
  *--sp = 0;                         // rbp
  *--sp = 0;                         // rbx
  *--sp = a0;                        // r12
  *--sp = a1;                        // r13
  *--sp = a2;                        // r14
  *--sp = 0;                         // r15
  c.rsp = reinterpret_cast<std::uint64_t>(sp);
}

void prepare_kernel_domain(DomainId d, void (*entry)()) {
  Context& c = contexts[d];
  c.root = 0;
  c.kstack_top = reinterpret_cast<std::uint64_t>(kernel_stacks[d] + kKernelStackBytes);
  auto* sp = reinterpret_cast<std::uint64_t*>(c.kstack_top);
  *--sp = 0;                         // as if called: rsp + 8 is 16-byte aligned at entry
  *--sp = reinterpret_cast<std::uint64_t>(entry);   // eros_switch returns here
  for (int i = 0; i < 6; ++i) *--sp = 0;            // rbp, rbx, r12..r15
  c.rsp = reinterpret_cast<std::uint64_t>(sp);
}

void deliver_fault(Domain& me, std::uint64_t vector, std::uint64_t error, std::uint64_t address,
                   std::uint64_t rip) {
  // A kernel object in the keeper register would answer at once and the fault repeat.
  const KeyKind kind = me.regs[scenarios::kKeeperRegister].kind;
  if (kind == KeyKind::Number || kind == KeyKind::DomainControl) kernel->halt(me);
  Message m{};
  m.w[0] = vector;
  m.w[1] = error;
  m.w[2] = address;
  m.w[3] = rip;
  // The answer: w0 = 0 restarts the instruction; anything else, or no keeper, halts it.
  const Result& r = kernel->call(me, scenarios::kKeeperRegister, m, ReceiveDesc{});
  if (r.status != Status::Ok || r.w[0] != 0) kernel->halt(me);
}

// ---- time slices -----------------------------------------------------------------------
std::uint64_t timer_ticks = 0, preemptions = 0;
bool scenario_stopped = false;

namespace {
DomainId preempted[kMaxDomains + 1];   // FIFO ring of preempted domains
std::uint32_t preempted_head = 0, preempted_count = 0;
DomainId tick_domain = kNoDomain;       // running at the last tick ...
std::uint64_t tick_activations = 0;     // ... with this many switches so far
std::uint64_t quiet_ticks = 0, trace_at_tick = 0;

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
  trace_at_tick = 0;
  timer_ticks = preemptions = 0;
  scenario_stopped = false;
}

void timer_interrupt() {
  ++timer_ticks;
  const DomainId me = current;
  const bool whole_slice = me == tick_domain && activations == tick_activations;
  const std::uint64_t events = traps;   // invocations so far (the trace may be off)
  quiet_ticks = events == trace_at_tick ? quiet_ticks + 1 : 0;
  trace_at_tick = events;
  if (quiet_ticks >= kWatchdogTicks && !kernel->any_ready()) {
    // Nothing but preempted domains computing, and no invocation for a long time.
    put("watchdog: d");
    put_dec(me);
    put(" ran ");
    put_dec(kWatchdogTicks);
    put(" ticks with no invocation anywhere: scenario stopped\n");
    scenario_stopped = true;
    eros_switch(&contexts[me].rsp, scheduler_rsp);   // never resumed
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
  activate(next);
  tick_domain = next;
  tick_activations = activations;
  eros_switch(&contexts[me].rsp, contexts[next].rsp);
  // Resumed: back to ring 3 where it was interrupted.
}

void run_scheduler() {
  for (;;) {
    DomainId d = scenario_stopped ? kNoDomain : kernel->take_ready();
    if (d == kNoDomain && !scenario_stopped) d = preempted_pop();
    if (d == kNoDomain) break;
    activate(d);
    eros_switch(&scheduler_rsp, contexts[d].rsp);
  }
  current = kNoDomain;
  loaded_root = kernel_root();
  write_cr3(loaded_root);
}

}  // namespace x86

// ---- the seam ----------------------------------------------------------------------------

void X86Platform::switch_to(Domain& from, Domain& to) noexcept {
  x86::activate(to.id);
  eros_switch(&x86::contexts[from.id].rsp, x86::contexts[to.id].rsp);
}

void X86Platform::to_scheduler(Domain& from) noexcept {
  x86::current = kNoDomain;
  eros_switch(&x86::contexts[from.id].rsp, x86::scheduler_rsp);
}

bool X86Platform::readable(const Domain& d, const void* p, std::uint32_t n) const noexcept {
  return x86::user_range_ok(x86::space_roots[d.space], reinterpret_cast<std::uint64_t>(p), n,
                            false);
}

bool X86Platform::writable(const Domain& d, void* p, std::uint32_t n) const noexcept {
  return x86::user_range_ok(x86::space_roots[d.space], reinterpret_cast<std::uint64_t>(p), n,
                            true);
}

void X86Platform::panic(const char* why) noexcept {
  x86::put("kernel panic: ");
  x86::put(why);
  x86::put('\n');
  x86::exit_qemu(2);
}

}  // namespace eros

// ---- the trap ------------------------------------------------------------------------------

namespace {

// The trap's three arguments must be readable (message, receive descriptor) and writable
// (result) by the domain. They are usually on its stack, in one page: then one walk for
// write permission decides for all three (if that page is not writable, the result is not).
bool trap_args_ok(std::uint64_t root, std::uint64_t um, std::uint64_t ur, std::uint64_t ures) {
  using eros::Message, eros::ReceiveDesc, eros::Result;
  const std::uint64_t lo = um < ur ? (um < ures ? um : ures) : (ur < ures ? ur : ures);
  const std::uint64_t e1 = um + sizeof(Message), e2 = ur + sizeof(ReceiveDesc),
                      e3 = ures + sizeof(Result);
  const std::uint64_t hi = e1 > e2 ? (e1 > e3 ? e1 : e3) : (e2 > e3 ? e2 : e3);
  if (e1 > um && e2 > ur && e3 > ures && (lo >> 12) == ((hi - 1) >> 12)) [[likely]]
    return eros::x86::user_range_ok(root, lo, hi - lo, true);
  return eros::x86::user_range_ok(root, um, sizeof(Message), false) &&
         eros::x86::user_range_ok(root, ur, sizeof(ReceiveDesc), false) &&
         eros::x86::user_range_ok(root, ures, sizeof(Result), true);
}

}  // namespace

// Called by eros_syscall_entry on the running domain's kernel stack, with its CR3 loaded.
extern "C" void eros_syscall(std::uint64_t op, std::uint64_t key, const eros::Message* um,
                             const eros::ReceiveDesc* ur, eros::Result* ures) {
  using namespace eros;
  Kernel& k = *x86::kernel;
  Domain& me = k.domain(x86::current);
  ++x86::traps;
  if (op == 3) k.halt(me);   // the program returned (arch/x86_64/user/runtime.cpp)
  const std::uint64_t root = x86::contexts[me.id].root;
  if (op > 2 || !trap_args_ok(root, reinterpret_cast<std::uint64_t>(um),
                              reinterpret_cast<std::uint64_t>(ur),
                              reinterpret_cast<std::uint64_t>(ures))) [[unlikely]] {
    x86::put("fault: d");
    x86::put_dec(me.id);
    x86::put(" bad trap: op ");
    x86::put_dec(op);
    x86::put(" message ");
    x86::put_hex(reinterpret_cast<std::uint64_t>(um));
    x86::put(" receive ");
    x86::put_hex(reinterpret_cast<std::uint64_t>(ur));
    x86::put(" result ");
    x86::put_hex(reinterpret_cast<std::uint64_t>(ures));
    x86::put('\n');
    // Told to its keeper as a fault; resumed, the trap returns having done nothing.
    x86::deliver_fault(me, scenarios::kFaultBadTrap, op, reinterpret_cast<std::uint64_t>(um), 0);
    return;
  }
  const Message m = *um;
  const ReceiveDesc r = *ur;
  const std::uint8_t kr = key < 256 ? static_cast<std::uint8_t>(key) : 255;
  const Result* res;
  switch (static_cast<Op>(op)) {
    case Op::Call: res = &k.call(me, kr, m, r); break;
    case Op::Return: res = &k.return_to(me, kr, m, r); break;
    default: res = &k.send(me, kr, m); break;
  }
  *ures = *res;
  if (x86::vector_owner != me.id) [[unlikely]] x86::vector_switch(me.id);   // after a copy
}
