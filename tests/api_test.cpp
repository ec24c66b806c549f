// The host API (sim::System): a bad argument aborts with one line naming it, and run()
// counts every time a domain is put on the CPU.
#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "death.hpp"
#include "support.hpp"

using namespace eros;

namespace {
const void* at(std::uintptr_t a) { return reinterpret_cast<const void*>(a); }
}  // namespace

TEST_CASE("a register outside 0..15 aborts with its number", "[api][usage]") {
  sim::System sys;
  const DomainId d = sys.spawn([] {});
  REQUIRE_USAGE_ERROR(sys.set_key(d, 16, sys.number_key(1)),
                      "eros: sim::System::set_key: register 16 out of range 0..15");
  REQUIRE_USAGE_ERROR(sys.key(d, 16), "eros: sim::System::key: register 16 out of range 0..15");
  REQUIRE_USAGE_ERROR(sys.key(d, 255), "eros: sim::System::key: register 255 out of range 0..15");
  // In range: register 15 is written, register 0 stays void.
  sys.set_key(d, 15, sys.number_key(7));
  sys.set_key(d, 0, sys.number_key(8));
  CHECK(sys.key(d, 15).kind == KeyKind::Number);
  CHECK(sys.key(d, 0).kind == KeyKind::Void);
}

TEST_CASE("a domain id that names no spawned domain aborts in every entry", "[api][usage]") {
  sim::System empty;
  REQUIRE_USAGE_ERROR(empty.state(1), "eros: sim::System::state: domain 1 out of range: none spawned yet");

  sim::System sys;
  sys.spawn([] {});
  sys.spawn([] {});
  const Key k = sys.number_key(1);
  const std::vector<std::pair<std::string, std::function<void(DomainId)>>> entries = {
      {"set_key", [&](DomainId d) { sys.set_key(d, 1, k); }},
      {"key", [&](DomainId d) { (void)sys.key(d, 1); }},
      {"state", [&](DomainId d) { (void)sys.state(d); }},
      {"result", [&](DomainId d) { (void)sys.result(d); }},
      {"stalled_on", [&](DomainId d) { (void)sys.stalled_on(d); }},
      {"call_count", [&](DomainId d) { (void)sys.call_count(d); }},
      {"set_delivery", [&](DomainId d) { sys.set_delivery(d, Delivery::streaming); }},
      {"delivery", [&](DomainId d) { (void)sys.delivery(d); }},
      {"rescind", [&](DomainId d) { sys.rescind(d); }},
      {"start_key", [&](DomainId d) { (void)sys.start_key(d, 1); }},
      {"domain_control_key", [&](DomainId d) { (void)sys.domain_control_key(d); }},
  };
  for (const auto& [name, entry] : entries) {
    for (DomainId bad : {kNoDomain, DomainId{3}, DomainId{0xFFFFFFFF}}) {
      INFO(name << "(" << bad << ")");
      REQUIRE_USAGE_ERROR(entry(bad), "eros: sim::System::" + name + ": domain " +
                                          std::to_string(bad) + " out of range 1..2");
    }
  }
}

TEST_CASE("a halted domain is a valid id: its state stays readable", "[api][usage]") {
  sim::System sys;
  const DomainId d = sys.spawn([] {});
  sys.run();
  REQUIRE(sys.state(d) == DomainState::Halted);
  CHECK(sys.result(d).status == Status::Ok);
  CHECK(sys.stalled_on(d) == kNoDomain);
  CHECK(sys.call_count(d) == 1);
  CHECK(sys.delivery(d) == Delivery::cached);
  CHECK(sys.start_key(d).kind == KeyKind::Void);
  CHECK(sys.domain_control_key(d).kind == KeyKind::Void);
  sys.set_key(d, 2, sys.number_key(1));
  CHECK(sys.key(d, 2).kind == KeyKind::Number);
  sys.rescind(d);
  sys.set_delivery(d, Delivery::streaming);
  CHECK(sys.delivery(d) == Delivery::streaming);
}

