// What each machine gives the machine-independent bare-metal layer (baremetal/): the
// console, page tables, a domain's first entry into user mode, and the scheduler loop.
// arch/<machine>/ defines every function here; the layer calls them, and of the machine's
// Platform (platform_impl.hpp) only cycles, panic, kDirectMap and zero_page.
#pragma once
#include <cstdint>

#include "baremetal/print.hpp"
#include "core/kernel.hpp"

namespace eros::baremetal {

// The running scenario's kernel (the machine's trap entries reach the core through it).
extern Kernel* kernel asm("eros_kernel");

namespace machine {

void put(char c);                    // the console

// A new scenario is about to be set up on frames the last one used: nothing of it may
// stay in the TLB.
void begin_scenario();
// Space `index` of the scenario (0 first): a page-table root with the kernel's half and
// the ring-3 image (read-only) mapped, which the machine's probes and switch use.
std::uint64_t new_space(std::uint32_t index);
// One user page: readable, and writable when `writable`.
void map_user(std::uint64_t root, std::uint64_t va, std::uint64_t pa, bool writable);
// A never-run domain's first entry: user mode at `entry` with the stack `user_sp` and three
// arguments, in space `root`.
void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_sp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2);
// Runs the scenario's domains, from a clean vector state, until no domain can run (time
// slices: baremetal/slices.hpp, reset by the runner); returns in the kernel's own space.
void run_domains();

// The vector-state images the last run_domains saved and restored.
struct VectorCounters {
  std::uint64_t saves, restores;
};
VectorCounters vector_counters();

}  // namespace machine

// print() on the machine's console: console("fault: d{} at {}\n", id, hex(pc)).
template <class... A>
void console(const char* fmt, const A&... a) {
  print(&machine::put, fmt, a...);
}

}  // namespace eros::baremetal
