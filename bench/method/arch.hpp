// Internal to bench/method: what differs between CPU architectures. One source per
// architecture (ticks_x86_64.cpp, ticks_aarch64.cpp), chosen by meson from
// host_machine.cpu_family(); method.cpp holds everything portable.
#pragma once
#include <optional>
#include <string>

namespace eros::bench::arch {

// The counter frequency as the CPU itself states it (x86: CPUID 0x15, else 0x16, else the
// hypervisor's leaf 0x40000010; aarch64: CNTFRQ_EL0), or nothing. `source` names the
// leaf/register.
struct CounterFreq {
  double ghz = 0;
  std::string source;
  bool exact = false;  // true when architecturally defined as the counter's rate
};
std::optional<CounterFreq> counter_freq_from_cpu();

// The hypervisor's vendor signature (x86: CPUID 0x40000000, e.g. "KVMKVMKVM"),
// empty when there is none or the architecture has no such leaf.
std::string hypervisor_vendor();

// "x86_64" or "aarch64".
const char* name();

// The instruction pair used for ticks_begin/ticks_end, for the environment block.
const char* counter_description();

}  // namespace eros::bench::arch
