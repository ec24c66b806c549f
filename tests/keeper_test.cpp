// Keepers and faults: a fault is a Call on the domain's keeper, made on its behalf; the
// keeper answers on the fault key it receives (restart, or halt).
#include <catch2/catch.hpp>

#include "death.hpp"
#include "support.hpp"

using namespace eros;
using test::rcv_resume;

namespace {

constexpr std::uint8_t kFaultKey = 3;   // where the keepers below receive the fault key

// A keeper that answers every fault with `order` on the fault key (a Return), and records
// what it was told.
struct Keeper {
  std::vector<Result> told;
  std::vector<Key> keys;
  std::uint64_t order = order::kRestart;
  void operator()(sim::System& sys) {
    Result r = user::wait(rcv_resume());
    for (;;) {
      told.push_back(r);
      keys.push_back(sys.key(sys.current(), kFaultKey));
      r = user::return_to(kFaultKey, {.w = {order}}, rcv_resume());
    }
  }
};

}  // namespace

TEST_CASE("with no keeper a fault halts the domain, and the fault is traced", "[keeper][fault]") {
  sim::System sys;
  bool after = false;
  DomainId d = sys.spawn([&] {
    user::raise_fault(FaultKind::InvalidInstruction);
    after = true;
  });
  int others = 0;
  sys.spawn([&] { ++others; });
  sys.run();
  CHECK_FALSE(after);
  CHECK(others == 1);
  CHECK(sys.state(d) == DomainState::Halted);
  const auto ev = sys.events();
  REQUIRE(ev.size() >= 2);
  CHECK(ev[0].kind == EventKind::Fault);
  CHECK(ev[0].invoker == d);
  CHECK(ev[0].key == KeyKind::Void);
  CHECK(ev[0].status == Status::Void);
  CHECK(ev[0].op == static_cast<std::uint8_t>(FaultKind::InvalidInstruction));
  CHECK(ev[0].key_register == kKeeperSlot);
  CHECK(ev[1].kind == EventKind::Halt);
  CHECK(sim::to_text(ev[0]) == "0 Fault d1 InvalidInstruction keeper Void(k16) -> 0 badge=0 Void");
}

TEST_CASE("a keeper is told the fault and restarts the domain with order 0", "[keeper][fault]") {
  sim::System sys;
  Keeper keeper;
  DomainId k = sys.spawn([&] { keeper(sys); });
  Result before{}, after{};
  int resumed = 0;
  DomainId d = sys.spawn([&] {
    before = user::call(9);   // a void key: leaves a result to compare with
    user::raise_fault(FaultKind::PageFault, 0x7, 0x40001000);
    after = sys.result(sys.current());
    ++resumed;
    user::raise_fault(FaultKind::Breakpoint);
    ++resumed;
  });
  sys.set_keeper(d, sys.start_key(k, 0x51));
  sys.run();
  CHECK(resumed == 2);
  CHECK(sys.state(d) == DomainState::Halted);   // its body ended
  REQUIRE(keeper.told.size() == 2);
  const Result& t = keeper.told[0];
  CHECK(t.status == Status::Ok);
  CHECK(t.key_info == 0x51);
  CHECK(t.w[0] == static_cast<std::uint64_t>(FaultKind::PageFault));
  CHECK(t.w[1] == 0x7);
  CHECK(t.w[2] == 0x40001000);
  CHECK(t.w[3] == 0);   // hosted: no program counter
  CHECK(keeper.told[1].w[0] == static_cast<std::uint64_t>(FaultKind::Breakpoint));
  CHECK(keeper.keys[0].kind == KeyKind::Fault);
  CHECK(keeper.keys[0].object == d);
  CHECK_FALSE(sys.valid(keeper.keys[0]));   // consumed by the restart
  // Nothing was delivered to the domain: its last result is the one before the fault.
  CHECK(after.status == before.status);
  CHECK(after.w[0] == before.w[0]);
}

TEST_CASE("any other order on the fault key halts the domain; its stallers restart",
          "[keeper][fault]") {
  sim::System sys;
  Keeper keeper;
  keeper.order = 1;
  DomainId k = sys.spawn([&] { keeper(sys); });
  bool after = false;
  DomainId d = sys.spawn([&] {
    user::raise_fault(FaultKind::DivideError);
    after = true;
  });
  Result stalled{};
  DomainId s = sys.spawn([&] { stalled = user::call(1); });   // d is Running: it stalls
  sys.set_keeper(d, sys.start_key(k));
  sys.set_key(s, 1, sys.start_key(d));
  sys.run();
  CHECK_FALSE(after);
  CHECK(sys.state(d) == DomainState::Halted);
  CHECK(stalled.status == Status::Void);   // restarted, it found its key void
  CHECK(sys.state(k) == DomainState::Available);
}

