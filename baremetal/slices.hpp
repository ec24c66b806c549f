// Time slices, the same policy on every machine: a domain that has run a whole tick
// interval with no domain switch is preempted when another can run, and goes to the tail
// of a queue of preempted domains (the core's ready queue is served first). Short work
// between invocations (every compared scenario) is never preempted, so time slicing never
// reorders a trace. When only preempted domains remain and no domain trapped for
// kWatchdogTicks, the watchdog stops the scenario (its domains are left as they are; the
// next scenario builds everything anew). The machine takes the tick and switches stacks.
#pragma once
#include <cstdint>

#include "core/kernel.hpp"

namespace eros::baremetal::slices {

inline constexpr std::uint64_t kWatchdogTicks = 20;

void reset();   // a new scenario

// A timer tick taken in user mode by the running domain `me`. `trapped`: it made a system
// call since the last tick; `switches`: the machine's count of domain switches so far.
struct Tick {
  bool stop;       // the watchdog stopped the scenario: back to the scheduler loop, for good
  DomainId next;   // else the domain to switch to (kNoDomain: `me` runs on)
};
Tick tick(Kernel& k, DomainId me, bool trapped, std::uint64_t switches);
// After the machine made `next` (from tick) the running domain, with this many switches.
void switched(DomainId next, std::uint64_t switches);

// The scheduler loop's next domain: the core's ready queue, then the preempted ones;
// kNoDomain when none is left or the scenario was stopped.
DomainId next(Kernel& k);

// What the last scenario's slices did: ticks taken in user mode, preemptions.
std::uint64_t ticks();
std::uint64_t preemptions();

}  // namespace eros::baremetal::slices
