// The machine's end: semihosting SYS_EXIT, else PSCI SYSTEM_OFF, else WFI forever.
#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {
namespace {
DeviceTree::Psci psci = DeviceTree::Psci::none;
volatile bool exiting = false;
constexpr std::uint64_t kSysExit = 0x18, kApplicationExit = 0x20026;
constexpr std::uint64_t kPsciSystemOff = 0x84000008;
}  // namespace

void exit_set_psci(DeviceTree::Psci how) { psci = how; }
bool exit_in_progress() { return exiting; }

[[noreturn]] void exit_trapped() {
  // PSCI's conduit as the tree says: smc when EL2 is the guest's (QEMU virtualization=on),
  // hvc when a hypervisor or QEMU's own PSCI sits above EL1.
  register std::uint64_t x0 asm("x0") = kPsciSystemOff;
  if (psci == DeviceTree::Psci::hvc) asm volatile("hvc #0" : "+r"(x0) : : "memory");
  if (psci == DeviceTree::Psci::smc) asm volatile("smc #0" : "+r"(x0) : : "memory");
  for (;;) asm volatile("msr daifset, #0xf; wfi");
}

[[noreturn]] void exit_machine(ExitCode code) {
  timer_stop();
  exiting = true;   // a trapping hlt (no semihosting) comes to exit_trapped
  const std::uint64_t block[2] = {kApplicationExit, static_cast<std::uint64_t>(code)};
  register std::uint64_t x0 asm("x0") = kSysExit;
  register const std::uint64_t* x1 asm("x1") = block;
  asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  exit_trapped();
}

}  // namespace eros::arm64
