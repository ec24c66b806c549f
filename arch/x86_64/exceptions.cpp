// Exceptions and interrupts from ring 3 and from the kernel: the timer's tick, a fault of
// the trap's own access to a domain's structures, a first vector instruction, and faults
// told to the domain's keeper (or printed, and in the kernel a panic).
#include "arch/x86_64/baremetal.hpp"

extern "C" {
// boot.S: the trap's accesses to a domain's structures, and where a fault on them goes.
extern const char eros_uaccess_in[], eros_uaccess_in_end[], eros_uaccess_in_fault[];
extern const char eros_uaccess_out[], eros_uaccess_out_end[], eros_uaccess_out_fault[];
}

namespace eros::x86 {

namespace {
FaultKind fault_kind_of(std::uint64_t vector) {
  switch (vector) {
    case 0: return FaultKind::DivideError;
    case 3: return FaultKind::Breakpoint;
    case 6: return FaultKind::InvalidInstruction;
    case 13: return FaultKind::Protection;
    case 14: return FaultKind::PageFault;
    default: return FaultKind::Other;
  }
}
}  // namespace

void deliver_fault(Domain& me, std::uint64_t vector, std::uint64_t error, std::uint64_t address,
                   std::uint64_t rip) {
  kernel->fault(me, fault_kind_of(vector), vector << 32 | (error & 0xffffffff), address, rip);
}

}  // namespace eros::x86

namespace {

struct TrapFrame {
  std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  std::uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

const char* exception_name(std::uint64_t v) {
  constexpr const char* names[32] = {
      "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
      "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
      "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
      "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
      "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
      "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
      "reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV", "#VC", "#SX",
      "reserved 31"};
  return v < 32 ? names[v] : "?";
}

}  // namespace

extern "C" void eros_exception(TrapFrame* f) {
  using namespace eros::x86;
  const bool user = (f->cs & 3) == 3;
  if (f->vector == 32) {   // the LAPIC timer: only ever taken in ring 3 (the kernel runs with IF clear)
    lapic_eoi();
    if (user && kernel != nullptr && current_id() != eros::kNoDomain) timer_interrupt();
    return;
  }
  if (!user) {
    // A fault of the trap's own access to the domain's structures (boot.S, the pointer
    // form): the domain's, not the kernel's. Its fixup refuses the trap (or, on the way
    // out, leaves the result unwritten).
    const auto rip = f->rip;
    if (rip >= reinterpret_cast<std::uint64_t>(eros_uaccess_in) &&
        rip < reinterpret_cast<std::uint64_t>(eros_uaccess_in_end)) {
      f->rip = reinterpret_cast<std::uint64_t>(eros_uaccess_in_fault);
      return;
    }
    if (rip >= reinterpret_cast<std::uint64_t>(eros_uaccess_out) &&
        rip < reinterpret_cast<std::uint64_t>(eros_uaccess_out_end)) {
      f->rip = reinterpret_cast<std::uint64_t>(eros_uaccess_out_fault);
      return;
    }
  }
  if (user && f->vector == 7 && current_id() != eros::kNoDomain) {
    vector_first_use(current_id());   // CR0.TS: its first vector instruction, done again
    return;
  }
  if (user && kernel != nullptr && current_id() != eros::kNoDomain &&
      kernel->has_keeper(kernel->domain(current_id()))) {
    // Told to its keeper, not printed: the keeper decides. Restarted, iretq runs the
    // faulting instruction again.
    deliver_fault(kernel->domain(current_id()), f->vector, f->error,
                  f->vector == 14 ? read_cr2() : f->rip, f->rip);
    return;
  }
  using eros::baremetal::console;
  using eros::baremetal::hex;
  console("{}{} {} (vector {}) error={} rip={} rsp={}", user ? "fault: d" : "KERNEL FAULT: d",
          current_id(), exception_name(f->vector), f->vector, hex(f->error), hex(f->rip),
          hex(f->rsp));
  if (f->vector == 14) console(" addr={}", hex(read_cr2()));
  console("\n");
  if (!user || kernel == nullptr || current_id() == eros::kNoDomain) {
    console("kernel panic: fault in the kernel\n");
    exit_qemu(ExitCode::Panic);
  }
  // No keeper (void, stale, or a kernel object, which would answer at once): the core
  // traces the fault and halts the domain (every key to it becomes void); the others go on.
  deliver_fault(kernel->domain(current_id()), f->vector, f->error,
                f->vector == 14 ? read_cr2() : f->rip, f->rip);
}
