// The machine brought up from the loader's state: the device tree read, frames and the
// final kernel mappings, the console, the CPU's own controls, the GIC and the timer, each
// announced in one line.
#include "arch/aarch64/machine.hpp"
#include "baremetal/print.hpp"

extern "C" {
extern std::uint8_t __bss_end[];
extern void (*__init_array_start[])(), (*__init_array_end[])();
}

std::uint64_t eros::Arm64Platform::zva_bytes = 0;   // cpu_init, below

namespace eros::arm64 {
namespace {

using baremetal::hex;
using baremetal::print;

DeviceTree tree;

const char* cpu_name(std::uint64_t midr) {
  const std::uint32_t implementer = (midr >> 24) & 0xFF, part = (midr >> 4) & 0xFFF;
  if (implementer == 0x41) {
    switch (part) {
      case 0xD03: return "Cortex-A53";
      case 0xD07: return "Cortex-A57";
      case 0xD08: return "Cortex-A72";
      case 0xD0B: return "Cortex-A76";
      case 0xD0C: return "Neoverse-N1";
      default: return "Arm";
    }
  }
  return implementer == 0 ? "software-defined (QEMU max)" : "unknown implementer";
}

std::uint64_t ram_end_of(std::uint64_t pa) {
  for (std::uint32_t i = 0; i < tree.memory_count; ++i)
    if (pa >= tree.memory[i].base && pa < tree.memory[i].base + tree.memory[i].size)
      return tree.memory[i].base + tree.memory[i].size;
  return 0;
}

void cpu_init() {
  EROS_SYSREG_WRITE(cpacr_el1, 0);   // FP/SIMD trapped at EL0 and EL1: the kernel never
  isb();                             // uses it, and a domain's first use is seen
  if (((EROS_SYSREG_READ(id_aa64mmfr1_el1) >> 20) & 0xF) != 0)
    asm volatile(".inst 0xd500409f" ::: "memory");   // msr pan, #0: the kernel reads user pages
  // DC ZVA's block: 4 << BS bytes, unless DZP prohibits it; four blocks must fit a page.
  const std::uint64_t dczid = EROS_SYSREG_READ(dczid_el0);
  const std::uint64_t block = std::uint64_t{4} << (dczid & 0xF);
  Platform::zva_bytes = (dczid & 0x10) == 0 && 4 * block <= kPage ? block : 0;
}

}  // namespace

const DeviceTree& bring_up(std::uint64_t dtb_pa, std::uint64_t load_pa, std::uint64_t entry_el) {
  kernel_phys_base = load_pa;
  for (auto** f = __init_array_start; f != __init_array_end; ++f) (**f)();
  if (!read_device_tree(phys_to_virt(dtb_pa), tree) || tree.memory_count == 0 || tree.uart == 0)
    exit_machine(ExitCode::NoBootInfo);   // no console to say so on
  exit_set_psci(tree.psci);
  const std::uint64_t image_end = kernel_virt_to_phys(__bss_end);
  const std::uint64_t ram_end = ram_end_of(load_pa);
  if (ram_end == 0) exit_machine(ExitCode::NoBootInfo);
  frames_init(image_end, ram_end);
  paging_init(tree);
  console_init(tree.uart);
  cpu_init();

  print(put_char, "\nEROS arm64 bare metal: EL1, 4 KB pages, kernel in TTBR1, spaces in TTBR0 with ASIDs, EL0 via svc\n");
  print(put_char, "entry: EL{}{}, image at {}, device tree at {} ({} bytes)\n", entry_el,
        entry_el == 2 ? " (dropped to EL1)" : "", hex(load_pa), hex(dtb_pa), tree.total_size);
  const std::uint64_t midr = EROS_SYSREG_READ(midr_el1);
  print(put_char, "cpu: {} (MIDR_EL1 {})\n", cpu_name(midr), hex(midr));
  std::uint64_t ram = 0;
  for (std::uint32_t i = 0; i < tree.memory_count; ++i) ram += tree.memory[i].size;
  print(put_char, "memory: {} MB at {}, kernel image {} KB, {} frames free\n", ram >> 20,
        hex(tree.memory[0].base), (image_end - load_pa) >> 10, frames_left());
  print(put_char, "console: PL011 at {}\n", hex(tree.uart));
  gic_init(tree);
  print(put_char, "gic: v{}, distributor {}, {} {}\n", tree.gic_version, hex(tree.gicd),
        tree.gic_version == 2 ? "cpu interface" : "redistributor",
        hex(tree.gic_version == 2 ? tree.gicc : tree.gicr));
  timer_init(tree.timer_irq, 1000);
  print(put_char, "timer: virtual, INTID {}, {} Hz, every 1 ms; psci: {}\n", tree.timer_irq, timer_hz(),
        tree.psci == DeviceTree::Psci::smc ? "smc" : tree.psci == DeviceTree::Psci::hvc ? "hvc" : "none");
  return tree;
}

}  // namespace eros::arm64
