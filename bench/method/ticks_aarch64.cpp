// aarch64 counter: the generic timer's virtual count, isb before the read so the
// measured code cannot drift across it. CNTFRQ_EL0 states its rate exactly.
#include <cstdint>

#include "bench/method/arch.hpp"
#include "bench/method/method.hpp"

namespace eros::bench {

namespace {
inline std::uint64_t read_cntvct() noexcept {
  std::uint64_t v;
  asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
  return v;
}
}  // namespace

std::uint64_t ticks_begin() noexcept { return read_cntvct(); }

std::uint64_t ticks_end() noexcept {
  std::uint64_t v = read_cntvct();
  asm volatile("isb" : : : "memory");
  return v;
}

namespace arch {

std::optional<CounterFreq> counter_freq_from_cpu() {
  std::uint64_t f;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
  if (f == 0) return std::nullopt;
  return CounterFreq{double(f) / 1e9, "cntfrq_el0", true};
}

std::string hypervisor_vendor() { return {}; }
const char* name() { return "aarch64"; }
const char* counter_description() { return "isb;mrs cntvct_el0 / isb;mrs cntvct_el0;isb"; }

}  // namespace arch
}  // namespace eros::bench
