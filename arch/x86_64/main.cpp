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

// The kernel's command line (Multiboot 1: QEMU's -append; Multiboot 2: GRUB's), read
// before the frames can overwrite it (baremetal/cmdline.hpp: its words).
char cmdline[512];

void read_cmdline(std::uint64_t magic, std::uint64_t info) {
  const char* from = nullptr;
  if (magic == kMultiboot1Magic) {
    const auto* mb = phys_to_virt<const std::uint32_t>(info);
    if ((mb[0] & 4) != 0 && mb[4] != 0) from = phys_to_virt<const char>(mb[4]);
  } else if (magic == kMultiboot2Magic) {
    const auto* base = phys_to_virt<const std::uint8_t>(info);
    const std::uint32_t total = *reinterpret_cast<const std::uint32_t*>(base);
    for (std::uint32_t off = 8; off + 8 <= total && off < 16384;) {
      const auto* tag = reinterpret_cast<const std::uint32_t*>(base + off);
      if (tag[0] == 0 || tag[1] < 8) break;
      if (tag[0] == 1) {   // the boot command line
        from = reinterpret_cast<const char*>(base + off + 8);
        break;
      }
      off += (tag[1] + 7) & ~7u;
    }
  }
  std::uint32_t i = 0;
  if (from != nullptr)
    for (; i + 1 < sizeof cmdline && from[i] != 0; ++i) cmdline[i] = from[i];
  cmdline[i] = 0;
}

void print_cpu() {
  std::uint32_t brand[12] = {};
  std::uint32_t max_ext;
  asm volatile("cpuid" : "=a"(max_ext) : "a"(0x80000000) : "rbx", "rcx", "rdx");
  if (max_ext >= 0x80000004) {
    for (std::uint32_t leaf = 0; leaf < 3; ++leaf)
      asm volatile("cpuid"
                   : "=a"(brand[leaf * 4]), "=b"(brand[leaf * 4 + 1]), "=c"(brand[leaf * 4 + 2]),
                     "=d"(brand[leaf * 4 + 3])
                   : "a"(0x80000002 + leaf), "c"(0));
  }
  char text[49] = {};
  for (int i = 0; i < 48; ++i) text[i] = reinterpret_cast<const char*>(brand)[i];
  baremetal::print(&baremetal::machine::put, "cpu: {}{}\n", text[0] != 0 ? text : "(no brand string)",
                   pcid_enabled ? " (PCID on)" : "");
}

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
  read_cmdline(eros_multiboot_magic, eros_multiboot_info);
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
