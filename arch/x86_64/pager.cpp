// The page-mapping object: a kernel object that maps a fresh page into a domain's space,
// reached through a start key whose badge names that domain.
//
// The core's key kinds are Void, Start, Resume, Number, DomainControl and Yield; a new kernel
// object kind would have to grow KeyKind and Kernel::kernel_object (core/). Instead this
// object is a domain that runs in ring 0 on its own kernel stack and speaks the scenario
// protocol through the very same Kernel::return_to as every domain: it waits (a Return on
// register 0), and answers each call on the resume key it receives in register 3. Holding
// a start key to it with badge D is the authority to map pages into D's space. Hosted, the
// scenario's stand-in program (scenarios.cpp: pager) answers the same messages, so the
// traces are the same. Orders: kMapFreshPage (one page at w1), kMapFreshRange (w2 pages
// from w1 on; w1 of the answer says how many were mapped).
#include "arch/x86_64/baremetal.hpp"
#include "scenarios/scenarios.hpp"

namespace eros::x86 {
namespace {

// Maps a zeroed, writable user page at `va` into domain `target`'s space, if that page is
// a user address other than page 0, not mapped yet, and memory is left. The pager never
// maps into itself (it has no space).
bool map_fresh(DomainId target, std::uint64_t va) {
  if (!kernel->exists(target) || contexts[target].root == 0) return false;
  va &= ~(kPage - 1);
  if (va == 0 || va >= kUserTop) return false;
  const std::uint64_t root = contexts[target].root;
  if (user_range_ok(root, va, 1, false)) return false;   // already mapped (or the image)
  // The page and up to three page tables; a domain that faults its way through memory
  // is refused, never the kernel's own tables (alloc_frame would panic).
  if (frames_left() < 64) return false;
  map_page(root, va, alloc_frame(), kPresent | kWritable | kUser);
  return true;   // it was not present: no TLB entry to flush
}

}  // namespace
}  // namespace eros::x86

extern "C" [[noreturn]] void eros_pager_main() {
  using namespace eros;
  Kernel& k = *x86::kernel;
  Domain& me = k.domain(x86::current_id());
  constexpr std::uint8_t kCaller = 3;
  constexpr ReceiveDesc rcv{nullptr, 0, {0, 0, 0, kCaller}};
  const Result* r = &k.return_to(me, 0, Message{}, rcv);
  for (;;) {
    Message answer{};
    if (r->w[0] == order::kMapFreshRange) {
      // w2 pages from w1 on (at most 4096: 16 MB), stopping at the first refused.
      const std::uint64_t pages = r->w[2] < 4096 ? r->w[2] : 4096;
      std::uint64_t done = 0;
      while (done < pages && x86::map_fresh(r->key_info, r->w[1] + done * x86::kPage)) ++done;
      answer.w[0] = done == r->w[2] ? 0 : 1;
      answer.w[1] = done;
    } else {
      answer.w[0] =
          r->w[0] == order::kMapFreshPage && x86::map_fresh(r->key_info, r->w[1]) ? 0 : 1;
    }
    r = &k.return_to(me, kCaller, answer, rcv);
  }
}
