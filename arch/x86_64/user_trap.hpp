// The ring-3 trap on x86_64: one `syscall`. rax = operation, rdi = key register,
// rsi = &message, rdx = &receive descriptor, r10 = &result (written by the kernel).
#pragma once
#include "core/message.hpp"

namespace eros::user::trap {

inline Result invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  Result r;
  register const ReceiveDesc* rdx asm("rdx") = &rcv;
  register Result* r10 asm("r10") = &r;
  std::uint64_t rax = static_cast<std::uint64_t>(op);
  asm volatile("syscall"
               : "+a"(rax)
               : "D"(std::uint64_t{key}), "S"(&m), "r"(rdx), "r"(r10)
               : "rcx", "r11", "memory");
  return r;
}

}  // namespace eros::user::trap
