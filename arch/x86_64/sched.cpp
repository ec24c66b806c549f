// The scheduler loop and the timer's tick on x86_64: the policy is baremetal/slices.cpp's;
// here are the kernel-stack switches it asks for.
#include "arch/x86_64/baremetal.hpp"
#include "baremetal/slices.hpp"

namespace eros::x86 {

void timer_interrupt() {
  namespace slices = baremetal::slices;
  const DomainId me = current_id();
  const slices::Tick t = slices::tick(*kernel, me, user_rsp != 0, unswitched);
  user_rsp = 0;
  if (t.stop) switch_stack(&contexts[me].rsp, scheduler_rsp);   // never resumed
  if (t.next != kNoDomain) X86Platform::activate(t.next);
  unswitched = true;   // a whole slice is counted from this tick
  if (t.next == kNoDomain) return;
  switch_stack(&contexts[me].rsp, contexts[t.next].rsp);
  // Resumed: back to ring 3 where it was interrupted.
}

void run_scheduler() {
  for (DomainId d; (d = baremetal::slices::next(*kernel)) != kNoDomain;) {
    X86Platform::activate(d);
    switch_stack(&scheduler_rsp, contexts[d].rsp);
  }
  current_domain = nullptr;
  current_context = nullptr;
  loaded_root = kernel_root();
  write_cr3(loaded_root);
}

}  // namespace eros::x86
