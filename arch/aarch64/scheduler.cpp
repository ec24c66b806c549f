// The scheduler loop and time slices: the core's ready queue first, then the domains the
// timer preempted, in turn; the watchdog that stops a scenario whose domains only compute.
#include "arch/aarch64/domains.hpp"
#include "baremetal/print.hpp"

namespace eros::arm64 {

std::uint64_t scheduler_sp = 0;
std::uint64_t slice_ticks = 0, preemptions = 0;

namespace {
using baremetal::kMaxDomains;
using Platform = eros::Arm64Platform;

DomainId preempted[kMaxDomains + 1];   // FIFO ring of preempted domains
std::uint32_t preempted_head = 0, preempted_count = 0;
DomainId tick_domain = kNoDomain;       // running at the last tick (and since then, when
                                        // cpu.unswitched: no activate() since)
std::uint64_t quiet_ticks = 0;
bool scenario_stopped = false;

void preempted_push(DomainId d) { preempted[(preempted_head + preempted_count++) % (kMaxDomains + 1)] = d; }
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
  cpu.unswitched = false;
  quiet_ticks = 0;
  eros_user_sp = 0;
  slice_ticks = preemptions = 0;
  scenario_stopped = false;
}

// A tick taken at EL0, on the running domain's kernel stack.
void on_tick(bool from_user) {
  Kernel* const k = baremetal::kernel;
  if (!from_user || k == nullptr || current_id() == kNoDomain) return;
  ++slice_ticks;
  const DomainId me = current_id();
  const bool whole_slice = me == tick_domain && cpu.unswitched;
  quiet_ticks = eros_user_sp != 0 ? 0 : quiet_ticks + 1;   // no svc since the last tick
  eros_user_sp = 0;
  if (quiet_ticks >= kWatchdogTicks && !k->any_ready()) {
    baremetal::print(put_char, "watchdog: d{} ran {} ticks with no invocation anywhere: scenario stopped\n",
                     me, kWatchdogTicks);
    scenario_stopped = true;
    switch_stack(&Platform::contexts[me].sp, scheduler_sp);   // never resumed
  }
  if (!whole_slice) {
    tick_domain = me;
    cpu.unswitched = true;
    return;
  }
  DomainId next = k->take_ready();
  if (next == kNoDomain) next = preempted_pop();
  if (next == kNoDomain) return;   // nobody else: it runs on
  preempted_push(me);
  ++preemptions;
  Platform::activate(next);
  tick_domain = next;
  cpu.unswitched = true;
  switch_stack(&Platform::contexts[me].sp, Platform::contexts[next].sp);
  // Resumed: back to EL0 where it was interrupted.
}

void run_scheduler() {
  Kernel& k = *baremetal::kernel;
  for (;;) {
    DomainId d = scenario_stopped ? kNoDomain : k.take_ready();
    if (d == kNoDomain && !scenario_stopped) d = preempted_pop();
    if (d == kNoDomain) break;
    Platform::activate(d);
    switch_stack(&scheduler_sp, Platform::contexts[d].sp);
  }
  current_domain = nullptr;
  current_context = nullptr;
  loaded_root = 0;
  load_empty_space();
}

}  // namespace eros::arm64
