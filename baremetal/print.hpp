// A small freestanding formatted print: "{}" takes the next argument, printed by its type
// (text, a character, an unsigned or signed integer in decimal, hex(v) in hexadecimal).
// No allocation and no library: each machine gives the function that writes a character.
#pragma once
#include <concepts>
#include <cstdint>

namespace eros::baremetal {

using PutChar = void (*)(char);

struct Hex {
  std::uint64_t v;
};
constexpr Hex hex(std::uint64_t v) { return Hex{v}; }

// One argument, as the formatter sees it.
struct Arg {
  enum class Kind : std::uint8_t { Text, Char, Unsigned, Signed, Hex } kind;
  std::uint64_t v = 0;
  const char* s = nullptr;
};
constexpr Arg arg(const char* s) { return Arg{Arg::Kind::Text, 0, s}; }
constexpr Arg arg(char c) { return Arg{Arg::Kind::Char, static_cast<unsigned char>(c), nullptr}; }
constexpr Arg arg(Hex h) { return Arg{Arg::Kind::Hex, h.v, nullptr}; }
constexpr Arg arg(bool b) { return arg(b ? "true" : "false"); }
template <std::unsigned_integral T>
constexpr Arg arg(T v) { return Arg{Arg::Kind::Unsigned, v, nullptr}; }
template <std::signed_integral T>
  requires(!std::same_as<T, char>)
constexpr Arg arg(T v) { return Arg{Arg::Kind::Signed, static_cast<std::uint64_t>(v), nullptr}; }

// Writes `fmt` with its "{}"s replaced by args[0..n); a "{}" past the last argument prints
// "{?}", so that a mistake shows in the output instead of reading past the array.
void vprint(PutChar put, const char* fmt, const Arg* args, std::uint32_t n);

template <class... A>
void print(PutChar put, const char* fmt, const A&... a) {
  const Arg args[] = {arg(a)..., Arg{Arg::Kind::Text, 0, ""}};
  vprint(put, fmt, args, sizeof...(A));
}

}  // namespace eros::baremetal
