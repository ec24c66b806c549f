// x86-64 cycle counter: lfence;rdtsc before, rdtscp;lfence after.
// The leading lfence keeps earlier instructions from drifting past the first read;
// rdtscp waits for the measured code to retire and the trailing lfence keeps later
// instructions from starting before the second read.
#include <cpuid.h>
#include <x86intrin.h>

#include <cstdint>
#include <cstring>

#include "bench/method/arch.hpp"
#include "bench/method/method.hpp"

namespace eros::bench {

std::uint64_t ticks_begin() noexcept {
  _mm_lfence();
  return __rdtsc();
}

std::uint64_t ticks_end() noexcept {
  unsigned aux;
  std::uint64_t t = __rdtscp(&aux);
  _mm_lfence();
  return t;
}

namespace arch {

std::optional<CounterFreq> counter_freq_from_cpu() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  const unsigned max_leaf = __get_cpuid_max(0, nullptr);
  unsigned ratio_den = 0, ratio_num = 0, crystal_hz = 0;
  if (max_leaf >= 0x15) {
    __cpuid_count(0x15, 0, a, b, c, d);
    ratio_den = a;
    ratio_num = b;
    crystal_hz = c;
    if (ratio_den != 0 && ratio_num != 0 && crystal_hz != 0) {
      const double hz = double(crystal_hz) * double(ratio_num) / double(ratio_den);
      return CounterFreq{hz / 1e9, "cpuid.0x15 (crystal x ratio)", true};
    }
  }
  if (max_leaf >= 0x16) {
    __cpuid_count(0x16, 0, a, b, c, d);
    const unsigned base_mhz = a & 0xffff;
    if (base_mhz != 0) {
      // The processor base frequency: equal to the TSC rate on most Intel parts, but
      // not architecturally so; method.cpp accepts it only when calibration agrees.
      return CounterFreq{base_mhz / 1e3, "cpuid.0x16 (base frequency)", false};
    }
  }
  // Hypervisor timing leaf (VMware convention, also KVM with some VMMs): TSC in kHz.
  __cpuid(0x40000000, a, b, c, d);
  if (a >= 0x40000010 && a < 0x40010000) {
    __cpuid(0x40000010, a, b, c, d);
    if (a != 0) return CounterFreq{a / 1e6, "cpuid.0x40000010 (hypervisor TSC kHz)", false};
  }
  return std::nullopt;
}

std::string hypervisor_vendor() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  __cpuid(1, a, b, c, d);
  if (!(c & (1u << 31))) return {};
  __cpuid(0x40000000, a, b, c, d);
  char s[13] = {};
  std::memcpy(s, &b, 4);
  std::memcpy(s + 4, &c, 4);
  std::memcpy(s + 8, &d, 4);
  return std::string(s);
}

const char* name() { return "x86_64"; }
const char* counter_description() { return "lfence;rdtsc / rdtscp;lfence"; }

}  // namespace arch
}  // namespace eros::bench
