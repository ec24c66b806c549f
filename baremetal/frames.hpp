// Physical frames for page tables and domains' memory: a bump allocator over one range of
// RAM, set back to a mark between scenarios (each builds its spaces anew), reached
// through the machine's direct map (Platform::kDirectMap).
#pragma once
#include <cstdint>

#include "platform_impl.hpp"

namespace eros::baremetal {

// [first_free, end) physical, all of it inside the direct map.
void frames_init(std::uint64_t first_free, std::uint64_t end);
std::uint64_t frames_mark();
void frames_reset(std::uint64_t mark);
std::uint64_t frames_left();

// A frame (or any physical address of RAM) as the kernel reads it.
template <class T = void>
inline T* frame_ptr(std::uint64_t pa) {
  return reinterpret_cast<T*>(Platform::kDirectMap + pa);
}

namespace frames_detail {
extern std::uint64_t next, end;
[[noreturn, gnu::cold]] void exhausted();
}  // namespace frames_detail

// Zeroed; panics when out of memory. Inline: a page-table walk that may need a table then
// keeps its loop in caller-saved registers (a call in it costs a first write through the
// keeper nine instructions).
inline std::uint64_t alloc_frame() {
  using namespace frames_detail;
  if (next + 4096 > end) [[unlikely]] exhausted();
  const std::uint64_t pa = next;
  next += 4096;
  Platform::zero_page(frame_ptr(pa));
  return pa;
}

}  // namespace eros::baremetal
