// The runtime a domain program is written against: the same API hosted and in ring 3.
#pragma once
#include <cstdint>

#include "core/message.hpp"
#include "user_clock.hpp"  // the platform's clock (user::ticks), found by include path
#include "user_trap.hpp"   // the platform's trap, found by include path

namespace eros::user {

// CallAndWait on the key in register `key`: send `m`, then wait for the reply into `rcv`.
[[gnu::always_inline]] inline Result call(std::uint8_t key, const Message& m = {}, const ReceiveDesc& rcv = {}) {
  return trap::invoke(Op::Call, key, m, rcv);
}

// ReturnAndReceive on the key in register `key`: send `m` (a reply on a resume key, a
// tail call on a start key), become Available, and wait for the next call into `rcv`.
[[gnu::always_inline]] inline Result return_to(std::uint8_t key, const Message& m = {}, const ReceiveDesc& rcv = {}) {
  return trap::invoke(Op::Return, key, m, rcv);
}

// Send (fork) on the key in register `key`: deliver `m` and keep running.
[[gnu::always_inline]] inline Status send(std::uint8_t key, const Message& m = {}) {
  return trap::invoke(Op::Send, key, m, ReceiveDesc{}).status;
}

// Become Available and wait for the first call: a Return on the void register 0.
[[gnu::always_inline]] inline Result wait(const ReceiveDesc& rcv) { return return_to(0, Message{}, rcv); }

}  // namespace eros::user
