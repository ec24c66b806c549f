// A differential-test program: memory layout, domains, initial keys and scripted invocations.
// The same Program runs on the kernel (fuzz/driver.cpp, through sim::System) and on the
// reference model (model/), and prints itself as C++ for a ready-to-paste Catch2 test.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.hpp"   // Op

namespace eros::fuzz {

// An address as a domain program names it: in the arena (the program's memory), or one of
// the hostile addresses no space ever maps.
enum class Base : std::uint8_t {
  Arena,          // arena start + offset
  Null,           // 0 + offset
  NonCanonical,   // 0xffff800000000000 + offset
  Wrap,           // 2^64 - 8 + offset: the range wraps for most lengths
};
struct Addr {
  Base base = Base::Arena;
  std::uint32_t offset = 0;
};

// One scripted invocation: the trap's arguments, as user::call/return_to/send take them.
// Or, when `fault` is nonzero, a fault: the domain raises FaultKind `fault` with code w[0]
// and address w[1] (user::raise_fault); every other field is then unused.
struct Step {
  Op op = Op::Call;
  std::uint8_t key = 0;
  std::uint64_t w[4] = {};
  std::uint8_t k[4] = {};
  std::uint32_t len = 0;
  Addr str{};
  Addr buf{};
  std::uint32_t limit = 0;
  std::uint8_t r[4] = {};
  std::uint8_t fault = 0;   // 0: an invocation; 1..7: a fault of that FaultKind
};

// What the test harness does between runs (and before the first): make keys, rescind.
enum class Setup : std::uint8_t {
  Start,           // domain.reg = start key of `object` with `badge`
  DomainControl,   // domain.reg = domain-control key of `object`
  Number,          // domain.reg = a new number key (badge, badge+1, badge+2, badge+3)
  Copy,            // domain.reg = a copy of object.from_reg (any key, resume keys too)
  Rescind,         // rescind `object`
  Void,            // domain.reg = void
  Yield,           // domain.reg = the yield key
  Keeper,          // domain's keeper = a copy of object.from_reg (any key: void, objects too)
  KeeperStart,     // domain's keeper = start key of `object` with `badge`
};
inline constexpr unsigned kSetupKinds = static_cast<unsigned>(Setup::KeeperStart) + 1;
struct SetupOp {
  Setup what = Setup::Start;
  std::uint32_t domain = 0;
  std::uint8_t reg = 0;
  std::uint32_t object = 0;
  std::uint16_t badge = 0;
  std::uint8_t from_reg = 0;
};

inline constexpr std::uint32_t kMaxDomains = 8;
inline constexpr std::uint32_t kMaxPages = 40;
inline constexpr std::uint32_t kMaxSpaces = 4;

struct Program {
  std::uint32_t pages = 3;     // arena pages; the first and the last are never mapped
  std::uint32_t spaces = 1;    // address spaces 0..spaces-1
  std::vector<std::uint8_t> perms;   // [space * pages + page]: bit 0 read, bit 1 write
  std::uint32_t fill = 0;      // seed of the arena's initial bytes
  std::vector<std::uint8_t> space_of;        // per domain (domain i+1)
  std::vector<std::vector<Step>> steps;      // per domain: its program; then it halts
  std::vector<std::vector<SetupOp>> phases;  // before run 1, run 2, ...

  std::uint32_t domains() const { return static_cast<std::uint32_t>(steps.size()); }
  std::size_t step_count() const;
  // Clamp every field to what the harness can build (the fuzzer's input is arbitrary).
  void sanitize();
};

// The program as C++ statements building `p` (for a Catch2 test).
std::string to_cpp(const Program& p);
// One line per step, for people.
std::string to_text(const Program& p);

}  // namespace eros::fuzz
