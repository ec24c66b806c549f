// The hosted trap: a plain call into the kernel on the invoker's own fiber.
#pragma once
#include "core/message.hpp"
#include "sim/system.hpp"

namespace eros::user::trap {

// The kernel's fast path is inlined here, so the fiber switch happens in the invoker's own
// frame as a trap would. The arguments pass through an opaque register first, as they
// would through a real trap: the compiler may not fold the kernel's checks away.
[[gnu::always_inline]] inline Result invoke(Op op, std::uint8_t key, const Message& m,
                                             const ReceiveDesc& rcv) {
  const Message* mp = &m;
  const ReceiveDesc* rp = &rcv;
  asm volatile("" : "+r"(key), "+r"(mp), "+r"(rp) : : "memory");
  sim::System* sys = sim::System::active();
  Kernel& k = sys->kernel();
  Domain& me = k.domain(sys->current());
  switch (op) {
    case Op::Call: return k.call(me, key, *mp, *rp);
    case Op::Return: return k.return_to(me, key, *mp, *rp);
    case Op::Send: return k.send(me, key, *mp);
  }
  return Result{Status::UnknownOrder, 0, 0, 0, {}};
}

}  // namespace eros::user::trap

namespace eros::user {

// The hosted platform's faults (sim::System::raise_fault): the running domain raises
// `kind`, as an exception would on bare metal. Returns when its keeper restarts it.
inline void raise_fault(FaultKind kind, std::uint64_t code = 0, std::uint64_t address = 0) {
  sim::System* sys = sim::System::active();
  if (sys == nullptr) sim::usage_error("eros::user::raise_fault", "called outside a running system");
  sys->raise_fault(kind, code, address);
}

}  // namespace eros::user
