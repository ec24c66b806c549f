// Every scenario of the ring-3 image, on any machine: chosen by the command line, set up
// as the hosted runner sets it up (scenarios/load.hpp), run, then its trace printed in
// sim::to_text form between markers, or its benchmark's report lines.
#pragma once
#include <cstdint>

namespace eros::baremetal {

struct RunOutcome {
  bool all_ran;                       // every chosen scenario fitted the kernel's tables
  std::uint64_t first_domain_ticks;   // kernel entry to the first domain ready, less the harness
};

// `image`: the ring-3 image as the kernel reads it (mapped at kUserImageBase in every
// space); `cmdline`: the kernel's command line. `t_entry` is the cycle count at kernel
// entry and `harness` the ticks spent so far on the test harness's work (the command line),
// which the boot figure leaves out.
RunOutcome run_scenarios(const std::uint8_t* image, const char* cmdline, std::uint64_t t_entry,
                         std::uint64_t harness);

}  // namespace eros::baremetal
