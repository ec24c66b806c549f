// A scenario's set-up (scenarios/load.hpp), the one both runners use, on a recording host:
// spaces first, domains in order with their parameters, keys last, and every way a
// scenario can fail to fit.
#include <catch2/catch.hpp>

#include <vector>

#include "scenarios/load.hpp"
#include "sim/system.hpp"

using namespace eros;
using namespace eros::scenarios;

namespace {

void idle(std::byte*, std::uint64_t) {}

// Makes domains in a sim::System's kernel and records what it was asked for.
struct Recorder {
  sim::System sys{sim::Options{.calibrate = false}};
  std::uint32_t max_spaces = 4;
  std::vector<std::uint32_t> spaces;
  std::vector<std::uint64_t> params;
  Kernel& kernel() { return sys.kernel(); }
  bool new_space(std::uint32_t index) {
    if (index >= max_spaces) return false;
    spaces.push_back(index);
    if (index != 0) sys.new_space();
    return true;
  }
  DomainId spawn(const DomainSpec& spec, std::uint64_t param) {
    params.push_back(param);
    return sys.kernel().create_domain(spec.space);
  }
};

const DomainSpec kTwo[] = {{idle, 0, 0, 7}, {idle, 1, 1, 9}};

}  // namespace

TEST_CASE("load: spaces, then domains in order with their parameters, then keys", "[load]") {
  const KeySpec keys[] = {{1, 2, KeyKind::Start, 2, 5, {}}, {2, kKeeperSlot, KeyKind::Start, 1, 0, {}}};
  const Scenario s{"two", 2, kTwo, 2, keys, 2, false, 0, "test"};
  Recorder host;
  REQUIRE(load(s, false, host));
  CHECK(host.spaces == std::vector<std::uint32_t>{0, 1});
  CHECK(host.params == std::vector<std::uint64_t>{7, 9});
  CHECK(host.kernel().domain(1).regs[2].kind == KeyKind::Start);
  CHECK(host.kernel().domain(1).regs[2].badge == 5);
  CHECK(host.kernel().domain(2).keeper.kind == KeyKind::Start);
}

TEST_CASE("load: a benchmark run quick gets kQuickParam in every parameter", "[load]") {
  const Scenario bench{"b", 2, kTwo, 2, nullptr, 0, true, 1, "test"};
  Recorder host;
  REQUIRE(load(bench, true, host));
  CHECK(host.params == std::vector<std::uint64_t>{7 | kQuickParam, 9 | kQuickParam});
  const Scenario plain{"p", 2, kTwo, 2, nullptr, 0, false, 0, "test"};
  Recorder other;
  REQUIRE(load(plain, true, other));   // quick touches benchmarks only
  CHECK(other.params == std::vector<std::uint64_t>{7, 9});
}

TEST_CASE("load: what does not fit is refused, never half-read", "[load]") {
  Recorder too_many_spaces;
  too_many_spaces.max_spaces = 1;
  CHECK_FALSE(load(Scenario{"s", 2, kTwo, 2, nullptr, 0, false, 0, "t"}, false, too_many_spaces));

  const DomainSpec bad_space[] = {{idle, 3, 0, 0}};
  Recorder a;
  CHECK_FALSE(load(Scenario{"s", 2, bad_space, 1, nullptr, 0, false, 0, "t"}, false, a));
  CHECK(a.params.empty());   // refused before it was made

  const DomainSpec bad_ro[] = {{idle, 0, 1, 0, 2}};
  Recorder b;
  CHECK_FALSE(load(Scenario{"s", 1, bad_ro, 1, nullptr, 0, false, 0, "t"}, false, b));

  const KeySpec bad_reg[] = {{1, 17, KeyKind::Start, 1, 0, {}}};
  Recorder c;
  CHECK_FALSE(load(Scenario{"s", 2, kTwo, 2, bad_reg, 1, false, 0, "t"}, false, c));
  const KeySpec no_domain[] = {{5, 1, KeyKind::Start, 1, 0, {}}};
  Recorder d;
  CHECK_FALSE(load(Scenario{"s", 2, kTwo, 2, no_domain, 1, false, 0, "t"}, false, d));
}
