// The bare-metal arm64 platform, as the kernel core sees it.
//
// Inline here: the cycle counter (PMCCNTR_EL0: one per instruction under QEMU's icount)
// and the switch (switch_to, activate: TTBR0 with the space's ASID when the space changes,
// the FP/SIMD trap when the owner of those registers changes). Out of line
// (arch/aarch64/platform.cpp): the probes, which walk the domain's own TTBR0 tables through
// the direct map, the copy, map_fresh and panic.
#pragma once
#include <cstdint>

#include "baremetal/layout.hpp"
#include "core/domain.hpp"
#include "core/platform.hpp"

namespace eros {

namespace arm64 {
// 64 bytes: the switch finds a domain's context with one shift.
struct alignas(64) Context {
  std::uint64_t sp = 0;           // its kernel stack pointer while switched away
  std::uint64_t kstack_top = 0;   // its EL0 frame sits just below
  std::uint64_t root = 0;         // its space's TTBR0 table (physical)
  std::uint64_t ttbr0 = 0;        // root with the space's ASID
  Domain* domain = nullptr;
};
// What the switch reads and writes, one object (one adrp reaches all of it), each field
// by its own name below: the contexts (Arm64Platform::contexts), and which is running.
struct Cpu {
  Context contexts[baremetal::kMaxDomains + 1];   // by domain id
  Domain* current_domain = nullptr;
  Context* current_context = nullptr;
  std::uint64_t loaded_root = 0;   // the TTBR0 table loaded
  DomainId fp_owner = kNoDomain;
  bool fp_enabled = false;
  bool unswitched = false;   // set at a tick (scheduler.cpp), cleared by every activate()
};
extern Cpu cpu;
}  // namespace arm64

class Arm64Platform {
 public:
  void switch_to(Domain& from, Domain& to) noexcept;   // inline, below
  void to_scheduler(Domain& from) noexcept;
  bool readable(const Domain& d, const void* p, std::uint32_t n) const noexcept;
  bool writable(const Domain& d, void* p, std::uint32_t n) const noexcept;
  bool map_fresh(Domain& d, std::uint64_t va) noexcept;
  // The invoker (`from`) is running, so its space is loaded: within one space both ranges
  // are reached as they are, across spaces the destination through the direct map.
  void copy(const Domain& to, void* dst, const Domain& from, const void* src,
            std::uint32_t n) noexcept;
  static std::uint64_t cycles() noexcept {
    std::uint64_t v;
    asm volatile("mrs %0, pmccntr_el0" : "=r"(v));
    return v;
  }
  [[noreturn]] static void panic(const char* why) noexcept;

  // For baremetal/frames.hpp: where all RAM is mapped (TTBR1's first slot, arch/aarch64/
  // machine.hpp), and a 4 KB page cleared: with DC ZVA, a block at a time (DCZID_EL0's
  // size, read at boot into zva_bytes), four to an iteration; else with general registers
  // (the kernel's FP/SIMD use traps).
  static constexpr std::uint64_t kDirectMap = 0xFFFF000000000000;
  static std::uint64_t zva_bytes;   // 0: DC ZVA prohibited, or blocks too large for a page
  static void zero_page(void* page) noexcept {
    auto p = reinterpret_cast<std::uint64_t>(page);
    const std::uint64_t end = p + 4096, z = zva_bytes;
    if (z != 0) [[likely]] {
      for (; p < end; p += 4 * z)
        asm volatile("dc zva, %0\n\tdc zva, %1\n\tdc zva, %2\n\tdc zva, %3"
                     : : "r"(p), "r"(p + z), "r"(p + 2 * z), "r"(p + 3 * z) : "memory");
      return;
    }
    for (; p < end; p += 64)
      asm volatile("stp xzr, xzr, [%0]\n\tstp xzr, xzr, [%0, #16]\n\t"
                   "stp xzr, xzr, [%0, #32]\n\tstp xzr, xzr, [%0, #48]" : : "r"(p) : "memory");
  }

