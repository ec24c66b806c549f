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

#include "capabilities/key.hpp"

namespace eros::scenarios {

using Program = void (*)(std::byte* data, std::uint64_t param);

inline constexpr std::uint32_t kPageBytes = 4096;

struct DomainSpec {
  Program program;
  std::uint32_t space;        // 0: the shared space; k >= 1: the k-th space of its own
  std::uint32_t data_pages;   // size of the data area, in 4 KB pages (0: none)
  std::uint64_t param;
  // The last `ro_pages` pages of the data area are mapped read-only (hostile buffers).
  std::uint32_t ro_pages = 0;
};

// Faults reach a domain's keeper (core/keeper.cpp): a KeySpec whose `reg` is kKeeperSlot
// (core/abi.hpp) sets the domain's keeper instead of a register. The keeper gets
// w = {FaultKind, code, address, pc} and a fault key in r3: order 0 on it restarts the
// domain, any other halts it, dropping it leaves the domain stopped. Bare metal raises the
// faults with the instructions themselves, hosted with user::raise_fault.
// The page-mapping object is a kernel object (KeyKind::PageMap, orders in core/abi.hpp).

// Set by the bare-metal kernel (command line `quick`) and by the hosted runner (`--bench
// --quick`) in the parameter of every domain of a benchmark scenario: fewer samples,
// smaller arrays (tools/repro.py --quick).
inline constexpr std::uint64_t kQuickParam = std::uint64_t{1} << 63;

// A benchmark's data area holds either the plain layout (see Scenario::report) or, when
// its first word is kSeriesMagic, named series: w[1] = how many, then for each: its name
// (up to 8 ASCII characters, the first in the low byte), the bytes one sample moves (0:
// none), the number of samples n, then n samples in ticks. A series named "timer" holds
// empty timer pairs, whose median the kernel subtracts from every other series' median.
inline constexpr std::uint64_t kSeriesMagic = 0x3130534549524553;   // "SERIES01"

// Domain `domain` (a DomainId: the i-th DomainSpec is domain i+1) gets, in register `reg`
// (or its keeper slot, kKeeperSlot), a start key of `target` with `badge`, or a key of a
// kernel object of kind `kind` (core/objects.def; `target` its domain, `w` its words).
struct KeySpec {
  std::uint32_t domain;
  std::uint8_t reg;
  KeyKind kind;
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
