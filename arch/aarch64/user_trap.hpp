// The EL0 trap on aarch64: one `svc #0`. x8 = operation, x0 = key register,
// x1 = &message, x2 = &receive descriptor, x3 = &result (for the kernel to write). No
// aarch64 kernel takes it yet: tools/freestanding.sh only compiles user/ against it.
#pragma once
#include "core/message.hpp"

namespace eros::user::trap {

inline Result invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  Result r;
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(op);
  register std::uint64_t x0 asm("x0") = key;
  register const Message* x1 asm("x1") = &m;
  register const ReceiveDesc* x2 asm("x2") = &rcv;
  register Result* x3 asm("x3") = &r;
  asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return r;
}

}  // namespace eros::user::trap