  static constexpr auto& contexts = arm64::cpu.contexts;   // by domain id
  static void activate(DomainId id) noexcept;   // contexts[id]; inline, below
};

using Platform = Arm64Platform;

namespace arm64 {
inline constexpr Domain*& current_domain = cpu.current_domain;
inline constexpr Context*& current_context = cpu.current_context;
inline constexpr std::uint64_t& loaded_root = cpu.loaded_root;
inline DomainId current_id() { return current_domain != nullptr ? current_domain->id : kNoDomain; }

// FP/SIMD registers: they hold `fp_owner`'s state, and only the owner runs with them
// enabled (CPACR_EL1.FPEN); any other domain's first FP instruction traps and takes them
// (platform.cpp: fp_take). Between domains that never use them a switch costs one test:
// with no owner the trap is always on (fp_reset; fp_take enables only for an owner).
inline constexpr DomainId& fp_owner = cpu.fp_owner;
inline constexpr bool& fp_enabled = cpu.fp_enabled;
inline void fp_switch(DomainId to) {
  if (fp_owner == kNoDomain) [[likely]] return;
  const bool want = to == fp_owner;
  if (want == fp_enabled) [[likely]] return;
  fp_enabled = want;
  asm volatile("msr cpacr_el1, %0; isb" : : "r"(want ? std::uint64_t{3} << 20 : 0) : "memory");
}

// The kernel-stack switch (arch/aarch64/context.hpp has its commentary): every register
// but sp and x29 is clobbered. The resume record is x29, where to resume, and the EL0
// state the svc path leaves in place: SP_EL0, ELR_EL1, SPSR_EL1 and x10..x15 (the kernel
// is built with -ffixed-x10..x15: between an svc's entry and exit they hold the domain's
// own values, which its svc so need not save): kResumeWords.
inline constexpr std::uint64_t kResumeWords = 12;
[[gnu::always_inline]] inline void switch_stack(std::uint64_t* save, std::uint64_t next) {
  register std::uint64_t* x0 asm("x0") = save;
  register std::uint64_t x1 asm("x1") = next;
  asm volatile(
      "adr x2, 1f\n\t"
      "mrs x3, sp_el0\n\t"
      "mrs x4, elr_el1\n\t"
      "mrs x5, spsr_el1\n\t"
      "stp x29, x2, [sp, #-96]!\n\t"
      "stp x3, x4, [sp, #16]\n\t"
      "stp x5, x10, [sp, #32]\n\t"
      "stp x11, x12, [sp, #48]\n\t"
      "stp x13, x14, [sp, #64]\n\t"
      "str x15, [sp, #80]\n\t"
      "mov x2, sp\n\t"
      "str x2, [x0]\n\t"
      "mov sp, x1\n\t"
      "ldp x3, x4, [sp, #16]\n\t"
      "ldp x5, x10, [sp, #32]\n\t"
      "ldp x11, x12, [sp, #48]\n\t"
      "ldp x13, x14, [sp, #64]\n\t"
      "ldr x15, [sp, #80]\n\t"
      "ldp x29, x2, [sp], #96\n\t"
      "msr sp_el0, x3\n\t"
      "msr elr_el1, x4\n\t"
      "msr spsr_el1, x5\n\t"
      "br x2\n"
      "1:"
      : "+r"(x0), "+r"(x1)
      :
      : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26",
        "x27", "x28", "x30", "memory", "cc");
}
}  // namespace arm64

// TTBR0 (only when the space changes: the ASID keeps each space's TLB entries) and the
// FP/SIMD trap; the kernel stack needs nothing: SP_EL1 is the stack the domain's eret
// leaves from.
[[gnu::always_inline]] inline void Arm64Platform::activate(DomainId id) noexcept {
  using namespace arm64;
  Context& c = contexts[id];
  Domain* const d = c.domain;   // read once: the TTBR0 write below clobbers memory
  const std::uint64_t root = c.root;
  cpu.unswitched = false;   // one store of zero (a counter was a load, an add and a store)
  current_context = &c;
  current_domain = d;
  if (root == 0) return;
  if (root != loaded_root) {
    loaded_root = root;
    asm volatile("msr ttbr0_el1, %0; isb" : : "r"(c.ttbr0) : "memory");
  }
  fp_switch(id);
}

[[gnu::always_inline]] inline void Arm64Platform::switch_to(Domain& from, Domain& to) noexcept {
  (void)from;
  arm64::Context* const prev = arm64::current_context;
  arm64::Context& next = contexts[to.id];
  const std::uint64_t sp = next.sp;   // read first: activate's stores could alias it
  activate(to.id);
  arm64::switch_stack(&prev->sp, sp);
}

}  // namespace eros
