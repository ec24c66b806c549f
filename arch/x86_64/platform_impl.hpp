// The bare-metal x86_64 platform, as the kernel core sees it.
//
// Inline here: the cycle counter and a switch (switch_to, activate: trap stack, CR3, the
// vector-state test). Out of line, in the bare-metal kernel (arch/x86_64/platform.cpp,
// vcopy.cpp): the copy, and the probes, which walk the domain's own 4-level page tables
// through the direct map (present, user, writable bits).
#pragma once
#include <cstdint>

#include "core/domain.hpp"
#include "core/platform.hpp"

namespace eros {

namespace x86 {
// 64 bytes (a power of two): the switch finds a domain's context with one shift.
struct alignas(64) Context {
  std::uint64_t rsp = 0;          // saved kernel stack pointer while switched away
  std::uint64_t kstack_top = 0;
  std::uint64_t root = 0;         // its space's top page table (physical)
  std::uint64_t cr3 = 0;          // what is loaded into CR3: root, and with PCID the
                                  // space's tag and bit 63 (keep that tag's entries)
  Domain* domain = nullptr;       // the core's object
};
}  // namespace x86

class X86Platform {
 public:
  void switch_to(Domain& from, Domain& to) noexcept;
  void to_scheduler(Domain& from) noexcept;
  bool readable(const Domain& d, const void* p, std::uint32_t n) const noexcept;
  bool writable(const Domain& d, void* p, std::uint32_t n) const noexcept;
  bool map_fresh(Domain& d, std::uint64_t va) noexcept;   // arch/x86_64/pager.cpp
  // The invoker (`from`) is the running domain, so its space is the one loaded: within one
  // space both ranges are reachable as they are; across spaces the destination is reached
  // through the direct map, page by page. Out of line (arch/x86_64/platform.cpp): short
  // strings with general registers; longer ones through vcopy.cpp, the only kernel code
  // compiled with SSE, which puts the domain's vector state away first.
  void copy(const Domain& to, void* dst, const Domain& from, const void* src,
            std::uint32_t n) noexcept;
  static std::uint64_t cycles() noexcept {
    std::uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (std::uint64_t{hi} << 32) | lo;
  }
  [[noreturn]] static void panic(const char* why) noexcept;

  // For the machine-independent bare-metal layer (baremetal/frames.hpp), inline because a
  // first write through the keeper clears a frame: where all RAM is mapped (its first GB),
  // and a 4 KB page cleared.
  static constexpr std::uint64_t kDirectMap = 0xFFFF800000000000;
  static void zero_page(void* page) noexcept {
    std::uint64_t n = 512;
    asm volatile("rep stosq" : "+D"(page), "+c"(n) : "a"(0) : "memory");
  }

  // Each domain's machine context, by id (x86::contexts in the rest of arch/x86_64/).
  static x86::Context contexts[];
  // Make `to` the running domain's context (stack for traps, CR3, vector state), before the
  // stack switch.
  static void activate(DomainId to) noexcept;   // inline, below
  static void activate(x86::Context& c) noexcept;   // contexts[to]
};

using Platform = X86Platform;

namespace x86 {
// What activate (inline, below) changes: the rest of the bare-metal kernel's state is
// declared in arch/x86_64/baremetal.hpp.
struct [[gnu::packed]] Tss {
  std::uint32_t reserved0;
  std::uint64_t rsp0, rsp1, rsp2;
  std::uint64_t reserved1;
  std::uint64_t ist[7];
  std::uint64_t reserved2;
  std::uint16_t reserved3;
  std::uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);
extern Tss tss asm("eros_tss");   // boot.S's syscall entry takes its stack from rsp0 too
// TSS.rsp0: the stack of interrupts and exceptions from ring 3, and of the syscall entry.
inline void set_kernel_stack(std::uint64_t top) { tss.rsp0 = top; }
inline void write_cr3(std::uint64_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }

// Cleared by every activate(), set at every tick (sched.cpp): no switch since the last tick.
extern bool unswitched;
// The running domain's object (null in the scheduler; boot.S reads it) and context.
extern Domain* current_domain asm("eros_current_domain");
extern Context* current_context;
inline DomainId current_id() { return current_domain != nullptr ? current_domain->id : kNoDomain; }
extern std::uint64_t loaded_root;   // the page table loaded (CR3 without its PCID bits)
extern bool pcid_enabled;           // CR4.PCIDE: CR3 carries a space's tag

// Vector state (arch/x86_64/baremetal.hpp, fpu.cpp): the domain whose state the
// registers hold, and how many domains have theirs put away.
extern DomainId vector_owner;
extern std::uint32_t vector_images;
void vector_switch_slow();
// Before the domain just made current runs. Nothing to do unless a domain's state is in
// the registers or that domain has one put away. (The slow path reads which domain from
// current_domain: an argument would be set up on every switch for a call rarely made.)
inline void vector_switch() {
  if ((vector_owner | vector_images) == 0) [[likely]] return;   // no domain has any
  vector_switch_slow();
}

// The kernel-stack switch: pushes where to resume, leaves the stack pointer in *save and
// continues the context whose stack pointer is `next` (suspended here, or prepared by
// prepare_domain). Every register but rsp is clobbered, so the compiler keeps around it
// only what the code after it uses: no register is saved for nothing.
[[gnu::always_inline]] inline void switch_stack(std::uint64_t* save, std::uint64_t next) {
  asm volatile(
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "movq %%rsp, (%%rdi)\n\t"
      "movq %%rsi, %%rsp\n\t"
      "retq\n"
      "1:"
      : "+D"(save), "+S"(next)
      :
      : "rax", "rbx", "rcx", "rdx", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
        "r15", "memory", "cc");
}
}  // namespace x86

// Trap stack, CR3 (only when the space changes), vector state; inline in every switch.
[[gnu::always_inline]] inline void X86Platform::activate(x86::Context& c) noexcept {
  using namespace x86;
  unswitched = false;   // one store (a counter was a load, an add and a store)
  current_context = &c;
  current_domain = c.domain;
  set_kernel_stack(c.kstack_top);
  if (c.root == 0) return;   // the kernel's own domain: no space, no vector state
  if (c.root != loaded_root) {
    loaded_root = c.root;
    write_cr3(c.cr3);
  }
  vector_switch();
}
[[gnu::always_inline]] inline void X86Platform::activate(DomainId to) noexcept {
  activate(contexts[to]);
}

// Suspend `from` (the running domain: its context is current_context) and run `to`;
// inline, so that the invocation's own frame is the one kept.
[[gnu::always_inline]] inline void X86Platform::switch_to(Domain& from, Domain& to) noexcept {
  (void)from;
  x86::Context* const prev = x86::current_context;
  x86::Context& next = contexts[to.id];
  const std::uint64_t rsp = next.rsp;   // read first: activate's stores could alias it
  activate(next);
  x86::switch_stack(&prev->rsp, rsp);
}

}  // namespace eros
