// The interrupt controller: GICv2 (QEMU virt's default: distributor and CPU interface in
// memory) or GICv3 (gic-version=3: distributor, this CPU's redistributor, and the CPU
// interface as system registers), whichever the device tree names. Only private
// interrupts (the timer's PPI) are used: one CPU.
#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {
namespace {

std::uint32_t version = 0;
volatile std::uint32_t* gicd = nullptr;
volatile std::uint32_t* gicc = nullptr;   // v2
volatile std::uint32_t* sgi = nullptr;    // v3: the redistributor's SGI/PPI frame

constexpr std::uint32_t kPriority = 0xA0;

void set_priority(volatile std::uint32_t* ipriorityr, std::uint32_t intid) {
  volatile std::uint32_t& word = ipriorityr[intid / 4];
  const std::uint32_t shift = (intid % 4) * 8;
  word = (word & ~(0xFFu << shift)) | kPriority << shift;
}

}  // namespace

void gic_init(const DeviceTree& dt) {
  version = dt.gic_version;
  if (version == 2) {
    gicd = map_device(dt.gicd, 0x10000);
    gicc = map_device(dt.gicc, 0x2000);
    gicd[0] = 1;                  // GICD_CTLR: forward interrupts
    gicc[0x4 / 4] = 0xF0;         // GICC_PMR: every priority above 0xF0
    gicc[0] = 1;                  // GICC_CTLR: signal them
  } else if (version == 3) {
    gicd = map_device(dt.gicd, 0x10000);
    volatile std::uint32_t* rd = map_device(dt.gicr, 0x20000);
    sgi = rd + 0x10000 / 4;
    gicd[0] = 0x10;               // GICD_CTLR: affinity routing (ARE) first
    while ((gicd[0] & (1u << 31)) != 0) {   // RWP
    }
    gicd[0] = 0x13;               // ARE, both groups enabled (one security state)
    rd[0x14 / 4] = rd[0x14 / 4] & ~2u;   // GICR_WAKER: ProcessorSleep off
    while ((rd[0x14 / 4] & 4u) != 0) {      // ChildrenAsleep
    }
    std::uint64_t sre = EROS_SYSREG_READ(icc_sre_el1);
    EROS_SYSREG_WRITE(icc_sre_el1, sre | 1);   // the system-register interface
    isb();
    EROS_SYSREG_WRITE(icc_pmr_el1, 0xF0);
    EROS_SYSREG_WRITE(icc_igrpen1_el1, 1);
    isb();
  } else {
    panic("no GICv2 or GICv3 in the device tree");
  }
}

void gic_enable(std::uint32_t intid) {
  if (version == 2) {
    set_priority(gicd + 0x400 / 4, intid);
    gicd[0x100 / 4 + intid / 32] = 1u << (intid % 32);   // GICD_ISENABLERn
  } else {
    sgi[0x80 / 4] = sgi[0x80 / 4] | 1u << intid;         // GICR_IGROUPR0: group 1
    set_priority(sgi + 0x400 / 4, intid);
    sgi[0x100 / 4] = 1u << intid;                        // GICR_ISENABLER0
  }
}

std::uint32_t gic_ack() {
  if (version == 2) return gicc[0xC / 4] & 0x3FF;        // GICC_IAR
  const std::uint64_t iar = EROS_SYSREG_READ(icc_iar1_el1);
  return static_cast<std::uint32_t>(iar & 0xFFFFFF);
}

void gic_end(std::uint32_t intid) {
  if (version == 2) {
    gicc[0x10 / 4] = intid;                              // GICC_EOIR
  } else {
    EROS_SYSREG_WRITE(icc_eoir1_el1, intid);
  }
}

}  // namespace eros::arm64
