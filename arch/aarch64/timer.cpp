// The generic timer's virtual channel as the periodic tick: a compare value advanced by
// one period at each interrupt (no drift from the handler's own time). QEMU virt counts
// at 62.5 MHz; under -icount shift=0 a count is 16 guest instructions.
#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {

std::uint64_t timer_ticks = 0, timer_ticks_el1 = 0;
std::uint32_t timer_intid = ~0u;

namespace {
std::uint64_t period = 0;
}

std::uint64_t timer_hz() { return EROS_SYSREG_READ(cntfrq_el0); }

void timer_init(std::uint32_t intid, std::uint64_t period_us) {
  period = timer_hz() * period_us / 1000000;
  // EL0 may read the virtual count (user code's clock); not the timers.
  EROS_SYSREG_WRITE(cntkctl_el1, 1u << 1);
  timer_intid = intid;
  gic_enable(intid);
  EROS_SYSREG_WRITE(cntv_cval_el0, EROS_SYSREG_READ(cntvct_el0) + period);
  EROS_SYSREG_WRITE(cntv_ctl_el0, 1);   // ENABLE, not masked
  isb();
}

void timer_rearm() {
  std::uint64_t next = EROS_SYSREG_READ(cntv_cval_el0) + period;
  const std::uint64_t now = EROS_SYSREG_READ(cntvct_el0);
  if (next <= now) next = now + period;   // a tick was missed: start afresh
  EROS_SYSREG_WRITE(cntv_cval_el0, next);
  isb();
}

void timer_stop() {
  EROS_SYSREG_WRITE(cntv_ctl_el0, 2);   // IMASK, disabled
  isb();
}

}  // namespace eros::arm64