TEST_CASE("a space not made aborts in every entry that takes one", "[api][usage]") {
  sim::System sys;
  REQUIRE(sys.new_space() == 1);
  const std::uintptr_t page = 0x10000;
  REQUIRE_USAGE_ERROR(sys.alloc(2, 4096), "eros: sim::System::alloc: space 2 out of range 0..1");
  REQUIRE_USAGE_ERROR(sys.map(2, at(page), 4096, sim::kRead),
                      "eros: sim::System::map: space 2 out of range 0..1");
  REQUIRE_USAGE_ERROR(sys.unmap(2, at(page), 4096),
                      "eros: sim::System::unmap: space 2 out of range 0..1");
  REQUIRE_USAGE_ERROR(sys.space(2), "eros: sim::System::space: space 2 out of range 0..1");
  REQUIRE_USAGE_ERROR(sys.spawn([] {}, 7), "eros: sim::System::spawn: space 7 out of range 0..1");
  CHECK(sys.spawn([] {}, 1) == 1);
}

TEST_CASE("map, unmap and alloc refuse unaligned, overflowing and oversized ranges", "[api][usage]") {
  sim::System sys;
  REQUIRE_USAGE_ERROR(sys.map(0, at(0x1001), 4096, sim::kRead),
                      "eros: sim::System::map: addr 0x1001 not page-aligned (a multiple of 4096)");
  REQUIRE_USAGE_ERROR(sys.unmap(0, at(0x1001), 4096),
                      "eros: sim::System::unmap: addr 0x1001 not page-aligned (a multiple of 4096)");
  REQUIRE_USAGE_ERROR(sys.map(0, at(0xfffffffff000), 8192, sim::kRead),
                      "eros: sim::System::map: bytes 8192 out of range 0..4096 at addr 0xfffffffff000");
  REQUIRE_USAGE_ERROR(sys.unmap(0, at(0x1000), SIZE_MAX),
                      "eros: sim::System::unmap: bytes 18446744073709551615 out of range "
                      "0..281474976706560 at addr 0x1000");
  REQUIRE_USAGE_ERROR(sys.map(0, at(std::uintptr_t{1} << 48), 4096, sim::kRead),
                      "eros: sim::System::map: addr 0x1000000000000 out of range 0..0xfffffffff000");
  REQUIRE_USAGE_ERROR(sys.map(0, at(0x1000), 4096, static_cast<sim::Perm>(4)),
                      "eros: sim::System::map: perm 4 out of range 0..3");
  REQUIRE_USAGE_ERROR(sys.alloc(0, 4096, static_cast<sim::Perm>(7)),
                      "eros: sim::System::alloc: perm 7 out of range 0..3");
  REQUIRE_USAGE_ERROR(sys.alloc(0, SIZE_MAX),
                      "eros: sim::System::alloc: bytes 18446744073709551615 out of range "
                      "0..281474976710656");
  // The space itself, reached through space(), checks the same.
  REQUIRE_USAGE_ERROR(sys.space(0).map(at(0x2001), 1, sim::kRead),
                      "eros: sim::Space::map: addr 0x2001 not page-aligned (a multiple of 4096)");
  REQUIRE_USAGE_ERROR(sys.space(0).unmap(at(std::uintptr_t{1} << 60), 1),
                      "eros: sim::Space::unmap: addr 0x1000000000000000 out of range 0..0xfffffffff000");

  // In range: the last page below the top, an empty range, and a length that is not a
  // whole number of pages (the pages covering it).
  sim::Space& s = sys.space(0);
  const std::size_t before = s.mapped_pages();
  sys.map(0, at(0xfffffffff000), 4096, sim::kRead);
  CHECK(s.allows(at(0xfffffffff000), 4096, sim::kRead));
  sys.map(0, at(0x40000), 0, sim::kRead);
  sys.map(0, at(0x40000), 4097, sim::kReadWrite);
  CHECK(s.mapped_pages() == before + 3);
  sys.unmap(0, at(0x40000), 8192);
  CHECK(s.mapped_pages() == before + 1);
  CHECK(sys.alloc(0, 0).empty());
}

TEST_CASE("a value outside its type aborts: delivery, key kind, an empty body", "[api][usage]") {
  sim::System sys;
  const DomainId d = sys.spawn([] {});
  REQUIRE_USAGE_ERROR(sys.set_delivery(d, static_cast<Delivery>(2)),
                      "eros: sim::System::set_delivery: delivery 2 out of range 0..1");
  Key forged;
  forged.kind = static_cast<KeyKind>(9);
  REQUIRE_USAGE_ERROR(sys.set_key(d, 1, forged),
                      "eros: sim::System::set_key: key kind 9 out of range 0..7");
  REQUIRE_USAGE_ERROR(sys.spawn(std::function<void()>{}), "eros: sim::System::spawn: body is empty");
  // A stale or forged key of a real kind is a value a test may want: it acts as void.
  sys.set_key(d, 1, Key{KeyKind::Start, 0, 0, 999, 5});
  CHECK_FALSE(sys.valid(sys.key(d, 1)));
}

