// The bare-metal arm64 kernel's start: bring the machine up, then run every scenario of
// scenarios/ at EL0 with the core (baremetal/runner.cpp), print each trace in sim::to_text
// form and the benchmarks' lines, and leave QEMU through semihosting (Success when every
// scenario ran).
#include "arch/aarch64/domains.hpp"
#include "arch/aarch64/pmu.hpp"
#include "baremetal/print.hpp"
#include "baremetal/runner.hpp"

extern "C" {
extern std::uint8_t __user_blob_start[], __user_blob_end[];
}

extern "C" [[noreturn]] void eros_kmain(std::uint64_t dtb_pa, std::uint64_t load_pa,
                                        std::uint64_t entry_el) {
  using namespace eros;
  using namespace eros::arm64;
  pmu_init();   // first: the boot figure counts from here
  const std::uint64_t t_entry = Platform::cycles();
  const DeviceTree& dt = bring_up(dtb_pa, load_pa, entry_el);
  baremetal::print(put_char, "ring-3 image: {} KB; FP/SIMD: per domain, lazily (CPACR trap)\n",
                   static_cast<std::uint64_t>(__user_blob_end - __user_blob_start) >> 10);
  const baremetal::RunOutcome run = baremetal::run_scenarios(__user_blob_start, dt.bootargs, t_entry, 0);
  timer_stop();
  baremetal::print(put_char, "pmccntr: one per instruction under -icount shift=0; timer {} ticks in all\n",
                   timer_ticks);
  baremetal::print(put_char, "boot: kernel entry to first domain ready {} ticks\n", run.first_domain_ticks);
  if (dt.bootargs[0] != 0) baremetal::print(put_char, "command line: {}\n", dt.bootargs);
  put(run.all_ran ? "all scenarios ran\n" : "some scenarios did not run\n");
  exit_machine(run.all_ran ? ExitCode::Success : ExitCode::NotAllRan);
}
