// The string copy of an invocation longer than kSmallString (X86Platform::copy,
// platform.cpp, copies shorter ones with general registers): the only kernel code compiled
// with SSE (the copy family, copy/), so the only place where the kernel touches the vector
// registers. The domain's own vector state is put away first (x86::vector_kernel_begin)
// and the registers left as they were found after (its state, or the initial state).
#include "arch/x86_64/baremetal.hpp"

namespace eros::x86 {

void vector_copy(const Domain& to, void* dst, const Domain& from, const void* src,
                 std::uint32_t n) {
  x86::vector_kernel_begin();
  if (to.space == from.space) [[likely]] {
    copy_string(dst, src, n, to.delivery);
  } else if (const auto d = reinterpret_cast<std::uint64_t>(dst);
             (d & (x86::kPage - 1)) + n <= x86::kPage) {
    // Both ranges were probed. The source is in the running space; the destination is
    // reached through the direct map: within one page, the frame its probe remembered ...
    copy_string(x86::phys_to_virt(x86::dest_frame(to, d) | (d & (x86::kPage - 1))), src, n,
                to.delivery);
  } else {
    // ... else one destination page at a time.
    const std::uint64_t root = x86::space_roots[to.space];
    auto p = reinterpret_cast<std::uint64_t>(dst);
    auto* s = static_cast<const std::uint8_t*>(src);
    while (n != 0) {
      const std::uint64_t in_page = x86::kPage - (p & (x86::kPage - 1));
      const std::uint32_t chunk = in_page < n ? static_cast<std::uint32_t>(in_page) : n;
      copy_string(x86::phys_to_virt(x86::translate(root, p)), s, chunk, to.delivery);
      p += chunk;
      s += chunk;
      n -= chunk;
    }
  }
  x86::vector_kernel_end();
}

}  // namespace eros::x86
