// The local APIC timer (the time slices' tick) and the TSC's frequency.
#include "arch/x86_64/baremetal.hpp"

namespace eros::x86 {

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
