// The page-mapping object's machine operation (core/objects/page_map.cpp): a fresh, zeroed,
// writable user page in a domain's page tables.
#include "arch/x86_64/baremetal.hpp"

namespace eros {

// Refused for page 0, an address outside the user half, a page mapped already (or the
// image), or when fewer than 64 frames are left: a domain that faults its way through
// memory is refused, never the kernel's own tables (alloc_frame would panic).
bool X86Platform::map_fresh(Domain& d, std::uint64_t va) noexcept {
  using namespace x86;
  const std::uint64_t root = contexts[d.id].root;
  va &= ~(kPage - 1);
  if (root == 0 || va == 0 || va >= kUserTop) return false;
  if (user_range_ok(root, va, 1, false)) return false;
  if (frames_left() < 64) return false;
  map_page(root, va, alloc_frame(), kPresent | kWritable | kUser);
  return true;   // it was not present: no TLB entry to flush
}

}  // namespace eros
