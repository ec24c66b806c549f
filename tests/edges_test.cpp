// The kernel's defensive paths: full tables, forged keys, tracing off, names of values
// outside their enums. No domain program reaches these; the host API or a forged register
// can, and each must answer as the semantics say (a key that names nothing is void).
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace eros;

TEST_CASE("full object tables: no domain, a void number key", "[errors][keys]") {
  sim::System sys(sim::Options{.max_domains = 2, .max_numbers = 1});
  CHECK(sys.spawn([] {}) == 1);
  CHECK(sys.spawn([] {}) == 2);
  CHECK(sys.spawn([] {}) == kNoDomain);
  CHECK(sys.number_key(1).kind == KeyKind::Number);
  CHECK(sys.number_key(2).kind == KeyKind::Void);
  sys.run();
}

TEST_CASE("the kernel's object calls name no domain that does not exist", "[errors][keys]") {
  sim::System sys;
  const DomainId d = sys.spawn([] { user::wait({}); });
  Kernel& k = sys.kernel();
  CHECK(k.start_key(kNoDomain, 1).kind == KeyKind::Void);
  CHECK(k.start_key(d + 7, 1).kind == KeyKind::Void);
  CHECK(k.domain_control_key(kNoDomain).kind == KeyKind::Void);
  CHECK(k.domain_control_key(d + 7).kind == KeyKind::Void);
  k.rescind(d + 7);   // nothing to rescind: nothing changes
  k.rescind(kNoDomain);
  CHECK(k.valid(k.start_key(d, 0)));
  sys.run();
}

TEST_CASE("a forged key that names nothing behaves as void", "[errors][keys]") {
  sim::System sys;
  std::vector<Status> got;
  const DomainId d = sys.spawn([&got] {
    for (std::uint8_t r = 1; r <= 6; ++r) {
      got.push_back(user::call(r).status);
      got.push_back(user::send(r));
    }
  });
  const std::uint32_t nowhere = 1000;
  sys.set_key(d, 1, Key{KeyKind::Start, 0, 5, nowhere, 0});
  sys.set_key(d, 2, Key{KeyKind::Resume, 0, 0, nowhere, 0});
  sys.set_key(d, 3, Key{KeyKind::DomainControl, 0, 0, nowhere, 0});
  sys.set_key(d, 4, Key{KeyKind::Number, 0, 0, nowhere, 0});   // past the number table
  // No such kind: the host API refuses it, so straight into the register file.
  sys.kernel().domain(d).regs.write(5, Key{static_cast<KeyKind>(42), 0, 0, 1, 0});
  sys.set_key(d, 6, Key{KeyKind::Start, 0, 0, d, 99});   // a version d never had
  for (std::uint8_t r = 1; r <= 6; ++r) CHECK_FALSE(sys.valid(sys.key(d, r)));
  sys.run();
  CHECK(got == std::vector<Status>(12, Status::Void));
}

TEST_CASE("with tracing off, or no trace ring, invocations record nothing", "[trace]") {
  for (const bool no_ring : {false, true}) {
    sim::Options o;
    if (no_ring) o.trace_capacity = 0;
    sim::System sys(o);
    if (!no_ring) sys.set_tracing(false);
    Result r{};
    const DomainId server = sys.spawn([] {
      for (Result got = user::wait(test::rcv_resume());;)
        got = user::return_to(3, {.w = {got.w[0] + 1}}, test::rcv_resume());
    });
    const DomainId client = sys.spawn([&r] { r = user::call(1, {.w = {41}}); });
    sys.set_key(client, 1, sys.start_key(server));
    sys.run();
    INFO((no_ring ? "trace capacity 0" : "tracing off"));
    CHECK(r.w[0] == 42);
    CHECK(sys.events().empty());
    CHECK(sys.kernel().trace.total() == 0);
  }
}

TEST_CASE("names of values outside their enums, and of every Op", "[trace]") {
  CHECK(std::string(name(static_cast<KeyKind>(42))) == "?");
  CHECK(std::string(name(static_cast<Status>(42))) == "?");
  CHECK(std::string(name(static_cast<RestartCause>(42))) == "?");
  CHECK(std::string(name(static_cast<FaultKind>(42))) == "?");
  CHECK(std::string(name(FaultKind::BadTrap)) == "BadTrap");
  CHECK(std::string(name(Op::Call)) == "Call");
  CHECK(std::string(name(Op::Return)) == "Return");
  CHECK(std::string(name(Op::Send)) == "Send");
}

TEST_CASE("keys are equal only when every field is", "[keys]") {
  const Key k{KeyKind::Start, 0, 7, 3, 9};
  CHECK(k == Key{KeyKind::Start, 0, 7, 3, 9});
  CHECK_FALSE(k == Key{KeyKind::Resume, 0, 7, 3, 9});
  CHECK_FALSE(k == Key{KeyKind::Start, 1, 7, 3, 9});
  CHECK_FALSE(k == Key{KeyKind::Start, 0, 8, 3, 9});
  CHECK_FALSE(k == Key{KeyKind::Start, 0, 7, 4, 9});
  CHECK_FALSE(k == Key{KeyKind::Start, 0, 7, 3, 10});
}

TEST_CASE("kernel-object keys of a domain that is gone or never was", "[keys][pagemap]") {
  sim::System sys;
  DomainId d = sys.spawn([] {});
  CHECK(sys.kernel().object_key(KeyKind::Start, d, {}).kind == KeyKind::Void);   // no row
  CHECK(sys.object_key(KeyKind::PageMap, 99).kind == KeyKind::Void);
  CHECK(sys.object_key(KeyKind::DomainControl, 99).kind == KeyKind::Void);
  const Key map = sys.object_key(KeyKind::PageMap, d);
  CHECK(sys.valid(map));
  sys.run();   // d's program ends: it halts
  CHECK_FALSE(sys.valid(map));
  CHECK(sys.object_key(KeyKind::PageMap, d).kind == KeyKind::Void);
  sys.kernel().set_keeper(999, map);   // the kernel's own entry ignores a domain that is not
  CHECK(sys.kernel().domain_count() == 2);
}

TEST_CASE("a page-mapping range that maps every page; a fault with the trace off",
          "[pagemap][keeper]") {
  sim::System sys(sim::Options{.trace = false, .calibrate = false});
  constexpr std::uint64_t kAt = 0x3d000000;
  Result range{};
  DomainId d = sys.spawn([&] {
    range = user::call(1, {.w = {order::kMapFreshRange, kAt, 2}});
    user::raise_fault(FaultKind::Other);   // no keeper: halted, nothing traced
  });
  sys.set_key(d, 1, sys.object_key(KeyKind::PageMap, d));
  sys.run();
  CHECK(range.w[0] == 0);
  CHECK(range.w[1] == 2);
  CHECK(sys.state(d) == DomainState::Halted);
  CHECK(sys.events().empty());
}
