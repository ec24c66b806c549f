// The ring-3 trap on x86_64: one `syscall` with the message in registers (the register
// form of boot.S: eros_syscall_entry). rax = 0x10 | operation, rdi = key register,
// rsi rdx r10 r8 = w0..w3, r9 = k[0..3] | len << 32, r12 = string, r13 = receive buffer,
// r14 = receive limit | r[0..3] << 32. Back: rax = status | key_info << 16 | sent << 32,
// rdi = landed, rsi rdx r10 r8 = w0..w3; rcx and r11 clobbered, every other register kept.
// The kernel also takes the pointer form (rax = operation, rsi = &Message, rdx =
// &ReceiveDesc, r10 = &Result), which programs that write their own `syscall` use.
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
  std::uint64_t rax = kRegisterForm | static_cast<std::uint64_t>(op);
  std::uint64_t rdi = key;
  register std::uint64_t rsi asm("rsi") = m.w[0];
  register std::uint64_t rdx asm("rdx") = m.w[1];
  register std::uint64_t r10 asm("r10") = m.w[2];
  register std::uint64_t r8 asm("r8") = m.w[3];
  register std::uint64_t r9 asm("r9") = four(m.k) | std::uint64_t{m.len} << 32;
  register const void* r12 asm("r12") = m.str;
  register void* r13 asm("r13") = rcv.buf;
  register std::uint64_t r14 asm("r14") = rcv.limit | std::uint64_t{four(rcv.r)} << 32;
  asm volatile("syscall"
               : "+a"(rax), "+D"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
               : "r"(r9), "r"(r12), "r"(r13), "r"(r14)
               : "rcx", "r11", "memory");
  static_assert(offsetof(Result, landed) == 8 && offsetof(Result, w) == 16);
  Result r;
  r.status = static_cast<Status>(rax & 0xFF);
  r.key_info = static_cast<std::uint16_t>(rax >> 16);
  r.sent = static_cast<std::uint32_t>(rax >> 32);
  r.landed = static_cast<std::uint32_t>(rdi);
  r.w[0] = rsi;
  r.w[1] = rdx;
  r.w[2] = r10;
  r.w[3] = r8;
  return r;
}

}  // namespace eros::user::trap
