// Time slices: the timer's preemption of domains that compute, the watchdog, and the
// scheduler loop that runs a scenario's ready domains.
#include "arch/x86_64/baremetal.hpp"

namespace eros::x86 {

std::uint64_t timer_ticks = 0, preemptions = 0;
bool scenario_stopped = false;

namespace {
DomainId preempted[kMaxDomains + 1];   // FIFO ring of preempted domains
std::uint32_t preempted_head = 0, preempted_count = 0;
DomainId tick_domain = kNoDomain;       // running at the last tick ...
std::uint64_t tick_activations = 0;     // ... with this many switches so far
std::uint64_t quiet_ticks = 0;

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

void slices_reset() {
  preempted_head = preempted_count = 0;
  tick_domain = kNoDomain;
  tick_activations = 0;
  quiet_ticks = 0;
  user_rsp = 0;
  timer_ticks = preemptions = 0;
  scenario_stopped = false;
}

void timer_interrupt() {
  ++timer_ticks;
  const DomainId me = current_id();
  const bool whole_slice = me == tick_domain && activations == tick_activations;
  quiet_ticks = user_rsp == 0 ? quiet_ticks + 1 : 0;   // no system call since the last tick
  user_rsp = 0;
  if (quiet_ticks >= kWatchdogTicks && !kernel->any_ready()) {
    // Nothing but preempted domains computing, and no invocation for a long time.
    baremetal::console("watchdog: d{} ran {} ticks with no invocation anywhere: scenario stopped\n",
                       me, kWatchdogTicks);
    scenario_stopped = true;
    switch_stack(&contexts[me].rsp, scheduler_rsp);   // never resumed
  }
  if (!whole_slice) {
    tick_domain = me;
    tick_activations = activations;
    return;
  }
  DomainId next = kernel->take_ready();
  if (next == kNoDomain) next = preempted_pop();
  if (next == kNoDomain) return;   // nobody else: it runs on
  preempted_push(me);
  ++preemptions;
  X86Platform::activate(next);
  tick_domain = next;
  tick_activations = activations;
  switch_stack(&contexts[me].rsp, contexts[next].rsp);
  // Resumed: back to ring 3 where it was interrupted.
}

void run_scheduler() {
  for (;;) {
    DomainId d = scenario_stopped ? kNoDomain : kernel->take_ready();
    if (d == kNoDomain && !scenario_stopped) d = preempted_pop();
    if (d == kNoDomain) break;
    X86Platform::activate(d);
    switch_stack(&scheduler_rsp, contexts[d].rsp);
  }
  current_domain = nullptr;
  current_context = nullptr;
  loaded_root = kernel_root();
  write_cr3(loaded_root);
}

}  // namespace eros::x86
