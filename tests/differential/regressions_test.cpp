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

// ---- 2. A restarted staller that stalls elsewhere strands the rest of the queue ----------
// Found by `./eros fuzz` (libFuzzer, 26,063 inputs, 84 s), shrunk by the driver. d1 and d2
// stall on d3; d3 stalls on d2. Between runs d1's key is changed to a start key of d1
// itself, and d2 is rescinded, which restarts d3: its retry finds the key void, and its
// Return makes d3 Available, restarting d1. d1's retry now stalls on itself, and the restart
// it was given was dropped: d2 stayed queued on an Available d3 for ever. The kernel and the
// model had the same rule, so only the invariant checker saw it. Fixed in both: a retry that
// stalls on another domain passes the restart on, as a retry that fails does.

TEST_CASE("regression 2: a restarted staller that stalls on another domain passes the "
          "restart on (differential)",
          "[differential]") {
  Program p;
  p.pages = 19;
  p.spaces = 1;
  p.fill = 0;
  p.perms = {0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0};
  p.space_of = {0, 0, 0};
  p.steps = {
      {  // d1
          Step{.op = Op::Call, .key = 2, .r = {0, 0, 0, 3}},
      },
      {  // d2
          Step{.op = Op::Send, .key = 1, .r = {0, 0, 0, 3}},
      },
      {  // d3
          Step{.op = Op::Call, .key = 2, .r = {0, 0, 0, 3}},
          Step{.op = Op::Return, .key = 1, .r = {0, 0, 0, 3}},
      },
  };
  p.phases = {
      {
          SetupOp{Setup::Start, 1, 2, 3, 14358, 0},
          SetupOp{Setup::Start, 2, 1, 3, 6, 0},
          SetupOp{Setup::Start, 3, 2, 2, 42602, 0},
      },
      {
          SetupOp{Setup::Start, 1, 2, 1, 6, 3},
          SetupOp{Setup::Rescind, 3, 6, 2, 2188, 3},
      },
  };
  Options opt;
  opt.invariants = true;   // the divergence showed only as a broken invariant
  const Outcome o = diff(p, opt);
  INFO(o.report);
  CHECK(o.agree);
}

TEST_CASE("regression 2: a restarted staller that stalls on another domain passes the "
          "restart on (kernel)",
          "[differential][stall]") {
  // The program above, written directly: a and b stall on s, s stalls on b.
  sim::System sys;
  Result s_got{};
  const DomainId a = sys.spawn([] { user::call(2); });
  const DomainId b = sys.spawn([] { user::send(1, {.w = {7}}); });
  const DomainId s = sys.spawn([&s_got] {
    user::call(2);                   // stalls on b; void once b is rescinded
    s_got = user::return_to(1, {});  // becomes Available: restarts a, then serves b's Send
  });
  sys.set_key(a, 2, sys.start_key(s, 1));
  sys.set_key(b, 1, sys.start_key(s, 6));
  sys.set_key(s, 2, sys.start_key(b, 2));
  sys.run();
  REQUIRE(sys.stalled_on(a) == s);
  REQUIRE(sys.stalled_on(b) == s);
  REQUIRE(sys.stalled_on(s) == b);

  sys.set_key(a, 2, sys.start_key(a, 3));   // a's retry will stall on a itself
  sys.rescind(b);                           // restarts s
  sys.run();
  CHECK(sys.stalled_on(a) == a);
  CHECK(sys.stalled_on(b) == kNoDomain);    // restarted in turn: it was not stranded
  CHECK(sys.state(b) == DomainState::Halted);   // its Send was delivered and its body ended
  CHECK(s_got.status == Status::Ok);
  CHECK(s_got.key_info == 6);
  CHECK(s_got.w[0] == 7);
}

// ---- 3. A Send or Call on a fault key by a restarted staller: the order of the ready queue --
// Found writing the keeper rules (a hand-made program, shrunk by the driver). The spec: a
// Call or Send on a valid fault key with order kRestart makes the faulted domain Running
// and puts it at the tail of the ready queue, *then* passes the invoker's pending restart
// on (as a Send on a start key readies its recipient before passing it on).
// Kernel::use_fault_key passed the restart on first and readied the faulted domain after,
// so the next staller the restart released ran ahead of it (fixed). Here d1 becomes
// Available and restarts d3, whose retry is a Send on d2's fault key (copied into its r1
// between runs): ready queue [d2, d4], the kernel had [d4, d2].

TEST_CASE("regression 3: a restarted staller's Send on a fault key readies the faulted "
          "domain before passing the restart on (differential)",
          "[differential][keeper]") {
  Program p;
  p.pages = 5;
  p.spaces = 1;
  p.fill = 0;
  p.perms = {0, 3, 3, 3, 0};
  p.space_of = {0, 0, 0, 0, 0};
  p.steps = {
      {  // d1: d2's keeper; gets the fault key in r3, stalls on d5, then waits
          Step{.op = Op::Return, .key = 0, .r = {0, 0, 0, 3}},
          Step{.op = Op::Call, .key = 2, .r = {0, 0, 0, 3}},
          Step{.op = Op::Return, .key = 0, .r = {0, 0, 0, 3}},
      },
      {  // d2: faults
          Step{.op = Op::Call, .key = 0, .r = {0, 0, 0, 3}, .fault = 1},
      },
      {  // d3: stalls on d1; retried on the fault key (order 0: restart)
          Step{.op = Op::Send, .key = 1, .r = {0, 0, 0, 3}},
      },
      {  // d4: stalls on d1 behind d3
          Step{.op = Op::Send, .key = 1, .r = {0, 0, 0, 3}},
      },
      {  // d5: stalls on itself
          Step{.op = Op::Call, .key = 1, .r = {0, 0, 0, 3}},
      },
  };
  p.phases = {
      {
          SetupOp{Setup::KeeperStart, 2, 0, 1, 0, 0},
          SetupOp{Setup::Start, 1, 2, 5, 0, 0},
          SetupOp{Setup::Start, 3, 1, 1, 0, 0},
          SetupOp{Setup::Start, 4, 1, 1, 0, 0},
          SetupOp{Setup::Start, 5, 1, 5, 0, 0},
      },
      {
          SetupOp{Setup::Copy, 3, 1, 1, 0, 3},   // d1's r3, the fault key, into d3's r1
          SetupOp{Setup::Rescind, 1, 0, 5, 0, 0},
      },
  };
  const Outcome o = diff(p);
  INFO(o.report);
  CHECK(o.agree);
}