TEST_CASE("a keeper that drops the fault key leaves the domain stopped", "[keeper][fault]") {
  sim::System sys;
  DomainId k = sys.spawn([] {
    user::wait(rcv_resume());
    user::wait(rcv_resume());   // the fault key in r3 is overwritten by nothing: dropped
  });
  bool after = false;
  DomainId d = sys.spawn([&] {
    user::raise_fault(FaultKind::Protection);
    after = true;
  });
  sys.set_keeper(d, sys.start_key(k));
  sys.run();
  CHECK_FALSE(after);
  CHECK(sys.state(d) == DomainState::Waiting);
}

TEST_CASE("a kernel object or a stale key as keeper: the domain halts", "[keeper][fault]") {
  for (KeyKind kind : {KeyKind::Number, KeyKind::DomainControl, KeyKind::Yield, KeyKind::Start}) {
    INFO(name(kind));
    sim::System sys;
    bool after = false;
    DomainId other = sys.spawn([] { user::wait(rcv_resume()); });
    DomainId d = sys.spawn([&] {
      user::raise_fault(FaultKind::InvalidInstruction);
      after = true;
    });
    Key keeper = kind == KeyKind::Start ? sys.start_key(other) : sys.object_key(kind, other);
    if (kind == KeyKind::Start) sys.rescind(other);   // a stale start key
    sys.set_keeper(d, keeper);
    sys.run();
    CHECK_FALSE(after);
    CHECK(sys.state(d) == DomainState::Halted);
    const auto ev = sys.events();
    bool traced = false;
    for (const Event& e : ev)
      traced = traced || (e.kind == EventKind::Fault && e.status == Status::Void && e.key == kind);
    CHECK(traced);
  }
}

TEST_CASE("a fault on a busy keeper stalls, then is told when the keeper is Available",
          "[keeper][fault][stall]") {
  sim::System sys;
  int told = 0;
  DomainId k = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    for (;;) {
      ++told;
      user::call(1);   // the Yield key: d runs and faults while this keeper is busy
      r = user::return_to(kFaultKey, {.w = {order::kRestart}}, rcv_resume());
    }
  });
  DomainId c = sys.spawn([] { user::raise_fault(FaultKind::PageFault); });
  DomainId d = sys.spawn([] { user::raise_fault(FaultKind::Breakpoint); });
  sys.set_key(k, 1, sys.yield_key());
  sys.set_keeper(c, sys.start_key(k));
  sys.set_keeper(d, sys.start_key(k));
  sys.run();
  CHECK(told == 2);
  CHECK(sys.state(c) == DomainState::Halted);   // both restarted, both ran to their end
  CHECK(sys.state(d) == DomainState::Halted);
  int faults = 0;
  bool stalled = false;
  for (const Event& e : sys.events()) {
    stalled = stalled || (e.kind == EventKind::Stall && e.key_register == kKeeperSlot);
    faults += e.kind == EventKind::Fault && e.invoker == d;
  }
  CHECK(stalled);
  CHECK(faults == 2);   // told once on stalling, once more after the restart
}

TEST_CASE("a resume key as keeper: a coroutine call, its resume keys consumed", "[keeper][fault]") {
  // W Calls a server, which makes W's resume key d's keeper: d's fault reaches W as its reply.
  sim::System sys;
  Result told{};
  Key fault_key{};
  DomainId d = 0;
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    sys.set_keeper(d, sys.key(sys.current(), 3));
    user::wait(rcv_resume());
  });
  DomainId w = sys.spawn([&] {
    told = user::call(1, {}, ReceiveDesc{nullptr, 0, {0, 0, 0, kFaultKey}});
    fault_key = sys.key(sys.current(), kFaultKey);
    user::return_to(kFaultKey, {.w = {order::kRestart}});
  });
  bool after = false;
  d = sys.spawn([&] {
    user::raise_fault(FaultKind::Other, 1, 2);
    after = true;
  });
  sys.set_key(w, 1, sys.start_key(server));
  sys.run();
  CHECK(told.status == Status::Ok);
  CHECK(told.key_info == 0);
  CHECK(told.w[0] == static_cast<std::uint64_t>(FaultKind::Other));
  CHECK(told.w[2] == 2);
  CHECK(fault_key.kind == KeyKind::Fault);
  CHECK(after);
  CHECK_FALSE(sys.valid(sys.keeper(d)));   // the resume key was consumed by the fault
}

