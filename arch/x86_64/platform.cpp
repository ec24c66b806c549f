// X86Platform: the seam the core is compiled against, on bare metal. A domain's context is
// its own kernel stack: switch_to is a kernel-stack switch plus a CR3 load when the space
// changes; the probes walk the domain's real page tables.
#include "arch/x86_64/baremetal.hpp"

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

void activate(DomainId to) {
  current = to;
  const Context& c = contexts[to];
  set_kernel_stack(c.kstack_top);
  if (c.root != loaded_root) {
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
  *--sp = 0x002;                     // IF clear: no interrupt source is enabled yet
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

void run_scheduler() {
  for (DomainId d; (d = kernel->take_ready()) != kNoDomain;) {
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

// Both ranges were probed. The source is in the running space; the destination is reached
// through the direct map, one destination page at a time.
void X86Platform::copy_across(const Domain& to, void* dst, const Domain&, const void* src,
                              std::uint32_t n) noexcept {
  const std::uint64_t root = x86::space_roots[to.space];
  auto d = reinterpret_cast<std::uint64_t>(dst);
  auto* s = static_cast<const std::uint8_t*>(src);
  while (n != 0) {
    const std::uint64_t in_page = x86::kPage - (d & (x86::kPage - 1));
    const std::uint32_t chunk = in_page < n ? static_cast<std::uint32_t>(in_page) : n;
    copy_string(x86::phys_to_virt(x86::translate(root, d)), s, chunk);
    d += chunk;
    s += chunk;
    n -= chunk;
  }
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
    k.halt(me);
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
}
