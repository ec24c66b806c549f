// Keys: 16-byte capability values held in a domain's 16 registers.
#pragma once
#include <cstdint>

#include "core/abi.hpp"

namespace eros {

using DomainId = std::uint32_t;          // index into the domain table; 0 names no domain
inline constexpr DomainId kNoDomain = 0;

// Void, the three kinds that name a domain, then one kind per kernel object (core/objects.def).
enum class KeyKind : std::uint8_t {
  Void = 0,
  Start,          // entry port of a domain, with a 16-bit badge (keyInfo)
  Resume,         // one-shot reply port to a Waiting domain
  Fault,          // a keeper's one-shot key to a faulted domain: restart it, or halt it
#define EROS_KERNEL_OBJECT(Kind, code) Kind,
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
};
inline constexpr int kFirstObjectKind = static_cast<int>(KeyKind::Fault) + 1;
inline constexpr int kKeyKindCount = kFirstObjectKind
#define EROS_KERNEL_OBJECT(Kind, code) +1
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
    ;

// A kernel object answers at once, with no domain switch: the invocation path and the
// keeper rule (a kernel object as keeper would answer a fault at once and the fault
// repeat, so the domain halts) ask this.
constexpr bool is_kernel_object(KeyKind k) {
  const int i = static_cast<int>(k);
  return i >= kFirstObjectKind && i < kKeyKindCount;
}

constexpr const char* name(KeyKind k) {
  constexpr const char* names[kKeyKindCount] = {"Void", "Start", "Resume", "Fault",
#define EROS_KERNEL_OBJECT(Kind, code) #Kind,
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
  };
  auto i = static_cast<unsigned>(k);
  return i < kKeyKindCount ? names[i] : "?";
}

// A key names its object by index and is bound to a count when made: a resume key to the
// domain's call count, a start key to its allocation version. Validity is one compare,
// so consuming every copy of a resume key, or rescinding every start key, is one increment.
struct Key {
  KeyKind kind = KeyKind::Void;
  std::uint8_t reserved = 0;
  std::uint16_t badge = 0;     // keyInfo of a start key
  std::uint32_t object = 0;    // DomainId, or number-table index
  std::uint64_t bound = 0;     // call count (Resume, Fault) or allocation version (Start)

  friend constexpr bool operator==(const Key&, const Key&) = default;
};
static_assert(sizeof(Key) == 16, "keys are 16-byte values: the register file layout depends on it");

inline constexpr std::uint8_t kVoidRegister = 0;   // always reads void, writes discarded

constexpr bool register_in_range(std::uint8_t r) { return r < kRegisterCount; }

// A domain's capability registers. Register 0 is kept void by never writing it.
struct KeyRegisters {
  Key slot[kRegisterCount];

  constexpr const Key& operator[](std::uint8_t r) const { return slot[r]; }
  constexpr void write(std::uint8_t r, const Key& k) {
    if (r != kVoidRegister) slot[r] = k;
  }
  // Branch-free form for the fast path: write, then void register 0 again.
  constexpr void write_unchecked(std::uint8_t r, const Key& k) { slot[r] = k; }
  constexpr void revoid() { slot[kVoidRegister] = Key{}; }
};
static_assert(sizeof(KeyRegisters) == 256);

}  // namespace eros
