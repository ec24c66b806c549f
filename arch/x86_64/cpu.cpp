// The CPU's tables and modes: GDT, TSS, IDT, the syscall MSRs, SSE and global pages.
#include "arch/x86_64/baremetal.hpp"

extern "C" {
extern std::uint64_t boot_pml4[512];
extern std::uint64_t boot_pd[512];
extern const std::uint64_t eros_exception_stubs[32];
}

namespace eros::x86 {

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

void print_cpu() {
  std::uint32_t brand[12] = {};
  std::uint32_t max_ext;
  asm volatile("cpuid" : "=a"(max_ext) : "a"(0x80000000) : "rbx", "rcx", "rdx");
  if (max_ext >= 0x80000004) {
    for (std::uint32_t leaf = 0; leaf < 3; ++leaf)
      asm volatile("cpuid"
                   : "=a"(brand[leaf * 4]), "=b"(brand[leaf * 4 + 1]), "=c"(brand[leaf * 4 + 2]),
                     "=d"(brand[leaf * 4 + 3])
                   : "a"(0x80000002 + leaf), "c"(0));
  }
  char text[49] = {};
  for (int i = 0; i < 48; ++i) text[i] = reinterpret_cast<const char*>(brand)[i];
  baremetal::console("cpu: {}{}\n", text[0] != 0 ? text : "(no brand string)",
                     pcid_enabled ? " (PCID on)" : "");
}


}  // namespace eros::x86
