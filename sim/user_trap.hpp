// The hosted trap: a plain call into the kernel on the invoker's own fiber.
#pragma once
#include "core/message.hpp"
#include "sim/system.hpp"

namespace eros::user::trap {

inline Result invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  sim::System* sys = sim::System::active();
  Kernel& k = sys->kernel();
  Domain& me = k.domain(sys->current());
  switch (op) {
    case Op::Call: return k.call(me, key, m, rcv);
    case Op::Return: return k.return_to(me, key, m, rcv);
    case Op::Send: return k.send(me, key, m);
  }
  return Result{Status::BadOrder, 0, 0, 0, {}};
}

}  // namespace eros::user::trap
