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
// call since the last tick; `unswitched`: no domain switch since the last tick (the
// machine's switch clears a flag, which the machine sets again after every tick: a store
// costs the switch less than a counter).
struct Tick {
  bool stop;       // the watchdog stopped the scenario: back to the scheduler loop, for good
  DomainId next;   // else the domain to switch to (kNoDomain: `me` runs on)
};
Tick tick(Kernel& k, DomainId me, bool trapped, bool unswitched);

// The scheduler loop's next domain: the core's ready queue, then the preempted ones;
// kNoDomain when none is left or the scenario was stopped.
DomainId next(Kernel& k);

// What the last scenario's slices did: ticks taken in user mode, preemptions.
std::uint64_t ticks();
std::uint64_t preemptions();

}  // namespace eros::baremetal::slices
