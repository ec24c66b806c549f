// Kernel objects: the key-type order (KT), unknown orders, and the returnee of a Return or
// Send on a key that names no domain.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

namespace {

// Every kernel-object kind of core/objects.def, as a key in `sys`.
std::vector<Key> every_object_key(sim::System& sys, DomainId d) {
  std::vector<Key> keys;
  for (int k = kFirstObjectKind; k < kKeyKindCount; ++k)
    keys.push_back(sys.object_key(static_cast<KeyKind>(k), d, {1, 2, 3, 4}));
  return keys;
}

std::uint64_t type_code(KeyKind k) {
  switch (k) {
    case KeyKind::Number: return key_type::kNumber;
    case KeyKind::DomainControl: return key_type::kDomainControl;
    case KeyKind::Yield: return key_type::kYield;
    case KeyKind::PageMap: return key_type::kPageMap;
    default: return 0;
  }
}

}  // namespace

TEST_CASE("KT answers every kernel object's type code, and nothing else happens", "[kt][keys]") {
  sim::System sys;
  std::vector<Result> got;
  test::Snapshot before, after;
  DomainId d = sys.spawn([&] {
    before = test::Snapshot::of(sys);
    for (std::uint8_t r = 1; r <= kKeyKindCount - kFirstObjectKind + 1; ++r)
      got.push_back(user::call(r, {.w = {order::kKeyType}}, rcv(5, 0, 0, 0)));
    after = test::Snapshot::of(sys);
  });
  const std::vector<Key> keys = every_object_key(sys, d);
  for (std::size_t i = 0; i < keys.size(); ++i)
    sys.set_key(d, static_cast<std::uint8_t>(1 + i), keys[i]);
  sys.run();
  REQUIRE(got.size() >= keys.size() + 1);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO(name(keys[i].kind));
    CHECK(got[i].status == Status::Ok);
    CHECK(got[i].w[0] == 0);
    CHECK(got[i].w[1] == type_code(keys[i].kind));
    CHECK(got[i].w[2] == 0);
  }
  CHECK(got[keys.size()].status == Status::Void);   // the void key answers Void
  CHECK(before == after);                            // no key made, no yield, no rescind
  // Type codes are distinct.
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = i + 1; j < keys.size(); ++j) CHECK(got[i].w[1] != got[j].w[1]);
}

