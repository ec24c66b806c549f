// Scenarios: domain programs written once against user/ alone, and the set-up that runs
// them (which domains, in which spaces, holding which keys). The hosted runner
// (scenarios/hosted_main.cpp) runs them on sim::System; the bare-metal kernel
// (arch/x86_64/) runs the very same compiled programs in ring 3. Each prints its trace;
// the two must be byte-identical.
//
// A program gets a data area that its own space maps (hosted: System::alloc in its space;
// bare metal: its own zeroed pages) and one parameter word. No globals, no captured host
// state: everything a program has is its data area, its stack and its key registers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eros::scenarios {

using Program = void (*)(std::byte* data, std::uint64_t param);

inline constexpr std::uint32_t kPageBytes = 4096;

struct DomainSpec {
  Program program;
  std::uint32_t space;        // 0: the shared space; k >= 1: the k-th space of its own
  std::uint32_t data_pages;   // size of the data area, in 4 KB pages (0: none)
  std::uint64_t param;
};

enum class KeySource : std::uint8_t { Start, Number, DomainControl };

// Domain `domain` (a DomainId: the i-th DomainSpec is domain i+1) gets, in register `reg`,
// a start key of `target` with `badge`, a number key with words w, or a domain-control key.
struct KeySpec {
  std::uint32_t domain;
  std::uint8_t reg;
  KeySource source;
  std::uint32_t target;
  std::uint16_t badge;
  std::uint64_t w[4];
};

struct Scenario {
  const char* name;
  std::uint32_t spaces;          // spaces in use, counting the shared space 0
  const DomainSpec* domains;
  std::uint32_t domain_count;
  const KeySpec* keys;
  std::uint32_t key_count;
  // Benchmarks are not compared: their result is the data area of `report` (a DomainId),
  // which holds u64 count, then `count` samples of round trip ticks, then `count`
  // samples of the empty timer pair, written by the program.
  bool benchmark;
  std::uint32_t report;
  const char* what;              // one line for people
  // Needs the hardware (privileged instructions, real faults): bare metal only, its trace
  // printed but not compared.
  bool hardware_only = false;
};

struct Registry {
  const Scenario* list;
  std::uint32_t count;
};

// The scenarios, in the order both runners run them.
extern const Registry registry;

}  // namespace eros::scenarios
