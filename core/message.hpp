// What an invocation carries and what a domain receives: shared by the kernel and user/.
#pragma once
#include <cstdint>

#include "core/abi.hpp"

namespace eros {

enum class Op : std::uint8_t { Call = 0, Return, Send };
inline constexpr const char* name(Op op) {
  return op == Op::Call ? "Call" : op == Op::Return ? "Return" : "Send";
}

// The message an invoker sends: order code w[0], data words w[1..3], a string, and the
// register numbers k[0..3] of the keys to pass. The string address is the invoker's, and
// untrusted: the kernel reaches it only through the platform's probe and copy.
struct Message {
  std::uint64_t w[4] = {};
  std::uint8_t k[4] = {};
  std::uint32_t len = 0;
  const void* str = nullptr;
};
static_assert(sizeof(Message) == 48, "Message layout is part of the trap ABI");

// Where the invoker wants its next message: a buffer, its limit (clamped to 65,536), and
// the registers r[0..3] that receive the four keys (0 discards).
struct ReceiveDesc {
  void* buf = nullptr;
  std::uint32_t limit = 0;
  std::uint8_t r[4] = {};
};
static_assert(sizeof(ReceiveDesc) == 16, "ReceiveDesc layout is part of the trap ABI");

// What a domain learns when an invocation returns to it.
struct Result {
  Status status = Status::Ok;
  std::uint16_t key_info = 0;   // badge of the invoked start key; 0 for a resume key
  std::uint32_t sent = 0;       // the full length the sender sent
  std::uint32_t landed = 0;     // min(sent, receive limit): bytes written to the buffer
  std::uint64_t w[4] = {};
};
static_assert(sizeof(Result) == 48, "Result layout is part of the trap ABI");

}  // namespace eros