TEST_CASE("DomainControl kSetKeeper sets the keeper from the key passed as k0", "[keeper][keys]") {
  sim::System sys;
  Keeper keeper;
  DomainId k = sys.spawn([&] { keeper(sys); });
  bool after = false;
  Result set{};
  DomainId d = sys.spawn([&] {
    set = user::call(2, {.w = {order::kSetKeeper}, .k = {1, 0, 0, 0}});
    user::raise_fault(FaultKind::Protection);
    after = true;
  });
  sys.set_key(d, 1, sys.start_key(k, 3));
  sys.set_key(d, 2, sys.domain_control_key(d));
  sys.run();
  CHECK(set.status == Status::Ok);
  CHECK(sys.keeper(d).kind == KeyKind::Start);
  REQUIRE(keeper.told.size() == 1);
  CHECK(keeper.told[0].key_info == 3);
  CHECK(after);
}

TEST_CASE("a Call or Send on a fault key restarts the domain at once, the invoker going on",
          "[keeper][fault]") {
  for (Op op : {Op::Call, Op::Send}) {
    INFO(name(op));
    sim::System sys;
    std::vector<int> order;
    Result answer{};
    Key used{};
    DomainId k = sys.spawn([&] {
      user::wait(rcv_resume());
      answer = op == Op::Call ? user::call(kFaultKey, {.w = {order::kRestart}})
                              : Result{user::send(kFaultKey, {.w = {order::kRestart}})};
      used = sys.key(sys.current(), kFaultKey);
      order.push_back(1);   // the keeper goes on first; the domain is ready
      // And again: the key is consumed, so it is a void key now.
      answer = op == Op::Call ? user::call(kFaultKey) : Result{user::send(kFaultKey)};
    });
    DomainId d = sys.spawn([&] {
      user::raise_fault(FaultKind::Breakpoint);
      order.push_back(2);
    });
    sys.set_keeper(d, sys.start_key(k));
    sys.run();
    CHECK(order == std::vector<int>{1, 2});
    CHECK(answer.status == Status::Void);
    CHECK_FALSE(sys.valid(used));
  }
}

TEST_CASE("a keeper chain that loops back: both stay stopped, nothing crashes", "[keeper][fault]") {
  sim::System sys;
  DomainId a = 0, b = 0;
  bool a_after = false, b_after = false;
  a = sys.spawn([&] {
    user::raise_fault(FaultKind::PageFault);   // told to b
    a_after = true;
  });
  b = sys.spawn([&] {
    user::wait(rcv_resume());                  // a's fault arrives
    user::raise_fault(FaultKind::Protection);  // its keeper is a, which is Waiting: it stalls
    b_after = true;
  });
  sys.set_keeper(a, sys.start_key(b));
  sys.set_keeper(b, sys.start_key(a));
  sys.run();
  CHECK_FALSE(a_after);
  CHECK_FALSE(b_after);
  CHECK(sys.state(a) == DomainState::Waiting);
  CHECK(sys.stalled_on(b) == a);
}

TEST_CASE("a keeper that itself faults with no keeper halts; the domain stays stopped",
          "[keeper][fault]") {
  sim::System sys;
  DomainId k = sys.spawn([] {
    user::wait(rcv_resume());
    user::raise_fault(FaultKind::InvalidInstruction);   // no keeper of its own
  });
  DomainId d = sys.spawn([] { user::raise_fault(FaultKind::PageFault); });
  sys.set_keeper(d, sys.start_key(k));
  sys.run();
  CHECK(sys.state(k) == DomainState::Halted);
  CHECK(sys.state(d) == DomainState::Waiting);
}

TEST_CASE("raise_fault with a kind outside FaultKind, or from outside a domain, aborts",
          "[keeper][api][usage]") {
  sim::System sys;
  REQUIRE_USAGE_ERROR(sys.raise_fault(FaultKind::PageFault),
                      "eros: sim::System::raise_fault: called from outside a domain of this system");
  REQUIRE_USAGE_ERROR(
      {
        sys.spawn([&] { sys.raise_fault(static_cast<FaultKind>(0)); });
        sys.run();
      },
      "eros: sim::System::raise_fault: fault kind 0 out of range 1..7");
}
