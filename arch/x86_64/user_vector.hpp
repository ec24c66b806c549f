// A ring-3 domain's vector registers on x86_64 (XMM0-15, MXCSR), for the programs that
// check the kernel keeps them per domain (scenarios/vector.cpp): the control register's
// values, and a trap with every register loaded just before and stored just after, in one
// asm statement. arch/aarch64/user_vector.hpp is the same on arm64 (V0-V31, FPCR).
#pragma once
#include <cstdint>

#include "core/message.hpp"

namespace eros::user::vector {

inline constexpr std::uint32_t kControlInit = 0x1F80;
inline constexpr std::uint32_t kControlServer = 0x3F80;   // rounding down
inline constexpr std::uint32_t kControlClient = 0x7F80;   // rounding toward zero
inline constexpr int kVecWords = 32;                       // xmm0..15, two words each

struct alignas(16) VecRegs {
  std::uint64_t q[kVecWords];
};

#define EROS_XMM_LIST(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define EROS_LOAD(n) "movdqa " #n "*16(%[in]), %%xmm" #n "\n\t"
#define EROS_STORE(n) "movdqa %%xmm" #n ", " #n "*16(%[out])\n\t"
#define EROS_CLOBBER(n) "xmm" #n,

// The trap of arch/x86_64/user_trap.hpp with the vector registers loaded from `in` (and
// MXCSR from mx_in) just before it, and stored to `out` (MXCSR to mx_out) just after.
inline Result vector_trap(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rd,
                   const VecRegs& in, std::uint32_t mx_in, VecRegs& out, std::uint32_t& mx_out) {
  Result r;
  register const ReceiveDesc* rdx asm("rdx") = &rd;
  register Result* r10 asm("r10") = &r;
  std::uint64_t rax = static_cast<std::uint64_t>(op);
  std::uint32_t mo = 0;
  asm volatile("ldmxcsr %[mi]\n\t" EROS_XMM_LIST(EROS_LOAD) "syscall\n\t"
               EROS_XMM_LIST(EROS_STORE) "stmxcsr %[mo]"
               : "+a"(rax), [mo] "=m"(mo)
               : "D"(std::uint64_t{key}), "S"(&m), "r"(rdx), "r"(r10), [in] "r"(&in),
                 [out] "r"(&out), [mi] "m"(mx_in)
               : "rcx", "r11", "memory", EROS_XMM_LIST(EROS_CLOBBER) "cc");
  mx_out = mo;
  return r;
}

// What a domain finds in its vector registers when it first runs.
inline void first_look(VecRegs& out, std::uint32_t& mx) {
  std::uint32_t mo = 0;
  asm volatile(EROS_XMM_LIST(EROS_STORE) "stmxcsr %[mo]" : [mo] "=m"(mo) : [out] "r"(&out) : "memory");
  mx = mo;
}

}  // namespace eros::user::vector