TEST_CASE("KT on a start key is an order like any other: the server answers it", "[kt][call]") {
  sim::System sys;
  DomainId server = sys.spawn([] {
    Result r = user::wait(rcv_resume());
    user::return_to(3, {.w = {0, r.w[0] == order::kKeyType ? 0x5eu : 0u}});
  });
  Result r{};
  DomainId client = sys.spawn([&] { r = user::call(1, {.w = {order::kKeyType}}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::Ok);
  CHECK(r.w[1] == 0x5e);
}

TEST_CASE("an order a kernel object does not define is UnknownOrder and changes nothing",
          "[unknown-order][keys]") {
  sim::System sys;
  DomainId other = sys.spawn([] { user::wait(rcv_resume()); });
  std::vector<Result> got;
  bool same = false;
  DomainId d = sys.spawn([&] {
    const auto before = test::Snapshot::of(sys);
    got.push_back(user::call(1, {.w = {1}}, rcv(5, 0, 0, 0)));            // Number: only 0
    got.push_back(user::call(2, {.w = {9}}, rcv(5, 0, 0, 0)));            // DomainControl
    got.push_back(user::call(2, {.w = {order::kKeyType + 1}}, rcv(5, 0, 0, 0)));
    got.push_back(user::call(3, {.w = {1}}));                             // Yield: only 0
    same = before == test::Snapshot::of(sys);
  });
  sys.set_key(d, 1, sys.number_key(4, 5, 6, 7));
  sys.set_key(d, 2, sys.domain_control_key(other));
  sys.set_key(d, 3, sys.yield_key());
  sys.run();
  REQUIRE(got.size() == 4);
  for (const Result& r : got) {
    CHECK(r.status == Status::UnknownOrder);
    CHECK(r.w[0] == 0);
  }
  CHECK(same);
  // The Yield with an unknown order did not yield: `other` was ready and ran only after d.
  CHECK(sys.state(other) == DomainState::Available);
}

TEST_CASE("a server hands a request on to a Number key, which answers its client directly",
          "[returnee][return]") {
  sim::System sys;
  DomainState server_after = DomainState::Running;
  DomainId server = 0;
  DomainId number_holder = sys.spawn([&] {
    user::wait(rcv_resume());
    // Return on the number key, the client's resume key as k3: the client gets the words.
    user::return_to(1, {.w = {order::kNumberValue}, .k = {0, 0, 0, 3}}, rcv_resume());
  });
  server = number_holder;
  Result r{};
  Key k3_after{};
  DomainId client = sys.spawn([&] {
    r = user::call(2, {.w = {7}});
    server_after = sys.state(server);
  });
  sys.set_key(number_holder, 1, sys.number_key(11, 12, 13, 14));
  sys.set_key(client, 2, sys.start_key(number_holder));
  sys.run();
  k3_after = sys.key(number_holder, 3);
  CHECK(r.status == Status::Ok);
  CHECK(r.key_info == 0);
  CHECK(r.w[0] == 11);
  CHECK(r.w[3] == 14);
  CHECK(server_after == DomainState::Available);   // the server became Available
  CHECK_FALSE(sys.valid(k3_after));                // and the client's resume key is consumed
  auto ev = sys.events();
  REQUIRE(ev.size() >= 3);   // the server's wait, the client's Call, then:
  CHECK(ev[2].kind == EventKind::Return);
  CHECK(ev[2].key == KeyKind::Number);
  CHECK(ev[2].status == Status::Ok);
}

TEST_CASE("a Return on a void key with a resume key in k3 answers Void to its domain",
          "[returnee][return][void]") {
  sim::System sys;
  DomainId server = sys.spawn([] {
    user::wait(rcv_resume());
    user::return_to(9, {.w = {5}, .k = {0, 0, 0, 3}}, rcv_resume());   // register 9 is void
  });
  Result r{};
  DomainId client = sys.spawn([&] { r = user::call(1, {.w = {1}, .len = 0}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::Void);
  CHECK(r.w[0] == 0);
  CHECK(sys.state(client) == DomainState::Halted);   // it ran on to its end
}

TEST_CASE("a Send of MakeStart with a returnee puts the new key in the returnee's r0 and makes it ready",
          "[returnee][send]") {
  sim::System sys;
  std::vector<int> order;
  DomainId target = sys.spawn([] { user::wait(rcv_resume()); });
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    const Status s = user::send(1, {.w = {order::kMakeStart, 0x77}, .k = {0, 0, 0, 3}});
    order.push_back(s == Status::Ok ? 1 : -1);   // the Sender runs on first
    user::wait(rcv_resume());
  });
  Result r{};
  Key made{};
  DomainId client = sys.spawn([&] {
    r = user::call(2, {}, rcv(6, 0, 0, 0));   // its next receive: a key into r6
    made = sys.key(sys.current(), 6);
    order.push_back(2);
  });
  sys.set_key(server, 1, sys.domain_control_key(target));
  sys.set_key(client, 2, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::Ok);
  CHECK(order == std::vector<int>{1, 2});
  CHECK(made.kind == KeyKind::Start);
  CHECK(made.badge == 0x77);
  CHECK(made.object == target);
  CHECK(sys.valid(made));
}

TEST_CASE("with a consumed resume key in k3 the answer is dropped", "[returnee][return]") {
  sim::System sys;
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    user::send(3, {.w = {42}});   // the reply: the client's resume key is consumed
    user::return_to(1, {.w = {order::kNumberValue}, .k = {0, 0, 0, 3}}, rcv_resume());
  });
  Result r{};
  DomainId client = sys.spawn([&] { r = user::call(2, {}); });
  sys.set_key(server, 1, sys.number_key(11));
  sys.set_key(client, 2, sys.start_key(server));
  sys.run();
  CHECK(r.w[0] == 42);   // the number's answer did not overwrite the reply
  CHECK(sys.state(server) == DomainState::Available);
  CHECK(sys.state(client) == DomainState::Halted);
}

