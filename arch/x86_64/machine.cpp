// The machine under the platform: COM1, physical frames and page tables, GDT/TSS/IDT,
// the syscall MSRs, and faults.
#include "arch/x86_64/baremetal.hpp"
#include "core/trace_text.hpp"
#include "arch/x86_64/console.hpp"
#include "scenarios/scenarios.hpp"

extern "C" {
extern std::uint64_t boot_pml4[512];
extern std::uint64_t boot_pd[512];
extern const std::uint64_t eros_exception_stubs[32];
// boot.S: the trap's accesses to a domain's structures, and where a fault on them goes.
extern const char eros_uaccess_in[], eros_uaccess_in_end[], eros_uaccess_in_fault[];
extern const char eros_uaccess_out[], eros_uaccess_out_end[], eros_uaccess_out_fault[];
}

namespace eros::x86 {

// ---- console ---------------------------------------------------------------------------
namespace {
constexpr std::uint16_t kCom1 = 0x3F8;
}

void serial_init() {
  outb(kCom1 + 1, 0x00);   // no interrupts
  outb(kCom1 + 3, 0x80);   // DLAB
  outb(kCom1 + 0, 0x01);   // 115200 baud
  outb(kCom1 + 1, 0x00);
  outb(kCom1 + 3, 0x03);   // 8N1
  outb(kCom1 + 2, 0xC7);   // FIFO
  outb(kCom1 + 4, 0x03);
}

void put(char c) {
  screen_put(c);
  if (c == '\n') {
    while ((inb(kCom1 + 5) & 0x20) == 0) {
    }
    outb(kCom1, '\r');
  }
  while ((inb(kCom1 + 5) & 0x20) == 0) {
  }
  outb(kCom1, static_cast<std::uint8_t>(c));
}
void put(const char* s) {
  while (*s != 0) put(*s++);
}
void put_dec(std::uint64_t v) {
  char buf[24];
  int i = 0;
  do {
    buf[i++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (i > 0) put(buf[--i]);
}
void put_hex(std::uint64_t v) {
  put("0x");
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xF;
    if (d != 0 || started || shift == 0) {
      put("0123456789abcdef"[d]);
      started = true;
    }
  }
}

void put_event(const Event& e) {
  char line[kEventTextMax];
  event_text(e, line);
  put(line);
}

void exit_qemu(ExitCode code) {
  outb(0xF4, static_cast<std::uint8_t>(code));
  for (;;) asm volatile("cli; hlt");
}

// ---- page tables (frames: baremetal/frames.cpp) ---------------------------------------------
std::uint64_t kernel_root() { return kernel_virt_to_phys(boot_pml4); }

std::uint64_t new_space_root() {
  std::uint64_t root = alloc_frame();
  auto* pml4 = phys_to_virt<std::uint64_t>(root);
  for (int i = 256; i < 512; ++i) pml4[i] = boot_pml4[i];
  ++probe_generation;   // a frame may be a root again, with other tables
  return root;
}

void tlb_flush_all() {
  std::uint64_t cr4;
  asm volatile("mov %%cr4, %0" : "=r"(cr4));
  asm volatile("mov %0, %%cr4" : : "r"(cr4 & ~std::uint64_t{1u << 7}) : "memory");   // PGE off,
  asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");                            // on again
}

void map_page(std::uint64_t root, std::uint64_t va, std::uint64_t pa, std::uint64_t flags) {
  auto* table = phys_to_virt<std::uint64_t>(root);
  for (int shift = 39; shift > 12; shift -= 9) {
    std::uint64_t& e = table[(va >> shift) & 511];
    if ((e & kPresent) == 0) e = alloc_frame() | kPresent | kWritable | kUser;
    table = phys_to_virt<std::uint64_t>(e & kAddrMask);
  }
  table[(va >> 12) & 511] = (pa & kAddrMask) | flags;
  ++probe_generation;   // the tables changed: no earlier probe's result is reused
}

std::uint64_t probe_generation = 1;

std::uint64_t user_page(std::uint64_t root, std::uint64_t va, bool write) {
  const std::uint64_t need = kPresent | kUser | (write ? kWritable : 0);
  const std::uint64_t e4 = phys_to_virt<const std::uint64_t>(root)[(va >> 39) & 511];
  if ((e4 & need) != need) return kNoFrame;
  const std::uint64_t e3 = phys_to_virt<const std::uint64_t>(e4 & kAddrMask)[(va >> 30) & 511];
  if ((e3 & (need | kLarge)) != need) return kNoFrame;
  const std::uint64_t e2 = phys_to_virt<const std::uint64_t>(e3 & kAddrMask)[(va >> 21) & 511];
  if ((e2 & need) != need) return kNoFrame;
  if ((e2 & kLarge) != 0) return (e2 & kAddrMask & ~0x1FFFFFull) | (va & 0x1FF000);
  const std::uint64_t e1 = phys_to_virt<const std::uint64_t>(e2 & kAddrMask)[(va >> 12) & 511];
  if ((e1 & need) != need) return kNoFrame;
  return e1 & kAddrMask;
}

bool user_range_ok(std::uint64_t root, std::uint64_t va, std::uint64_t n, bool write) {
  const std::uint64_t last = va + n - 1;
  if (last < va || last >= kUserTop) return false;   // wraps, non-canonical or kernel
  const std::uint64_t need = kPresent | kUser | (write ? kWritable : 0);
  const auto* pml4 = phys_to_virt<const std::uint64_t>(root);
  std::uint64_t page = va >> 12;
  const std::uint64_t end = last >> 12;
  for (;;) {
    const std::uint64_t e4 = pml4[(page >> 27) & 511];
    if ((e4 & need) != need) return false;
    const std::uint64_t e3 = phys_to_virt<const std::uint64_t>(e4 & kAddrMask)[(page >> 18) & 511];
    if ((e3 & need) != need || (e3 & kLarge) != 0) return false;
    const std::uint64_t e2 = phys_to_virt<const std::uint64_t>(e3 & kAddrMask)[(page >> 9) & 511];
    if ((e2 & need) != need) return false;
    if ((e2 & kLarge) != 0) {   // a 2 MB page covers the rest of this page table's range
      page = (page | 511) + 1;
      if (page > end) return true;
      continue;
    }
    const auto* pt = phys_to_virt<const std::uint64_t>(e2 & kAddrMask);
    do {   // pages in the same table need no further walk
      if ((pt[page & 511] & need) != need) return false;
      if (page == end) return true;
      ++page;
    } while ((page & 511) != 0);
  }
}

std::uint64_t translate(std::uint64_t root, std::uint64_t va) {
  const std::uint64_t* t = phys_to_virt<const std::uint64_t>(root);
  for (int shift = 39; shift > 12; shift -= 9) {
    const std::uint64_t e = t[(va >> shift) & 511];
    if (shift == 21 && (e & kLarge) != 0) return (e & kAddrMask & ~0x1FFFFFull) | (va & 0x1FFFFF);
    t = phys_to_virt<const std::uint64_t>(e & kAddrMask);
  }
  return (t[(va >> 12) & 511] & kAddrMask) | (va & 0xFFF);
}

// ---- GDT, TSS, IDT, syscall --------------------------------------------------------------
namespace {

struct [[gnu::packed]] DescriptorPointer {
  std::uint16_t limit;
  std::uint64_t base;
};

struct Gate {
  std::uint16_t offset_low, selector;
  std::uint8_t ist, type;
  std::uint16_t offset_mid;
  std::uint32_t offset_high, reserved;
};
static_assert(sizeof(Gate) == 16);

alignas(16) std::uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFF,   // 0x08 kernel code, 64-bit
    0x00CF92000000FFFF,   // 0x10 kernel data
    0x00CFF2000000FFFF,   // 0x18 user data (sysret SS)
    0x00AFFA000000FFFF,   // 0x20 user code, 64-bit (sysret CS)
    0, 0,                 // 0x28 TSS (two slots)
};
alignas(16) Gate idt[256];

constexpr std::uint32_t kEfer = 0xC0000080, kStar = 0xC0000081, kLstar = 0xC0000082,
                        kSfmask = 0xC0000084;

}  // namespace

alignas(16) Tss tss;

void cpu_init() {
  // TSS descriptor; no I/O bitmap, so in/out from ring 3 fault.
  tss.iomap_base = sizeof(Tss);
  const auto base = reinterpret_cast<std::uint64_t>(&tss);
  const std::uint64_t limit = sizeof(Tss) - 1;
  gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
           (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
  gdt[6] = base >> 32;
  DescriptorPointer gp{sizeof(gdt) - 1, reinterpret_cast<std::uint64_t>(gdt)};
  asm volatile(
      "lgdt %0\n\t"
      "pushq $0x08\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "lretq\n"
      "1:\n\t"
      "movw $0x10, %%ax\n\t"
      "movw %%ax, %%ds\n\t"
      "movw %%ax, %%es\n\t"
      "movw %%ax, %%ss\n\t"
      "movw $0x28, %%ax\n\t"
      "ltr %%ax"
      :
      : "m"(gp)
      : "rax", "memory");

  for (int v = 0; v < 32; ++v) {
    const std::uint64_t h = eros_exception_stubs[v];
    // #BP and #OF may be raised by int3/into from ring 3 as faults of their own.
    const std::uint8_t type = (v == 3 || v == 4) ? 0xEE : 0x8E;
    idt[v] = Gate{static_cast<std::uint16_t>(h), kKernelCode, 0, type,
                  static_cast<std::uint16_t>(h >> 16), static_cast<std::uint32_t>(h >> 32), 0};
  }
  auto gate = [](void (*stub)()) {
    const auto h = reinterpret_cast<std::uint64_t>(stub);
    return Gate{static_cast<std::uint16_t>(h), kKernelCode, 0, 0x8E,
                static_cast<std::uint16_t>(h >> 16), static_cast<std::uint32_t>(h >> 32), 0};
  };
  idt[32] = gate(&eros_timer_stub);      // the LAPIC timer
  idt[255] = gate(&eros_spurious_stub);  // the LAPIC's spurious vector
  DescriptorPointer ip{sizeof(idt) - 1, reinterpret_cast<std::uint64_t>(idt)};
  asm volatile("lidt %0" : : "m"(ip));

  // The 8259 PICs: remapped above the exceptions and all masked (no timer yet).
  outb(0x20, 0x11); outb(0xA0, 0x11);
  outb(0x21, 0x20); outb(0xA1, 0x28);
  outb(0x21, 4);    outb(0xA1, 2);
  outb(0x21, 1);    outb(0xA1, 1);
  outb(0x21, 0xFF); outb(0xA1, 0xFF);

  // SSE for the kernel (the copy family): CR0.MP, !EM, WP; CR4.OSFXSR, OSXMMEXCPT.
  std::uint64_t cr0, cr4;
  asm volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 & ~std::uint64_t{4}) | 2 | (1u << 16);
  asm volatile("mov %0, %%cr0" : : "r"(cr0));
  asm volatile("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= (1u << 9) | (1u << 10);
  asm volatile("mov %0, %%cr4" : : "r"(cr4));
  vector_cpu_init();   // XSAVE and AVX where present (CR4.OSXSAVE, XCR0)
  asm volatile("mov %%cr4, %0" : "=r"(cr4));

  // Paging: drop the boot identity map, then make the kernel half global.
  boot_pml4[0] = 0;
  write_cr3(read_cr3());
  for (int i = 0; i < 512; ++i) boot_pd[i] |= kGlobal;
  cr4 |= 1u << 7;   // PGE
  asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
  // PCID where the CPU has it (CPUID.1:ECX[17]): each space gets its own TLB tag, so a
  // switch between spaces keeps both spaces' translations (CR3 bit 63: no flush). CR3's
  // PCID is 0 here, as setting CR4.PCIDE requires.
  std::uint32_t ecx1;
  asm volatile("cpuid" : "=c"(ecx1) : "a"(1), "c"(0) : "rbx", "rdx");
  if ((ecx1 >> 17) & 1) {
    cr4 |= 1u << 17;   // PCIDE
    asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
    pcid_enabled = true;
  }

  // syscall/sysret: kernel CS 0x08 (SS 0x10); sysret CS = 0x10 + 16, SS = 0x10 + 8.
  wrmsr(kEfer, rdmsr(kEfer) | 1);   // SCE
  wrmsr(kStar, (std::uint64_t{0x10} << 48) | (std::uint64_t{kKernelCode} << 32));
  wrmsr(kLstar, reinterpret_cast<std::uint64_t>(&eros_syscall_entry));
  wrmsr(kSfmask, 0x47700);          // TF, IF, DF, IOPL, NT, AC cleared on entry
}

// ---- LAPIC timer, TSC frequency ------------------------------------------------------------
namespace {
constexpr std::uint64_t kLapicPhys = 0xFEE00000;
alignas(4096) std::uint64_t lapic_pd[512];   // the direct map's 4th GB: the LAPIC's 2 MB page
volatile std::uint32_t* lapic = nullptr;
constexpr std::uint32_t kLapicEoi = 0xB0 / 4, kLapicSvr = 0xF0 / 4, kLapicLvtTimer = 0x320 / 4,
                        kLapicInitial = 0x380 / 4, kLapicDivide = 0x3E0 / 4;
// QEMU's LAPIC timer counts at 1 GHz of virtual time (under -icount shift=0 one
// instruction is 1 ns); divided by 16, 62,500 counts = 1 ms = 1,000,000 instructions.
constexpr std::uint32_t kTimerCount = 62500;
}  // namespace

void lapic_eoi() {
  if (lapic != nullptr) lapic[kLapicEoi] = 0;
}

void timer_init() {
  // The direct map covers the first GB; the LAPIC page goes into its 4th, uncached.
  // Every space shares the kernel half's page-directory-pointer tables, so all see it.
  lapic_pd[(kLapicPhys >> 21) & 511] = kLapicPhys | kPresent | kWritable | kLarge | 0x18 | kGlobal;
  boot_pdpt_dm[3] = kernel_virt_to_phys(lapic_pd) | kPresent | kWritable;
  wrmsr(0x1B, rdmsr(0x1B) | (1u << 11));   // IA32_APIC_BASE: enabled
  lapic = phys_to_virt<volatile std::uint32_t>(kLapicPhys);
  lapic[kLapicSvr] = 0x100 | 0xFF;          // software enable, spurious vector 255
  lapic[kLapicDivide] = 0x3;                // divide by 16
  lapic[kLapicLvtTimer] = 32 | (1u << 17);  // vector 32, periodic
  lapic[kLapicInitial] = kTimerCount;
}

void timer_stop() {
  if (lapic == nullptr) return;
  lapic[kLapicLvtTimer] = 1u << 16;         // masked
  lapic[kLapicInitial] = 0;
}

std::uint64_t tsc_hz(const char** source) {
  std::uint32_t max_leaf, b, c, d;
  asm volatile("cpuid" : "=a"(max_leaf), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
  if (max_leaf >= 0x15) {
    std::uint32_t den, num, crystal;
    asm volatile("cpuid" : "=a"(den), "=b"(num), "=c"(crystal), "=d"(d) : "a"(0x15), "c"(0));
    if (den != 0 && num != 0 && crystal != 0) {
      *source = "CPUID 0x15";
      return std::uint64_t{crystal} * num / den;
    }
  }
  if (max_leaf >= 0x16) {
    std::uint32_t mhz;
    asm volatile("cpuid" : "=a"(mhz), "=b"(b), "=c"(c), "=d"(d) : "a"(0x16), "c"(0));
    if ((mhz & 0xFFFF) != 0) {
      *source = "CPUID 0x16";
      return std::uint64_t{mhz & 0xFFFF} * 1000000;
    }
  }
  // The PIT's channel 2 (1,193,182 Hz), one-shot over 10 ms, polled through port 0x61.
  constexpr std::uint32_t kPitHz = 1193182, kCount = kPitHz / 100;
  outb(0x61, static_cast<std::uint8_t>((inb(0x61) & ~0x02) | 0x01));   // gate on, speaker off
  outb(0x43, 0xB0);                                                     // ch 2, lo/hi, mode 0
  outb(0x42, kCount & 0xFF);
  outb(0x42, kCount >> 8);
  const std::uint64_t t0 = X86Platform::cycles();
  while ((inb(0x61) & 0x20) == 0) {
  }
  const std::uint64_t t1 = X86Platform::cycles();
  *source = "calibrated against the PIT over 10 ms";
  return (t1 - t0) * kPitHz / kCount;
}

}  // namespace eros::x86

// ---- faults ----------------------------------------------------------------------------

namespace {

struct TrapFrame {
  std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  std::uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

const char* exception_name(std::uint64_t v) {
  constexpr const char* names[32] = {
      "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
      "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
      "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
      "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
      "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
      "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
      "reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV", "#VC", "#SX",
      "reserved 31"};
  return v < 32 ? names[v] : "?";
}

}  // namespace

extern "C" void eros_exception(TrapFrame* f) {
  using namespace eros::x86;
  const bool user = (f->cs & 3) == 3;
  if (f->vector == 32) {   // the LAPIC timer: only ever taken in ring 3 (the kernel runs with IF clear)
    lapic_eoi();
    if (user && kernel != nullptr && current_id() != eros::kNoDomain) timer_interrupt();
    return;
  }
  if (!user) {
    // A fault of the trap's own access to the domain's structures (boot.S, the pointer
    // form): the domain's, not the kernel's. Its fixup refuses the trap (or, on the way
    // out, leaves the result unwritten).
    const auto rip = f->rip;
    if (rip >= reinterpret_cast<std::uint64_t>(eros_uaccess_in) &&
        rip < reinterpret_cast<std::uint64_t>(eros_uaccess_in_end)) {
      f->rip = reinterpret_cast<std::uint64_t>(eros_uaccess_in_fault);
      return;
    }
    if (rip >= reinterpret_cast<std::uint64_t>(eros_uaccess_out) &&
        rip < reinterpret_cast<std::uint64_t>(eros_uaccess_out_end)) {
      f->rip = reinterpret_cast<std::uint64_t>(eros_uaccess_out_fault);
      return;
    }
  }
  if (user && f->vector == 7 && current_id() != eros::kNoDomain) {
    vector_first_use(current_id());   // CR0.TS: its first vector instruction, done again
    return;
  }
  if (user && kernel != nullptr && current_id() != eros::kNoDomain &&
      kernel->has_keeper(kernel->domain(current_id()))) {
    // Told to its keeper, not printed: the keeper decides. Restarted, iretq runs the
    // faulting instruction again.
    deliver_fault(kernel->domain(current_id()), f->vector, f->error,
                  f->vector == 14 ? read_cr2() : f->rip, f->rip);
    return;
  }
  put(user ? "fault: d" : "KERNEL FAULT: d");
  put_dec(current_id());
  put(' ');
  put(exception_name(f->vector));
  put(" (vector ");
  put_dec(f->vector);
  put(") error=");
  put_hex(f->error);
  put(" rip=");
  put_hex(f->rip);
  put(" rsp=");
  put_hex(f->rsp);
  if (f->vector == 14) {
    put(" addr=");
    put_hex(read_cr2());
  }
  put('\n');
  if (!user || kernel == nullptr || current_id() == eros::kNoDomain) {
    put("kernel panic: fault in the kernel\n");
    exit_qemu(ExitCode::Panic);
  }
  // No keeper (void, stale, or a kernel object, which would answer at once): the core
  // traces the fault and halts the domain (every key to it becomes void); the others go on.
  deliver_fault(kernel->domain(current_id()), f->vector, f->error,
                f->vector == 14 ? read_cr2() : f->rip, f->rip);
}