TEST_CASE("Options out of range abort the constructor", "[api][usage]") {
  REQUIRE_USAGE_ERROR(sim::System(sim::Options{.max_domains = 0}),
                      "eros: sim::System::System: Options::max_domains 0 out of range 1..16777216");
  REQUIRE_USAGE_ERROR(sim::System(sim::Options{.max_domains = (1u << 24) + 1}),
                      "eros: sim::System::System: Options::max_domains 16777217 out of range 1..16777216");
  REQUIRE_USAGE_ERROR(sim::System(sim::Options{.stack_bytes = 4096}),
                      "eros: sim::System::System: Options::stack_bytes 4096 out of range 8192..1073741824");
  REQUIRE_USAGE_ERROR(sim::System(sim::Options{.trace_capacity = 1000}),
                      "eros: sim::System::System: Options::trace_capacity 1000 out of range: 0 or a power of two");
  sim::System none(sim::Options{.max_domains = 1, .stack_bytes = 8192, .trace_capacity = 0});
  CHECK(none.spawn([] {}) == 1);
  CHECK(none.spawn([] {}) == kNoDomain);   // full: a resource, not an argument
}

TEST_CASE("run() called from one of the system's own domains aborts", "[api][usage]") {
  sim::System sys;
  sys.spawn([&] { sys.run(); });
  REQUIRE_USAGE_ERROR(sys.run(), "eros: sim::System::run: called from a domain of this system");
}

TEST_CASE("run() counts every time a domain is put on the CPU", "[api][run]") {
  SECTION("calls and returns switch straight to the recipient: each one counts") {
    sim::System sys;
    constexpr int kCalls = 3;
    const DomainId server = sys.spawn([] { test::serve([](const Result& r) { return r.w[0] + 1; }); });
    std::uint64_t last = 0;
    const DomainId client = sys.spawn([&] {
      for (int i = 0; i < kCalls; ++i) last = user::call(1, {.w = {last}}).w[0];
    });
    sys.set_key(client, 1, sys.start_key(server));
    // The scheduler runs the server (1), whose wait switches to the ready client (2);
    // each call switches to the server and each reply back to the client (2 per call);
    // the client halts with nothing ready, back to the scheduler.
    CHECK(sys.run() == 2 + 2 * kCalls);
    CHECK(last == kCalls);
    CHECK(sys.state(server) == DomainState::Available);
    CHECK(sys.run() == 0);   // nothing ready
    // A later call wakes the server again: the scheduler runs the new client (1), its
    // call switches to the server (2), the reply back (3).
    const DomainId again = sys.spawn([&] { last = user::call(1, {.w = {10}}).w[0]; });
    sys.set_key(again, 1, sys.start_key(server));
    CHECK(sys.run() == 3);
    CHECK(last == 11);
  }
  SECTION("a domain that halts or yields switches to the next ready one: each one counts") {
    sim::System sys;
    for (int i = 0; i < 3; ++i) sys.spawn([] {});
    CHECK(sys.run() == 3);   // the scheduler runs d1; d1 halts into d2, d2 into d3
    const DomainId a = sys.spawn([] { user::call(1); });
    const DomainId b = sys.spawn([] { user::call(1); });
    sys.set_key(a, 1, sys.yield_key());
    sys.set_key(b, 1, sys.yield_key());
    CHECK(sys.run() == 4);   // a (scheduler), a yields to b, b yields to a, a halts into b
  }
  SECTION("a Send makes its recipient ready; the sender runs on") {
    sim::System sys;
    const DomainId server = sys.spawn([] {
      user::wait(test::rcv_resume());
      user::wait(test::rcv_resume());
    });
    const DomainId client = sys.spawn([] { user::send(1, {.w = {1}}); });
    sys.set_key(client, 1, sys.start_key(server));
    // server (scheduler), its wait into the client, the client halts into the server
    CHECK(sys.run() == 3);
    CHECK(sys.state(server) == DomainState::Available);
  }
}
