// The EL0 trap on aarch64: one `svc #0` with the message in registers (the register form
// of arch/aarch64/trap.cpp). x8 = 0x10 | operation, x0 = key register, x1..x4 = w0..w3,
// x5 = k[0..3] | len << 32, x6 = string, x7 = receive buffer, x9 = receive limit |
// r[0..3] << 32. Back: x0 = status | key_info << 16 | sent << 32, x1 = landed,
// x2..x5 = w0..w3; every other register kept. The kernel also takes the pointer form
// (x8 = operation, x1 = &Message, x2 = &ReceiveDesc, x3 = &Result), which programs that
// write their own `svc` use.
#pragma once
#include <cstddef>

#include "core/message.hpp"

namespace eros::user::trap {

inline constexpr std::uint64_t kRegisterForm = 0x10;

inline std::uint32_t four(const std::uint8_t (&b)[4]) {
  std::uint32_t v;
  __builtin_memcpy(&v, b, sizeof v);
  return v;
}

inline Result invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  register std::uint64_t x8 asm("x8") = kRegisterForm | static_cast<std::uint64_t>(op);
  register std::uint64_t x0 asm("x0") = key;
  register std::uint64_t x1 asm("x1") = m.w[0];
  register std::uint64_t x2 asm("x2") = m.w[1];
  register std::uint64_t x3 asm("x3") = m.w[2];
  register std::uint64_t x4 asm("x4") = m.w[3];
  register std::uint64_t x5 asm("x5") = four(m.k) | std::uint64_t{m.len} << 32;
  register const void* x6 asm("x6") = m.str;
  register void* x7 asm("x7") = rcv.buf;
  register std::uint64_t x9 asm("x9") = rcv.limit | std::uint64_t{four(rcv.r)} << 32;
  asm volatile("svc #0"
               : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
               : "r"(x8), "r"(x6), "r"(x7), "r"(x9)
               : "memory");
  static_assert(offsetof(Result, landed) == 8 && offsetof(Result, w) == 16);
  Result r;
  r.status = static_cast<Status>(x0 & 0xFF);
  r.key_info = static_cast<std::uint16_t>(x0 >> 16);
  r.sent = static_cast<std::uint32_t>(x0 >> 32);
  r.landed = static_cast<std::uint32_t>(x1);
  r.w[0] = x2;
  r.w[1] = x3;
  r.w[2] = x4;
  r.w[3] = x5;
  return r;
}

}  // namespace eros::user::trap
