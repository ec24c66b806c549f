// The kernel's interface as a domain sees it: every status, order code, key-type code and
// fault kind, defined here once for the kernel, the runtime, the model, the fuzzer, the
// scenarios and every platform.
#pragma once
#include <cstdint>

namespace eros {

// ---- limits ------------------------------------------------------------------------
inline constexpr int kRegisterCount = 16;           // capability registers 0..15
inline constexpr std::uint32_t kMaxString = 65536;  // bytes in one message
// A domain's keeper is not in a register; the trace names its slot as register 16.
inline constexpr std::uint8_t kKeeperSlot = 16;

// ---- statuses: every way an invocation can end has a name (NOVA-style small enum) ----
enum class Status : std::uint8_t {
  Ok = 0,
  Void,           // the invoked key is void, stale, consumed or rescinded
  BadRegister,    // a register number outside 0..15
  StringTooLong,  // string length over 65,536 bytes
  SourceFault,    // the sender's string is not readable for its whole length
  DestFault,      // the receiver's buffer is not writable for the bytes that would land
  UnknownOrder,   // a kernel object was given an order code it does not define
  BadArgument,    // a kernel object's order was given a word it cannot take
};
inline constexpr int kStatusCount = 8;

constexpr const char* name(Status s) {
  constexpr const char* names[kStatusCount] = {"Ok",          "Void",        "BadRegister",
                                               "StringTooLong", "SourceFault", "DestFault",
                                               "UnknownOrder", "BadArgument"};
  const auto i = static_cast<unsigned>(s);
  return i < kStatusCount ? names[i] : "?";
}

// ---- order codes (w0 of a message to a kernel object) --------------------------------
namespace order {
// Every kernel object answers KT with its key-type code in w1 (KeyKOS's KT); the void key
// answers it, as every order, with Status::Void. Start and resume keys carry it to their
// domain like any other order: a server answers its own type.
inline constexpr std::uint64_t kKeyType = 0x80000000;

// Number key: its four words.
inline constexpr std::uint64_t kNumberValue = 0;

// Yield key: the invoker goes behind every ready domain.
inline constexpr std::uint64_t kYield = 0;

// Domain-control key.
inline constexpr std::uint64_t kMakeStart = 1;    // w1 = badge: a start key into r[0]
inline constexpr std::uint64_t kRescind = 2;      // every start key of the domain is void
inline constexpr std::uint64_t kSetDelivery = 3;  // w1 = Delivery: 0 cached, 1 streaming
inline constexpr std::uint64_t kSetKeeper = 4;    // the key passed as k0 becomes its keeper

// A fault key (what a keeper receives in r3): kRestart runs the faulted instruction again;
// any other order halts the domain.
inline constexpr std::uint64_t kRestart = 0;

// The page-mapping object (PageMap): map fresh zeroed writable pages into the space of the
// domain it names. Answer w0 = 0 all mapped, 1 refused (one page at w1: not a user address,
// page 0, mapped already, or memory short); kMapFreshRange also answers in w1 how many
// were mapped (at most 4096 in one order).
inline constexpr std::uint64_t kMapFreshPage = 1;    // one page at w1
inline constexpr std::uint64_t kMapFreshRange = 2;   // w2 pages from w1 on
}  // namespace order

// ---- key-type codes: w1 of the answer to KT ----------------------------------------
// One per row of core/objects.def: key_type::kNumber, key_type::kDomainControl, ...
namespace key_type {
#define EROS_KERNEL_OBJECT(Kind, code) inline constexpr std::uint64_t k##Kind = code;
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
}  // namespace key_type

// ---- faults: w0 of the Call the kernel makes on a keeper ------------------------------
// w1 = the machine's code for it (x86: vector << 32 | error code), w2 = the address
// (page fault: the address touched), w3 = the program counter.
enum class FaultKind : std::uint8_t {
  PageFault = 1,        // an access its space does not allow
  Protection,           // a privileged instruction, a non-canonical address (#GP)
  InvalidInstruction,   // an opcode the machine refuses (#UD)
  DivideError,          // division by zero or overflow (#DE)
  Breakpoint,           // a breakpoint trap: restarting goes on after it (#BP)
  BadTrap,              // a trap whose arguments the kernel refused
  Other,                // any other exception of the machine
};
inline constexpr int kFaultKindCount = 8;   // including the unused 0

constexpr const char* name(FaultKind f) {
  constexpr const char* names[kFaultKindCount] = {
      "?", "PageFault", "Protection", "InvalidInstruction", "DivideError", "Breakpoint",
      "BadTrap", "Other"};
  const auto i = static_cast<unsigned>(f);
  return i < kFaultKindCount ? names[i] : "?";
}

}  // namespace eros
