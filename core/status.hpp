// Invocation statuses: every way an invocation can end has a name (NOVA-style small enum).
#pragma once
#include <cstdint>

namespace eros {

enum class Status : std::uint8_t {
  Ok = 0,
  Void,           // the invoked key is void, stale, consumed or rescinded
  BadRegister,    // a register number outside 0..15
  StringTooLong,  // string length over 65,536 bytes
  SourceFault,    // the sender's string is not readable for its whole length
  DestFault,      // the receiver's buffer is not writable for the bytes that would land
  BadOrder,       // a kernel object was given an order code it does not know
};
inline constexpr int kStatusCount = 7;

constexpr const char* name(Status s) {
  constexpr const char* names[kStatusCount] = {"Ok", "Void", "BadRegister", "StringTooLong",
                                               "SourceFault", "DestFault", "BadOrder"};
  auto i = static_cast<unsigned>(s);
  return i < kStatusCount ? names[i] : "?";
}

}  // namespace eros
