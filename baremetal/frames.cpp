// The bump allocator of physical frames (alloc_frame itself is inline: frames.hpp).
#include "baremetal/frames.hpp"

#include "baremetal/layout.hpp"

namespace eros::baremetal {

namespace frames_detail {
std::uint64_t next = 0, end = 0;
void exhausted() { Platform::panic("out of physical memory"); }
}  // namespace frames_detail

using frames_detail::end;
using frames_detail::next;

void frames_init(std::uint64_t first_free, std::uint64_t last) {
  next = (first_free + kPage - 1) & ~(kPage - 1);
  end = last;
}
std::uint64_t frames_mark() { return next; }
std::uint64_t frames_left() { return (end - next) / kPage; }
void frames_reset(std::uint64_t mark) { next = mark; }

}  // namespace eros::baremetal
