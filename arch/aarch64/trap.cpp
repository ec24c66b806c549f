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

const Result& invoke(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rcv) {
  switch (op) {
    case Op::Call: return core().call(invoker(), key, m, rcv);
    case Op::Return: return core().return_to(invoker(), key, m, rcv);
    case Op::Send: break;
  }
  return core().send(invoker(), key, m);
}

// The pointer form: x8 = op (0..2), x0 = key register (beyond 255: 255), x1 = &Message,
// x2 = &ReceiveDesc, x3 = &Result; the structures read and the result written by the
// kernel after a probe of each (PAN off: EL1 reaches EL0's pages as EL0 may). A pointer
// the domain may not use is a BadTrap fault; restarted, the trap does nothing.
void pointer_form(SvcFrame& f, Op op) {
  const std::uint64_t root = current_context->root;
  const std::uint64_t um = f.x1, ur = f.x2, ures = f.x3;
  if (!user_range_ok(root, um, sizeof(Message), false) ||
      (op != Op::Send && !user_range_ok(root, ur, sizeof(ReceiveDesc), false)) ||
      !user_range_ok(root, ures, sizeof(Result), true)) {
    print(put_char, "fault: d{} bad trap: op {} message {} receive {} result {}\n", invoker().id,
          f.x8, hex(um), hex(ur), hex(ures));
    core().fault(invoker(), FaultKind::BadTrap, f.x8, um, 0);
    return;
  }
  const Message m = *reinterpret_cast<const Message*>(um);
  const ReceiveDesc rcv = op != Op::Send ? *reinterpret_cast<const ReceiveDesc*>(ur) : ReceiveDesc{};
  const Result& r = invoke(op, f.x0 > 255 ? 255 : static_cast<std::uint8_t>(f.x0), m, rcv);
  *reinterpret_cast<Result*>(ures) = r;   // probed writable at entry; no page is ever unmapped
  f.x0 = 0;
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

// The register form (arch/aarch64/user_trap.hpp), from el0_svc: the Message is the saved
// x1..x6 and the ReceiveDesc, right after it, x7 and x9; the key register is x0's low byte.
namespace {
using namespace eros;
const ReceiveDesc& receive_of(const void* m) {
  return *reinterpret_cast<const ReceiveDesc*>(static_cast<const Message*>(m) + 1);
}
}  // namespace
extern "C" const void* eros_svc_call(std::uint64_t key, const void* m) {
  return &arm64::core().call(arm64::invoker(), static_cast<std::uint8_t>(key),
                             *static_cast<const Message*>(m), receive_of(m));
}
extern "C" const void* eros_svc_return(std::uint64_t key, const void* m) {
  return &arm64::core().return_to(arm64::invoker(), static_cast<std::uint8_t>(key),
                                  *static_cast<const Message*>(m), receive_of(m));
}
extern "C" const void* eros_svc_send(std::uint64_t key, const void* m) {
  return &arm64::core().send(arm64::invoker(), static_cast<std::uint8_t>(key),
                             *static_cast<const Message*>(m));
}
namespace {
static_assert(offsetof(arm64::SvcFrame, x1) == SVC_MESSAGE &&
              sizeof(Message) == SVC_RECEIVE - SVC_MESSAGE &&
              sizeof(ReceiveDesc) == SVC_X8 - SVC_RECEIVE);
static_assert(offsetof(Result, landed) == 8 && offsetof(Result, w) == 16 && sizeof(Result) == 48);
}  // namespace

static_assert(static_cast<int>(Op::Call) == 0 && static_cast<int>(Op::Return) == 1 &&
              static_cast<int>(Op::Send) == 2);   // x8 = 0x10 | op

// Every other svc: the pointer form (x8 = op), the exit trap, or no such operation.
extern "C" void eros_svc_slow(arm64::SvcFrame* f) {
  using namespace arm64;
  const std::uint64_t op = f->x8;
  if (op <= 2) return pointer_form(*f, static_cast<Op>(op));
  if (op == baremetal::kTrapHalt) core().halt(invoker());   // the program returned
  print(put_char, "fault: d{} bad trap: op {}\n", invoker().id, op);
  core().fault(invoker(), FaultKind::BadTrap, op, 0, 0);
}
