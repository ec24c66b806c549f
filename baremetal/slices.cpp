// The time-slice policy and the watchdog (slices.hpp).
#include "baremetal/slices.hpp"

#include "baremetal/layout.hpp"
#include "baremetal/machine.hpp"

namespace eros::baremetal::slices {
namespace {

DomainId preempted[kMaxDomains + 1];   // FIFO ring of preempted domains
std::uint32_t preempted_head = 0, preempted_count = 0;
DomainId tick_domain = kNoDomain;       // running at the last tick
std::uint64_t quiet_ticks = 0;
std::uint64_t tick_count = 0, preemption_count = 0;
bool stopped = false;

void preempted_push(DomainId d) {
  preempted[(preempted_head + preempted_count++) % (kMaxDomains + 1)] = d;
}
DomainId preempted_pop() {
  if (preempted_count == 0) return kNoDomain;
  const DomainId d = preempted[preempted_head];
  preempted_head = (preempted_head + 1) % (kMaxDomains + 1);
  --preempted_count;
  return d;
}

}  // namespace

void reset() {
  preempted_head = preempted_count = 0;
  tick_domain = kNoDomain;
  quiet_ticks = 0;
  tick_count = preemption_count = 0;
  stopped = false;
}

Tick tick(Kernel& k, DomainId me, bool trapped, bool unswitched) {
  ++tick_count;
  const bool whole_slice = me == tick_domain && unswitched;
  quiet_ticks = trapped ? 0 : quiet_ticks + 1;
  if (quiet_ticks >= kWatchdogTicks && !k.any_ready()) {
    // Nothing but preempted domains computing, and no invocation for a long time.
    console("watchdog: d{} ran {} ticks with no invocation anywhere: scenario stopped\n", me,
            kWatchdogTicks);
    stopped = true;
    return {true, kNoDomain};
  }
  if (!whole_slice) {
    tick_domain = me;
    return {false, kNoDomain};
  }
  DomainId next = k.take_ready();
  if (next == kNoDomain) next = preempted_pop();
  if (next == kNoDomain) return {false, kNoDomain};   // nobody else: it runs on
  preempted_push(me);
  ++preemption_count;
  tick_domain = next;
  return {false, next};
}

DomainId next(Kernel& k) {
  if (stopped) return kNoDomain;
  const DomainId d = k.take_ready();
  return d != kNoDomain ? d : preempted_pop();
}

std::uint64_t ticks() { return tick_count; }
std::uint64_t preemptions() { return preemption_count; }

}  // namespace eros::baremetal::slices
