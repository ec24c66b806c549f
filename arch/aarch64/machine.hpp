// The arm64 machine under the platform: layout, system registers and the mechanisms each
// file of arch/aarch64/ provides (not seen by the core).
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/aarch64/frame_layout.h"
#include "baremetal/exit_code.hpp"
#include "baremetal/frames.hpp"
#include "platform_impl.hpp"

namespace eros::arm64 {

// ---- layout (kernel.ld, boot.S) ---------------------------------------------------------
// TTBR1 holds the kernel's half (48-bit VAs, 4 KB granule); TTBR0 is each space's alone.
inline constexpr std::uint64_t kKernelVma = 0xFFFFFFFF80000000;   // the image, any load PA
inline constexpr std::uint64_t kDirectMap = 0xFFFF000000000000;   // + PA: RAM (L0 slot 0)
inline constexpr std::uint64_t kDeviceMap = 0xFFFF800000000000;   // + PA: devices, nGnRE
inline constexpr std::uint64_t kUserTop = 0x0001000000000000;     // TTBR0: T0SZ = 16
inline constexpr std::uint64_t kPage = 4096;
static_assert(kDirectMap == Platform::kDirectMap);

template <class T = void>
inline T* phys_to_virt(std::uint64_t pa) {
  return reinterpret_cast<T*>(kDirectMap + pa);
}
extern std::uint64_t kernel_phys_base;   // where the loader put the image (boot.S: x1)
inline std::uint64_t kernel_virt_to_phys(const void* p) {
  return reinterpret_cast<std::uint64_t>(p) - kKernelVma + kernel_phys_base;
}

#define EROS_SYSREG_READ(name) \
  ([] { std::uint64_t v_; asm volatile("mrs %0, " #name : "=r"(v_)); return v_; }())
#define EROS_SYSREG_WRITE(name, v) asm volatile("msr " #name ", %0" : : "r"(std::uint64_t(v)) : "memory")
inline void isb() { asm volatile("isb" ::: "memory"); }

// ---- the exception frames (vectors.S builds them; frame_layout.h, asserted here) ----------
struct Frame {
  std::uint64_t x[31];   // x0 .. x30
  std::uint64_t sp;      // SP_EL0
  std::uint64_t elr, spsr, esr, far;
};
inline constexpr std::size_t kFrameBytes = FRAME_BYTES;
static_assert(sizeof(Frame) == kFrameBytes && kFrameBytes % 16 == 0);
static_assert(offsetof(Frame, sp) == FRAME_SP && offsetof(Frame, elr) == FRAME_ELR &&
              offsetof(Frame, spsr) == FRAME_SPSR && offsetof(Frame, esr) == FRAME_ESR &&
              offsetof(Frame, far) == FRAME_FAR && offsetof(Frame, x[30]) == FRAME_SP - 8);

// The system call's frame (vectors.S: el0_svc), from x1 on the Message and ReceiveDesc
// of the register form.
struct SvcFrame {
  std::uint64_t x18, x30;
  std::uint64_t x1, x2, x3, x4, x5, x6;   // w0..w3, k[0..3] | len << 32, string
  std::uint64_t x7, x9;                   // receive buffer, limit | r[0..3] << 32
  std::uint64_t x8, x0;                   // operation, key register
  std::uint64_t x16, x17;                 // (x10..x15: the kernel never uses them)
};
static_assert(sizeof(SvcFrame) == SVC_BYTES && SVC_BYTES % 16 == 0 &&
              offsetof(SvcFrame, x1) == SVC_MESSAGE && offsetof(SvcFrame, x7) == SVC_RECEIVE &&
              offsetof(SvcFrame, x8) == SVC_X8 && offsetof(SvcFrame, x16) == SVC_X16 &&
              offsetof(SvcFrame, x18) == SVC_X18);

// ---- the device tree (fdt.cpp) ------------------------------------------------------------
struct MemoryRange {
  std::uint64_t base, size;
};
struct DeviceTree {
  std::uint32_t total_size = 0;            // 0: no device tree at x0
  MemoryRange memory[4] = {};
  std::uint32_t memory_count = 0;
  std::uint64_t uart = 0;                  // PL011
  std::uint32_t gic_version = 0;           // 2 or 3
  std::uint64_t gicd = 0, gicc = 0, gicr = 0;
  std::uint32_t timer_irq = 27;            // the virtual timer's INTID (PPI 11)
  enum class Psci : std::uint8_t { none, hvc, smc } psci = Psci::none;
  char bootargs[512] = {};
};
// Reads the tree at `dtb` (its kernel virtual address); false when it is not one.
bool read_device_tree(const void* dtb, DeviceTree& out);

// Everything above, from the loader's x0 (the tree), the load address and the entry EL
// (bringup.cpp); ends the machine with NoBootInfo without a usable tree.
const DeviceTree& bring_up(std::uint64_t dtb_pa, std::uint64_t load_pa, std::uint64_t entry_el);

// ---- console (console.cpp) -----------------------------------------------------------------
void console_init(std::uint64_t pl011_pa);   // nothing printed before this
void put_char(char c);   // a baremetal::PutChar: print(put_char, "...", ...)
void put(const char* s);

// ---- the end (exit.cpp) ---------------------------------------------------------------------
// Semihosting SYS_EXIT with {ADP_Stopped_ApplicationExit, code}: QEMU exits with the code.
// Without semihosting (a real board) the `hlt` traps (exit_trapped), and PSCI SYSTEM_OFF
// or, without PSCI, WFI forever ends it.
using baremetal::ExitCode;
[[noreturn]] void exit_machine(ExitCode code);
void exit_set_psci(DeviceTree::Psci how);
bool exit_in_progress();
[[noreturn]] void exit_trapped();

// ---- frames and page tables (paging.cpp) ------------------------------------------------------
// Frames: baremetal/frames.hpp (one bump allocator over the RAM after the image).
using baremetal::alloc_frame;
using baremetal::frames_init;
using baremetal::frames_left;
// The direct map rebuilt from the tree's RAM ranges (2 MB blocks, Normal write-back), in
// place of boot.S's 1 GB blocks; the empty TTBR0 loaded.
void paging_init(const DeviceTree& dt);
// A device's registers: mapped nGnRE at kDeviceMap + pa, returned.
volatile std::uint32_t* map_device(std::uint64_t pa, std::uint64_t bytes);

// A user mapping's rights (map_page's flags): EL0 may read it (always), write it, run it.
inline constexpr std::uint64_t kMapWrite = 1, kMapExec = 2;
std::uint64_t new_space_root();   // an empty TTBR0 table
void map_page(std::uint64_t root, std::uint64_t va, std::uint64_t pa, std::uint64_t flags);
inline constexpr std::uint64_t kNoFrame = ~0ull;
// The frame of the page holding va when EL0 may read (write, when `write`) it, else kNoFrame.
std::uint64_t user_page(std::uint64_t root, std::uint64_t va, bool write);
// Does every page of [va, va+n) pass user_page's test? n > 0.
bool user_range_ok(std::uint64_t root, std::uint64_t va, std::uint64_t n, bool write);
// The physical address of a user address already checked by user_range_ok.
std::uint64_t translate(std::uint64_t root, std::uint64_t va);
extern std::uint64_t probe_generation;   // bumped by every change of a user table
// TTBR0 = root with its ASID (the space's TLB tag: no flush on a switch).
inline void load_space(std::uint64_t root, std::uint16_t asid) {
  EROS_SYSREG_WRITE(ttbr0_el1, root | std::uint64_t{asid} << 48);
  isb();
}
void tlb_flush_all();
void load_empty_space();   // TTBR0 with no user mapping (the kernel between scenarios)

// ---- interrupts (gic.cpp, timer.cpp) ------------------------------------------------------------
void gic_init(const DeviceTree& dt);
void gic_enable(std::uint32_t intid);
std::uint32_t gic_ack();          // the INTID; >= 1020: none
void gic_end(std::uint32_t intid);
void timer_init(std::uint32_t intid, std::uint64_t period_us);
void timer_rearm();
void timer_stop();
std::uint64_t timer_hz();
extern std::uint64_t timer_ticks, timer_ticks_el1;
extern std::uint32_t timer_intid;

// ---- traps (traps.cpp dispatches; the users of this machine define the hooks) ----------------
enum class UserFault : std::uint8_t {
  translation, permission, access_flag, alignment, other_abort,
  undefined, fp_access, other,
};
const char* fault_name(UserFault f);
// From EL0. Each returns to the domain with the frame as it leaves it. (System calls take
// their own path: vectors.S's el0_svc, to eros_svc_call, _return, _send or eros_svc_slow.)
void on_user_fault(Frame& f, UserFault kind, std::uint64_t address, bool write);
void on_tick(bool from_user);
[[noreturn]] void panic(const char* why);

}  // namespace eros::arm64

extern "C" {
extern const char eros_vectors[];
// Every svc stores a nonzero word here (its kernel stack pointer): the watchdog's sign of
// progress (it clears it at each tick).
extern std::uint64_t eros_user_sp;
// What el0_svc calls: the register form's three operations (key, &message; the receive
// descriptor follows the message) return the invoker's Result, which it hands back in
// x0..x5; anything else goes to eros_svc_slow with the whole frame (results in x0..x5).
const void* eros_svc_call(std::uint64_t key, const void* message);     // x8 = 0x10
const void* eros_svc_return(std::uint64_t key, const void* message);   // 0x11
const void* eros_svc_send(std::uint64_t key, const void* message);     // 0x12
void eros_svc_slow(eros::arm64::SvcFrame* f);
[[noreturn]] void eros_enter_user();   // vectors.S: pops the frame at sp and erets
}
