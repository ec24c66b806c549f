// Exceptions as the vectors hand them over (vectors.S): EL0's are decoded from ESR_EL1
// into system calls, user faults and interrupts for this machine's users (the hooks in
// machine.hpp); any fault of the kernel itself is printed and ends the machine (Panic).
#include "arch/aarch64/machine.hpp"
#include "baremetal/print.hpp"

namespace eros::arm64 {
namespace {

using baremetal::hex;
using baremetal::print;

constexpr std::uint32_t kEcUnknown = 0x00, kEcFpAccess = 0x07, kEcSvc64 = 0x15,
                        kEcInstrAbortLower = 0x20, kEcPcAlignment = 0x22,
                        kEcDataAbortLower = 0x24, kEcSpAlignment = 0x26;

std::uint32_t exception_class(std::uint64_t esr) { return static_cast<std::uint32_t>(esr >> 26) & 0x3F; }

// An abort's fault status code (ISS bits 5:0) as a kind of fault.
UserFault abort_kind(std::uint64_t esr) {
  const std::uint32_t fsc = esr & 0x3F;
  switch (fsc >> 2) {
    case 1: return UserFault::translation;
    case 2: return UserFault::access_flag;
    case 3: return UserFault::permission;
    default: return fsc == 0x21 ? UserFault::alignment : UserFault::other_abort;
  }
}

[[noreturn]] void kernel_fault(const Frame& f, const char* what) {
  print(put_char, "KERNEL FAULT: {} esr={} (class {}) far={} elr={} spsr={} sp={}\n", what,
        hex(f.esr), hex(exception_class(f.esr)), hex(f.far), hex(f.elr), hex(f.spsr),
        hex(reinterpret_cast<std::uint64_t>(&f) + kFrameBytes));
  put("kernel panic: fault in the kernel\n");
  exit_machine(ExitCode::Panic);
}

}  // namespace

const char* fault_name(UserFault f) {
  switch (f) {
    case UserFault::translation: return "translation fault";
    case UserFault::permission: return "permission fault";
    case UserFault::access_flag: return "access flag fault";
    case UserFault::alignment: return "alignment fault";
    case UserFault::other_abort: return "abort";
    case UserFault::undefined: return "undefined instruction";
    case UserFault::fp_access: return "FP/SIMD access";
    case UserFault::other: return "exception";
  }
  return "?";
}

[[noreturn]] void panic(const char* why) {
  print(put_char, "kernel panic: {}\n", why);
  exit_machine(ExitCode::Panic);
}

}  // namespace eros::arm64

void eros::Arm64Platform::panic(const char* why) noexcept { arm64::panic(why); }

using namespace eros::arm64;

extern "C" void eros_el0_sync(Frame* f) {
  const std::uint64_t esr = f->esr;
  switch (exception_class(esr)) {
    case kEcSvc64: panic("svc through el0_sync");   // vectors.S sends it to el0_svc
    case kEcDataAbortLower:
      on_user_fault(*f, abort_kind(esr), f->far, ((esr >> 6) & 1) != 0);
      return;
    case kEcInstrAbortLower: on_user_fault(*f, abort_kind(esr), f->far, false); return;
    case kEcPcAlignment:
    case kEcSpAlignment: on_user_fault(*f, UserFault::alignment, f->far, false); return;
    case kEcUnknown: on_user_fault(*f, UserFault::undefined, f->elr, false); return;
    case kEcFpAccess: on_user_fault(*f, UserFault::fp_access, f->elr, false); return;
    default: on_user_fault(*f, UserFault::other, f->elr, false); return;
  }
}

extern "C" void eros_irq(Frame*, bool from_user) {
  for (;;) {
    const std::uint32_t intid = gic_ack();
    if (intid >= 1020) return;   // spurious, or nothing more
    if (intid != timer_intid) {   // nothing else is enabled
      gic_end(intid);
      continue;
    }
    timer_rearm();
    gic_end(intid);
    ++timer_ticks;
    if (!from_user) ++timer_ticks_el1;
    on_tick(from_user);
  }
}

extern "C" [[noreturn]] void eros_el1_sync(Frame* f) {
  // semihosting's hlt where no debugger takes it: the machine's end goes on without it
  if (exit_in_progress() && exception_class(f->esr) == kEcUnknown) exit_trapped();
  kernel_fault(*f, "synchronous exception at EL1");
}

extern "C" [[noreturn]] void eros_unexpected(Frame* f, std::uint64_t slot) {
  constexpr const char* names[16] = {
      "sync, EL1 on SP_EL0", "IRQ, EL1 on SP_EL0", "FIQ, EL1 on SP_EL0", "SError, EL1 on SP_EL0",
      "sync, EL1", "IRQ, EL1", "FIQ at EL1", "SError at EL1",
      "sync, EL0", "IRQ, EL0", "FIQ from EL0", "SError from EL0",
      "from AArch32", "IRQ from AArch32", "FIQ from AArch32", "SError from AArch32"};
  kernel_fault(*f, names[slot & 15]);
}
