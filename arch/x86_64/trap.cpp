// The system call's C++ side: the three operations into the core, and the irregular traps.
#include "arch/x86_64/baremetal.hpp"
#include "baremetal/blob.hpp"

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
  baremetal::console("fault: d{} bad trap: op {} message {} receive {} result {}\n", me.id, op,
                     baremetal::hex(um), baremetal::hex(ur), baremetal::hex(ures));
  // Told to its keeper as a fault; restarted, the trap returns having done nothing.
  k.fault(me, FaultKind::BadTrap, op, um, 0);
}
