// An EL0 domain's vector registers on arm64 (V0-V31, FPCR), for the programs that check
// the kernel keeps them per domain (scenarios/vector.cpp): the control register's values
// (FPCR's rounding mode, bits 23:22, in MXCSR's role), and a trap with every register loaded
// just before and stored just after, in one asm statement. As arch/x86_64/user_vector.hpp.
#pragma once
#include <cstdint>

#include "core/message.hpp"

namespace eros::user::vector {

inline constexpr std::uint32_t kControlInit = 0;           // FPCR as the kernel starts a domain
inline constexpr std::uint32_t kControlServer = 0x800000;  // rounding toward minus infinity
inline constexpr std::uint32_t kControlClient = 0xC00000;  // rounding toward zero
inline constexpr int kVecWords = 64;                       // v0..v31, two words each

struct alignas(16) VecRegs {
  std::uint64_t q[kVecWords];
};

#define EROS_V_LIST(X) X(0, 1) X(2, 3) X(4, 5) X(6, 7) X(8, 9) X(10, 11) X(12, 13) X(14, 15) \
  X(16, 17) X(18, 19) X(20, 21) X(22, 23) X(24, 25) X(26, 27) X(28, 29) X(30, 31)
#define EROS_LOAD(a, b) "ldp q" #a ", q" #b ", [%[in], #" #a " * 16]\n\t"
#define EROS_STORE(a, b) "stp q" #a ", q" #b ", [%[out], #" #a " * 16]\n\t"
#define EROS_CLOBBER(a, b) "v" #a, "v" #b,

// The pointer form of arch/aarch64/user_trap.hpp (x8 = op, x1 = &m, x2 = &rd, x3 = &r)
// with V0-V31 loaded from `in` (and FPCR from mx_in) just before it, and stored to `out`
// (FPCR to mx_out) just after.
inline Result vector_trap(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rd,
                   const VecRegs& in, std::uint32_t mx_in, VecRegs& out, std::uint32_t& mx_out) {
  Result r;
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(op);
  register std::uint64_t x0 asm("x0") = key;
  register const Message* x1 asm("x1") = &m;
  register const ReceiveDesc* x2 asm("x2") = &rd;
  register Result* x3 asm("x3") = &r;
  std::uint64_t mo = 0;
  asm volatile("msr fpcr, %[mi]\n\t" EROS_V_LIST(EROS_LOAD) "svc #0\n\t"
               EROS_V_LIST(EROS_STORE) "mrs %[mo], fpcr"
               : "+r"(x0), [mo] "=&r"(mo)
               : "r"(x8), "r"(x1), "r"(x2), "r"(x3), [in] "r"(&in), [out] "r"(&out),
                 [mi] "r"(std::uint64_t{mx_in})
               : "memory", EROS_V_LIST(EROS_CLOBBER) "cc");
  mx_out = static_cast<std::uint32_t>(mo);
  return r;
}

// What a domain finds in its vector registers when it first runs.
inline void first_look(VecRegs& out, std::uint32_t& mx) {
  std::uint64_t mo = 0;
  asm volatile(EROS_V_LIST(EROS_STORE) "mrs %[mo], fpcr" : [mo] "=r"(mo) : [out] "r"(&out) : "memory");
  mx = static_cast<std::uint32_t>(mo);
}

}  // namespace eros::user::vector
