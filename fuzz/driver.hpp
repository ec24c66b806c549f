// The differential driver: run one Program on the kernel (sim::System, fibers, fast path)
// and on the reference model, compare what every domain observes at every step, and stop at
// the first divergence. shrink() makes a diverging program minimal; repro_test() prints it
// as a Catch2 test.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "capabilities/key.hpp"
#include "core/domain.hpp"
#include "core/message.hpp"
#include "core/trace.hpp"
#include "fuzz/program.hpp"

namespace eros::model {
class Model;
}

namespace eros::fuzz {

#if defined(EROS_FUZZ_INVARIANTS)
inline constexpr bool kInvariantsByDefault = true;
#else
inline constexpr bool kInvariantsByDefault = false;
#endif

struct Options {
  bool invariants = kInvariantsByDefault;   // check the kernel's invariants at every step
  bool full_memory = false;   // compare the whole arena at every step (else at each run's end)
  int planted_bug = 0;        // model::Model::planted_bug, to test the driver itself
};

// A register as the domain sees it: kind, object, badge and whether it is valid.
struct KeyView {
  KeyKind kind = KeyKind::Void;
  std::uint32_t object = 0;
  std::uint16_t badge = 0;
  bool valid = false;
  friend bool operator==(const KeyView&, const KeyView&) = default;
};
struct DomainView {
  DomainState state = DomainState::Running;
  std::uint32_t stalled_on = 0;
  bool ready = false;
  Result result;
  KeyView regs[16];
  KeyView keeper;   // the keeper slot
};
// The platform-independent fields of a trace record.
struct EventView {
  std::uint64_t step = 0;
  EventKind kind = EventKind::Call;
  std::uint32_t invoker = 0, target = 0;
  KeyKind key = KeyKind::Void;
  std::uint8_t key_register = 0;
  std::uint16_t badge = 0;
  std::uint32_t sent = 0, landed = 0;
  Status status = Status::Ok;
  std::uint8_t op = 0;
  friend bool operator==(const EventView&, const EventView&) = default;
};

// What is compared, each time a domain's body could look at the world: when it begins,
// when each of its invocations returns to it, when it ends, and when each run ends.
struct Observation {
  enum Kind : std::uint8_t { Begin, Done, End, RunEnd };
  Kind kind = Begin;
  std::uint32_t domain = 0;   // RunEnd: the run's number
  std::uint32_t step = 0;     // Done: which step of its program returned
  Result result;              // Done: what the invocation returned
  std::vector<DomainView> domains;
  std::vector<EventView> events;          // trace records since the previous observation
  std::vector<std::uint8_t> received;     // Done (Call/Return): the bytes that landed
  std::vector<std::uint8_t> arena;        // RunEnd, or every step with full_memory
};

struct Outcome {
  bool agree = true;
  std::string report;              // the first divergence, with context
  std::size_t observations = 0;
  std::size_t invocations = 0;     // traps the kernel's domains entered
  std::size_t events = 0;          // trace records
  std::vector<EventView> trace;    // the kernel's trace
  // When the first divergence shows in the trace: the first differing records.
  bool event_differs = false;
  EventView kernel_event, model_event;
};

Outcome diff(const Program& p, const Options& o = {});

// The model side's view of a program, for code that runs one on the model alone (the
// generator's reach test): an address as the model names it, and one set-up op applied.
std::uint64_t model_address(const Addr& a);
void apply_setup(model::Model& m, const SetupOp& op);

// Smaller programs that still diverge, tried greedily within `budget` runs.
Program shrink(const Program& p, const Options& o = {}, int budget = 4000);

// A Catch2 test reproducing the divergence, ready to paste into
// tests/differential/regressions_test.cpp.
std::string repro_test(const Program& p, const Outcome& o, const std::string& title);

// Kernel divergences already reported (tests/differential/regressions_test.cpp, tagged
// [!mayfail]), recognized by the first differing trace record: the name of the regression,
// or null. The campaign, eros-diff and the fuzzer count these and carry on, so the rest of
// the kernel stays under test until the lead fixes them; delete an entry with its fix.
const char* known_kernel_divergence(const Outcome& o);

std::string describe(const Observation& ob);
std::string describe(const EventView& e);

}  // namespace eros::fuzz
