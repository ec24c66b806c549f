// The bare-metal kernel's own state and helpers (not seen by the core): port and register
// access, the memory layout, the console, page tables and the per-domain contexts.
#pragma once
#include <cstddef>
#include <cstdint>

#include "baremetal/exit_code.hpp"
#include "baremetal/frames.hpp"
#include "baremetal/layout.hpp"
#include "baremetal/machine.hpp"
#include "core/kernel.hpp"

namespace eros::x86 {

// ---- layout --------------------------------------------------------------------------
inline constexpr std::uint64_t kKernelVma = 0xFFFFFFFF80000000;   // kernel.ld
inline constexpr std::uint64_t kDirectMap = X86Platform::kDirectMap;   // all RAM, first 1 GB
inline constexpr std::uint64_t kDirectMapBytes = 1ull << 30;
inline constexpr std::uint64_t kUserTop = 0x0000800000000000;     // first non-canonical
// The user layout and the table sizes, the same on every machine (baremetal/layout.hpp).
using baremetal::kMaxDomains;
using baremetal::kMaxSpaces;
using baremetal::kPage;
inline constexpr std::size_t kKernelStackBytes = 16384;

// Page-table entry bits.
inline constexpr std::uint64_t kPresent = 1, kWritable = 2, kUser = 4, kLarge = 0x80,
                               kGlobal = 0x100;
inline constexpr std::uint64_t kAddrMask = 0x000FFFFFFFFFF000;

// Selectors (GDT order fixed by syscall/sysret: STAR).
inline constexpr std::uint16_t kKernelCode = 0x08, kKernelData = 0x10, kUserData = 0x18 | 3,
                               kUserCode = 0x20 | 3, kTssSel = 0x28;

template <class T = void>
inline T* phys_to_virt(std::uint64_t pa) {
  return reinterpret_cast<T*>(kDirectMap + pa);
}
inline std::uint64_t kernel_virt_to_phys(const void* p) {
  return reinterpret_cast<std::uint64_t>(p) - kKernelVma;
}

// ---- instructions ---------------------------------------------------------------------
inline void outb(std::uint16_t port, std::uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline std::uint8_t inb(std::uint16_t port) {
  std::uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline void wrmsr(std::uint32_t msr, std::uint64_t v) {
  asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<std::uint32_t>(v)), "d"(static_cast<std::uint32_t>(v >> 32)));
}
inline std::uint64_t rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (std::uint64_t{hi} << 32) | lo;
}
inline std::uint64_t read_cr2() { std::uint64_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
inline std::uint64_t read_cr3() { std::uint64_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
// write_cr3: platform_impl.hpp

// ---- console (COM1) -------------------------------------------------------------------
void serial_init();
void put(const char* s);
void put(char c);
// Formatted: baremetal::console (baremetal/machine.hpp).
// Ends QEMU through isa-debug-exit (port 0xf4): QEMU's status is (code << 1) | 1
// (baremetal/exit_code.hpp). On a PC the write does nothing and the CPU halts.
using baremetal::ExitCode;
[[noreturn]] void exit_qemu(ExitCode code);

// ---- memory ---------------------------------------------------------------------------
// Frames: baremetal/frames.hpp, over the direct map.
using baremetal::alloc_frame;
using baremetal::frames_left;
std::uint64_t kernel_root();                      // the kernel's own PML4 (physical)
std::uint64_t new_space_root();                   // a PML4 sharing the kernel half
// Drops every TLB entry, of every PCID, global ones too (a new scenario reuses the frames
// and the tags of the last one).
void tlb_flush_all();
void map_page(std::uint64_t root, std::uint64_t va, std::uint64_t pa, std::uint64_t flags);
// Does every page of [va, va+n) have P, U (and W when `write`) at every level? n > 0.
bool user_range_ok(std::uint64_t root, std::uint64_t va, std::uint64_t n, bool write);
// Physical address of a user virtual address already checked by user_range_ok.
std::uint64_t translate(std::uint64_t root, std::uint64_t va);
// The one-page form of user_range_ok, a straight walk: the physical address of the page
// holding va when it has P, U (and W when `write`) at every level, else kNoFrame; va must
// be below kUserTop.
inline constexpr std::uint64_t kNoFrame = ~0ull;
std::uint64_t user_page(std::uint64_t root, std::uint64_t va, bool write);
// Bumped by every change of a user page table (map_page, new_space_root): a remembered
// answer of user_page (X86Platform's probes keep the last one per domain and access) is
// reused only while it has not moved.
extern std::uint64_t probe_generation;
// The frame of the page holding va in d's space, which a probe found writable (the
// remembered answer, else translate: pages of a longer range are not remembered).
std::uint64_t dest_frame(const Domain& d, std::uint64_t va);

// ---- strings ------------------------------------------------------------------------------
// A string of at most kSmallString bytes is copied with general registers (platform.cpp):
// no vector register is touched, so the domain's vector state stays where it is. A longer
// one takes the copy family's SSE path (vcopy.cpp: vector_copy), which puts the invoker's
// vector state away first.
inline constexpr std::uint32_t kSmallString = 128;
void vector_copy(const Domain& to, void* dst, const Domain& from, const void* src,
                 std::uint32_t n);

// ---- CPU set-up -------------------------------------------------------------------------
void cpu_init();                  // GDT, TSS, IDT, syscall MSRs, SSE, page globals
void print_cpu();                 // "cpu: " and its brand string (CPUID), PCID
// struct Tss, tss and set_kernel_stack: platform_impl.hpp (activate, inline, uses them)

// ---- domains on this machine ------------------------------------------------------------
inline constexpr Context* contexts = X86Platform::contexts;   // kMaxDomains + 1 of them
extern std::uint64_t space_roots[kMaxSpaces];
using baremetal::kernel;   // baremetal/machine.hpp
// current_domain, current_context, current_id(): platform_impl.hpp
extern std::uint64_t scheduler_rsp;

// Every system call's entry (boot.S) stores the domain's stack pointer here: the watchdog's
// sign of progress, for free (it clears it at each tick; a domain that traps with rsp = 0
// looks quiet to it, and only to it).
extern std::uint64_t user_rsp asm("eros_user_rsp");
// Prepare a never-run domain to enter ring 3 at `entry` with three arguments.
void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_rsp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2);
// ---- vector state (x87, SSE: FXSAVE format), per domain --------------------------------
// The registers hold the state of `vector_owner` (CR0.TS clear), or the initial state
// when it is kNoDomain (CR0.TS set: a domain's first vector instruction raises #NM, which
// makes it the owner). Switching to another domain saves the owner's state only when it is
// not initial, and restores the incoming domain's only when it has a saved one, at once
// (#NM only detects a first use; no domain ever runs with another's values in the
// registers): between domains that never touch them, a switch costs one test.
extern bool vector_saved[kMaxDomains + 1];   // the domain's state is put away, not initial
enum class VectorSave : std::uint8_t { fxsave, xsave, xsaveopt };
extern VectorSave vector_save_kind asm("eros_vector_save_kind");
extern std::uint64_t vector_xcr0 asm("eros_vector_xcr0");   // 0 without XSAVE
extern std::uint32_t vector_area_bytes;                       // a domain's image
extern bool vector_xinuse asm("eros_vector_xinuse");          // XGETBV(1) reports XINUSE
inline constexpr std::uint32_t kVectorAreaMax = 4096;         // XSAVE areas larger: AVX-512 off
// CPUID: where the CPU has XSAVE, CR4.OSXSAVE and XCR0 = x87 | SSE | AVX (| AVX-512 state
// when present and its area fits), saved with XSAVEOPT (XSAVE); else FXSAVE. Prints a line.
void vector_cpu_init();
extern std::uint64_t vector_saves, vector_restores;
void vector_reset();                  // a new scenario: no domain has state; registers init
// vector_switch (before a domain runs): platform_impl.hpp
void vector_first_use(DomainId d);    // #NM from ring 3: the running domain's first use
void vector_kernel_begin();           // the kernel's copy is about to use XMM registers
void vector_kernel_end();             // ... and is done: registers back to the initial state

// Run ready domains until none is; returns with the kernel's own CR3 loaded. Domains
// preempted by the timer run when no domain is ready.
void run_scheduler();

// ---- the LAPIC timer: time slices (the policy: baremetal/slices.hpp) ---------------------
void timer_init();                 // LAPIC mapped, timer periodic, vector 32
void timer_stop();
void lapic_eoi();
void timer_interrupt();            // from ring 3, on the running domain's kernel stack
std::uint64_t tsc_hz(const char** source);   // CPUID 0x15/0x16, else the PIT
// An exception of the running domain `me`, told to the core as its FaultKind with code =
// vector << 32 | error code (Kernel::fault: its keeper decides). Returns when the keeper
// restarts it, and iretq runs the instruction again; halts it otherwise.
void deliver_fault(Domain& me, std::uint64_t vector, std::uint64_t error, std::uint64_t address,
                   std::uint64_t rip);

}  // namespace eros::x86

extern "C" {
bool eros_vector_clean();
void eros_timer_stub();
void eros_spurious_stub();
extern std::uint64_t boot_pdpt_dm[512];
void eros_vector_zero();
void eros_enter_user();
void eros_syscall_entry();
}
