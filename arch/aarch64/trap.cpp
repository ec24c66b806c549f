// The kernel's EL0 trap: `svc #0` with the message in registers (arch/aarch64/
// user_trap.hpp), or with pointers to it (the pointer form, for programs that write their
// own svc), or the exit trap; and EL0's faults, told to the core (Kernel::fault: the
// keeper decides; without one the domain halts, and the fault is printed).
#include "arch/aarch64/domains.hpp"
#include "baremetal/blob.hpp"
#include "baremetal/print.hpp"

namespace eros::arm64 {
namespace {

using baremetal::hex;
using baremetal::print;

Kernel& core() { return *baremetal::kernel; }
Domain& invoker() { return *current_domain; }

std::uint32_t low4(std::uint64_t v) { return static_cast<std::uint32_t>(v); }
void four(std::uint8_t (&b)[4], std::uint32_t v) { __builtin_memcpy(b, &v, 4); }

const Result& invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  switch (op) {
    case Op::Call: return core().call(invoker(), key, m, rcv);
    case Op::Return: return core().return_to(invoker(), key, m, rcv);
    case Op::Send: break;
  }
  return core().send(invoker(), key, m);
}

// The register form: x8 = 0x10 | op, x0 = key register, x1..x4 = w0..w3,
// x5 = k[0..3] | len << 32, x6 = string, x7 = receive buffer, x9 = limit | r[0..3] << 32.
// Back: x0 = status | key_info << 16 | sent << 32, x1 = landed, x2..x5 = w0..w3.
void register_form(Frame& f, Op op) {
  Message m;
  m.w[0] = f.x[1];
  m.w[1] = f.x[2];
  m.w[2] = f.x[3];
  m.w[3] = f.x[4];
  four(m.k, low4(f.x[5]));
  m.len = static_cast<std::uint32_t>(f.x[5] >> 32);
  m.str = reinterpret_cast<const void*>(f.x[6]);
  ReceiveDesc rcv;
  rcv.buf = reinterpret_cast<void*>(f.x[7]);
  rcv.limit = low4(f.x[9]);
  four(rcv.r, static_cast<std::uint32_t>(f.x[9] >> 32));
  const Result& r = invoke(op, static_cast<std::uint8_t>(f.x[0]), m, rcv);
  f.x[0] = static_cast<std::uint64_t>(r.status) | std::uint64_t{r.key_info} << 16 |
           std::uint64_t{r.sent} << 32;
  f.x[1] = r.landed;
  f.x[2] = r.w[0];
  f.x[3] = r.w[1];
  f.x[4] = r.w[2];
  f.x[5] = r.w[3];
}

// The pointer form: x8 = op (0..2), x0 = key register (beyond 255: 255), x1 = &Message,
// x2 = &ReceiveDesc, x3 = &Result; the structures read and the result written by the
// kernel after a probe of each (PAN off: EL1 reaches EL0's pages as EL0 may). A pointer
// the domain may not use is a BadTrap fault; restarted, the trap does nothing.
void pointer_form(Frame& f, Op op) {
  const std::uint64_t root = current_context->root;
  const std::uint64_t um = f.x[1], ur = f.x[2], ures = f.x[3];
  if (!user_range_ok(root, um, sizeof(Message), false) ||
      (op != Op::Send && !user_range_ok(root, ur, sizeof(ReceiveDesc), false)) ||
      !user_range_ok(root, ures, sizeof(Result), true)) {
    print(put_char, "fault: d{} bad trap: op {} message {} receive {} result {}\n", invoker().id,
          f.x[8], hex(um), hex(ur), hex(ures));
    core().fault(invoker(), FaultKind::BadTrap, f.x[8], um, 0);
    return;
  }
  const Message m = *reinterpret_cast<const Message*>(um);
  const ReceiveDesc rcv = op != Op::Send ? *reinterpret_cast<const ReceiveDesc*>(ur) : ReceiveDesc{};
  const Result& r = invoke(op, f.x[0] > 255 ? 255 : static_cast<std::uint8_t>(f.x[0]), m, rcv);
  *reinterpret_cast<Result*>(ures) = r;   // probed writable at entry; no page is ever unmapped
  f.x[0] = 0;
}

// How the core sees an EL0 exception. Privileged instructions (a trapped MSR/MRS or system
// instruction, WFI/WFE) and addresses no translation regime covers are Protection, as
// x86_64's #GP; BRK #0 is a breakpoint, BRK #3 the software divide check (AArch64 division
// does not trap).
FaultKind kind_of(const Frame& f, UserFault u, std::uint64_t address) {
  const std::uint32_t ec = (f.esr >> 26) & 0x3F;
  switch (u) {
    case UserFault::undefined: return FaultKind::InvalidInstruction;
    case UserFault::translation:
    case UserFault::permission:
    case UserFault::access_flag:
      return address >= kUserTop && address < kKernelHalf ? FaultKind::Protection : FaultKind::PageFault;
    case UserFault::alignment:
    case UserFault::other_abort: return FaultKind::PageFault;
    case UserFault::fp_access: break;
    case UserFault::other: break;
  }
  if (ec == 0x3C) return (f.esr & 0xFFFF) == kBrkDivide ? FaultKind::DivideError : FaultKind::Breakpoint;
  if (ec == 0x18 || ec == 0x01 || ec == 0x0E) return FaultKind::Protection;
  return FaultKind::Other;
}

}  // namespace

void on_svc(Frame& f) {
  svc_seen = true;
  const std::uint64_t op = f.x[8];
  if (op - 0x10 <= 2) return register_form(f, static_cast<Op>(op - 0x10));
  if (op <= 2) return pointer_form(f, static_cast<Op>(op));
  if (op == baremetal::kTrapHalt) core().halt(invoker());   // the program returned
  print(put_char, "fault: d{} bad trap: op {}\n", invoker().id, op);
  core().fault(invoker(), FaultKind::BadTrap, op, 0, 0);
}

void on_user_fault(Frame& f, UserFault u, std::uint64_t address, bool write) {
  Domain& me = invoker();
  if (u == UserFault::fp_access) return fp_take(me.id);   // done again with the registers
  const FaultKind kind = kind_of(f, u, address);
  const std::uint64_t pc = f.elr;
  if (kind == FaultKind::Breakpoint || kind == FaultKind::DivideError)
    f.elr += 4;   // as x86_64's int3: restarted, the domain goes on after it
  if (!core().has_keeper(me))   // no keeper: printed, and the domain halts
    print(put_char, "fault: d{} {} ({}) esr={} pc={} sp={} addr={}{}\n", me.id, name(kind),
          fault_name(u), hex(f.esr), hex(pc), hex(f.sp), hex(address), write ? " (write)" : "");
  core().fault(me, kind, f.esr, address, pc);
}

}  // namespace eros::arm64