TEST_CASE("a Return on a number key whose k3 register is out of range drops the answer",
          "[returnee][return][errors]") {
  sim::System sys;
  DomainId server = sys.spawn([] {
    user::wait(rcv_resume());
    user::return_to(1, {.w = {order::kNumberValue}, .k = {0, 0, 0, 16}}, rcv_resume());
  });
  DomainId client = sys.spawn([] { user::call(2, {}); });
  sys.set_key(server, 1, sys.number_key(11));
  sys.set_key(client, 2, sys.start_key(server));
  sys.run();
  CHECK(sys.state(client) == DomainState::Waiting);   // nobody answered it
  auto ev = sys.events();
  REQUIRE(ev.size() >= 3);
  CHECK(ev[2].kind == EventKind::Return);
  CHECK(ev[2].status == Status::BadRegister);
}

TEST_CASE("a page-mapping key maps fresh pages into its domain's space, once each",
          "[objects][pagemap]") {
  sim::System sys;
  // Below 2 GB, where no host mapping is (nor AddressSanitizer's shadow): hosted, the page
  // is a host page at that very address.
  constexpr std::uint64_t kBase = 0x3e000000;
  Result first{}, again{}, page0{}, range{}, unknown{};
  std::uint64_t seen = 0;
  DomainId d = sys.spawn([&] {
    first = user::call(1, {.w = {order::kMapFreshPage, kBase + 12}});   // any address in it
    *reinterpret_cast<volatile std::uint64_t*>(kBase) = 77;            // now it is memory
    seen = *reinterpret_cast<volatile std::uint64_t*>(kBase);
    again = user::call(1, {.w = {order::kMapFreshPage, kBase}});
    page0 = user::call(1, {.w = {order::kMapFreshPage, 0x10}});
    range = user::call(1, {.w = {order::kMapFreshRange, kBase - 2 * 4096, 3}});
    unknown = user::call(1, {.w = {3}});
  });
  sys.set_key(d, 1, sys.object_key(KeyKind::PageMap, d));
  sys.run();
  CHECK(first.status == Status::Ok);
  CHECK(first.w[0] == 0);
  CHECK(seen == 77);
  CHECK(again.w[0] == 1);   // mapped already
  CHECK(page0.w[0] == 1);   // never page 0
  CHECK(range.w[0] == 1);   // the third page was mapped already
  CHECK(range.w[1] == 2);
  CHECK(unknown.status == Status::UnknownOrder);
  CHECK(sys.space(sys.kernel().domain(d).space).allows(
      reinterpret_cast<const void*>(kBase - 2 * 4096), 3 * 4096, sim::kReadWrite));
}

TEST_CASE("a fault handed on to the page-mapping object with the fault key as returnee",
          "[objects][pagemap][returnee][keeper]") {
  sim::System sys;
  constexpr std::uint64_t kAt = 0x3f000000;
  DomainId d = 0;
  DomainId keeper = sys.spawn([] {
    Result r = user::wait(rcv_resume());
    for (;;)   // hand each fault on: mapped, the domain restarts; refused, it halts
      r = user::return_to(1, {.w = {order::kMapFreshPage, r.w[2]}, .k = {0, 0, 0, 3}},
                          rcv_resume());
  });
  std::uint64_t wrote = 0;
  bool after_refused = false;
  d = sys.spawn([&] {
    user::raise_fault(FaultKind::PageFault, 0, kAt);
    *reinterpret_cast<volatile std::uint64_t*>(kAt) = 5;
    wrote = *reinterpret_cast<volatile std::uint64_t*>(kAt);
    user::raise_fault(FaultKind::PageFault, 0, kAt);   // mapped already: refused, halted
    after_refused = true;
  });
  sys.set_key(keeper, 1, sys.object_key(KeyKind::PageMap, d));
  sys.set_keeper(d, sys.start_key(keeper));
  sys.run();
  CHECK(wrote == 5);
  CHECK_FALSE(after_refused);
  CHECK(sys.state(d) == DomainState::Halted);
  CHECK(sys.state(keeper) == DomainState::Available);
}
