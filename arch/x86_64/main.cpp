// The bare-metal kernel's start: bring the machine up, then run every scenario of
// scenarios/ with its ring-3 programs, print each trace in sim::to_text form, run the
// benchmarks, and leave QEMU through isa-debug-exit (baremetal/exit_code.hpp: Success when every
// scenario ran).
#include "arch/x86_64/baremetal.hpp"
#include "arch/x86_64/console.hpp"
#include "arch/x86_64/loader.hpp"
#include "baremetal/print.hpp"
#include "baremetal/runner.hpp"

extern "C" {
extern std::uint8_t __user_blob_start[], __user_blob_end[], __bss_end[];
extern void (*__init_array_start[])(), (*__init_array_end[])();
extern std::uint64_t eros_multiboot_info, eros_multiboot_magic;
}

namespace eros::x86 {
namespace {
// The kernel's command line, read before the frames can overwrite it (baremetal/cmdline.hpp:
// its words).
char cmdline[512];
}  // namespace
}  // namespace eros::x86

extern "C" [[noreturn]] void eros_kmain() {
  using namespace eros;
  using namespace eros::x86;
  const std::uint64_t t_entry = X86Platform::cycles();
  serial_init();
  put("\nEROS x86_64 bare metal: long mode, 4-level paging, ring 3 via syscall/sysret\n");
  const BootInfo boot = read_boot_info(eros_multiboot_magic, eros_multiboot_info,
                                       kernel_virt_to_phys(__bss_end));
  if (boot.multiboot == 0) {
    put("not started by a Multiboot loader\n");
    exit_qemu(ExitCode::NoBootInfo);
  }
  // The command line's reading and the scenario selection are the test harness's, not the
  // boot's: their ticks are taken out of the boot figure.
  std::uint64_t harness = X86Platform::cycles();
  read_cmdline(eros_multiboot_magic, eros_multiboot_info, cmdline, sizeof cmdline);
  harness = X86Platform::cycles() - harness;
  for (auto** f = __init_array_start; f != __init_array_end; ++f) (**f)();
  cpu_init();
  timer_init();
  baremetal::frames_init(boot.frames_start,
                         boot.frames_end < kDirectMapBytes ? boot.frames_end : kDirectMapBytes);
  screen_init(boot);
  print_boot_info(boot);
  print_cpu();
  constexpr auto con = &baremetal::machine::put;
  baremetal::print(con, "memory: {} MB, kernel image {} KB, ring-3 image {} KB\n",
                   boot.ram_bytes >> 20, (kernel_virt_to_phys(__bss_end) - 0x100000) >> 10,
                   static_cast<std::uint64_t>(__user_blob_end - __user_blob_start) >> 10);
  const baremetal::RunOutcome run =
      baremetal::run_scenarios(__user_blob_start, cmdline, t_entry, harness);
  timer_stop();
  const char* source = "";
  const std::uint64_t hz = tsc_hz(&source);
  baremetal::print(con, "tsc: {} MHz = {} Hz ({})\n", hz / 1000000, hz, source);
  baremetal::print(con, "boot: kernel entry to first domain ready {} ticks", run.first_domain_ticks);
  if (hz != 0)
    baremetal::print(con, " = {} us at that TSC frequency", run.first_domain_ticks * 1000000 / hz);
  put('\n');
  // Printed last: the boot count above does not depend on it.
  if (cmdline[0] != 0) baremetal::print(con, "command line: {}\n", cmdline);
  put(run.all_ran ? "all scenarios ran\n" : "some scenarios did not run\n");
  exit_qemu(run.all_ran ? ExitCode::Success : ExitCode::NotAllRan);
}
