// The scheduler loop and the timer's tick on arm64: the policy is baremetal/slices.cpp's;
// here are the kernel-stack switches it asks for.
#include "arch/aarch64/domains.hpp"
#include "baremetal/slices.hpp"

namespace eros::arm64 {

std::uint64_t scheduler_sp = 0;

namespace {
using Platform = eros::Arm64Platform;
}  // namespace

// A tick, on the running domain's kernel stack when taken at EL0.
void on_tick(bool from_user) {
  namespace slices = baremetal::slices;
  Kernel* const k = baremetal::kernel;
  if (!from_user || k == nullptr || current_id() == kNoDomain) return;
  const DomainId me = current_id();
  const slices::Tick t = slices::tick(*k, me, eros_user_sp != 0, cpu.unswitched);
  eros_user_sp = 0;
  if (t.stop) switch_stack(&Platform::contexts[me].sp, scheduler_sp);   // never resumed
  if (t.next != kNoDomain) Platform::activate(t.next);
  cpu.unswitched = true;   // a whole slice is counted from this tick
  if (t.next == kNoDomain) return;
  switch_stack(&Platform::contexts[me].sp, Platform::contexts[t.next].sp);
  // Resumed: back to EL0 where it was interrupted.
}

void run_scheduler() {
  for (DomainId d; (d = baremetal::slices::next(core())) != kNoDomain;) {
    Platform::activate(d);
    switch_stack(&scheduler_sp, Platform::contexts[d].sp);
  }
  current_domain = nullptr;
  current_context = nullptr;
  loaded_root = 0;
  load_empty_space();
}

}  // namespace eros::arm64
