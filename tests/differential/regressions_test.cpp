// Divergences between the kernel and the reference model, each as the minimal program the
// driver printed. A test tagged [!mayfail] is a kernel divergence not yet fixed: when the
// kernel is fixed, the tag comes off.
#include <catch2/catch.hpp>

#include "eros/user.hpp"
#include "fuzz/driver.hpp"
#include "sim/system.hpp"

using namespace eros;
using namespace eros::fuzz;

// ---- 1. The trace records the key a MakeStart wrote, not the key that was invoked --------
// Found by the fixed-seed campaign (seed 3791979285, shrunk). Since 664ba2a ("fast path:
// keys by reference") Kernel::call holds `const Key& key = me.regs[kr]`, on the promise that
// "the invoker's registers do not change before the commit". A Call on a domain-control key
// with order MakeStart breaks it: kernel_object() writes the new start key into the
// invoker's rcv.r[0], and when rcv.r[0] == kr the Call event is recorded with the *new* key
// (kind Start, target and badge of the new key) instead of the DomainControl key invoked.
// Results, registers and states were right; only the trace was wrong. Fixed: call_slow
// takes the key by value.

TEST_CASE("regression 1: a Call on a domain-control key is traced as such when MakeStart "
          "overwrites the key's own register (differential)",
          "[differential]") {
  Program p;
  p.pages = 3;
  p.spaces = 1;
  p.perms = {0, 3, 0};
  p.space_of = {0};
  p.steps = {
      {  // d1: MakeStart on its own domain-control key in r4, the new key received into r4
          Step{.op = Op::Call, .key = 4, .w = {1, 9}, .r = {4, 0, 0, 0}},
      },
  };
  p.phases = {{SetupOp{Setup::DomainControl, 1, 4, 1, 0, 0}}};
  const Outcome o = diff(p);
  INFO(o.report);
  CHECK(o.agree);
}

TEST_CASE("regression 1: a Call on a domain-control key is traced as such when MakeStart "
          "overwrites the key's own register (kernel)",
          "[differential]") {
  sim::System sys;
  DomainId target = sys.spawn([] { user::wait({}); });
  DomainId d = sys.spawn([] {
    user::call(4, {.w = {order::kMakeStart, 9}}, ReceiveDesc{nullptr, 0, {4, 0, 0, 0}});
  });
  sys.set_key(d, 4, sys.domain_control_key(target));
  sys.run();
  CHECK(sys.key(d, 4).kind == KeyKind::Start);   // the new key landed: right
  const auto events = sys.events();
  bool found = false;
  for (const Event& e : events)
    if (e.kind == EventKind::Call && e.invoker == d) {
      found = true;
      CHECK(e.key == KeyKind::DomainControl);   // the key invoked
      CHECK(e.target == target);
      CHECK(e.badge == 0);
    }
  CHECK(found);
}
