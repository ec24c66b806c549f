// Bad arguments to the host API. A domain id, register, space, range or option that is out
// of range is the caller's programming error, not a kernel status: the entry prints one
// line naming the function, the argument, its value and what is valid, e.g.
//   eros: sim::System::set_key: register 16 out of range 0..15
// on stderr and calls std::abort(), so nothing is ever written past a table.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capabilities/key.hpp"

namespace eros::sim {

// Prints "eros: <fn>: <what>" as one line on stderr, then aborts. `fn` is the full name,
// "sim::System::set_key".
[[noreturn, gnu::cold]] void usage_error(std::string_view fn, std::string_view what);
// "<arg> <value> out of range <lo>..<hi>"
[[noreturn, gnu::cold]] void out_of_range(std::string_view fn, std::string_view arg,
                                          std::uint64_t value, std::uint64_t lo, std::uint64_t hi);
// A domain id that names no spawned domain; `count` is Kernel::domain_count().
[[noreturn, gnu::cold]] void bad_domain(std::string_view fn, DomainId d, std::uint32_t count);

// Ids 1..count-1 are spawned domains (halted ones included: their state stays readable).
inline void check_domain(std::string_view fn, DomainId d, std::uint32_t count) {
  if (d == kNoDomain || d >= count) [[unlikely]] bad_domain(fn, d, count);
}
inline void check_register(std::string_view fn, std::uint8_t r) {
  if (!register_in_range(r)) [[unlikely]] out_of_range(fn, "register", r, 0, kRegisterCount - 1);
}
// Spaces 0..count-1 exist (0 is kSharedSpace, made with the system).
inline void check_space(std::string_view fn, std::uint32_t s, std::size_t count) {
  if (s >= count) [[unlikely]] out_of_range(fn, "space", s, 0, count - 1);
}
// A page range for map/unmap: addr page-aligned, [addr, addr + bytes) below kSpaceTop.
void check_page_range(std::string_view fn, const void* addr, std::size_t bytes);
void check_perm(std::string_view fn, std::uint8_t perm);

}  // namespace eros::sim
