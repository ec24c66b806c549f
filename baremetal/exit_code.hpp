// The kernel's exit codes: an ABI between the kernel and whoever runs QEMU (each machine's
// boot.sh, tools/repro.py's baremetal experiment, which reads this file; docs/baremetal.md,
// "Exit status"). One set for every machine; each machine says how it hands QEMU a code:
//   x86_64   isa-debug-exit (port 0xf4): QEMU exits with (code << 1) | 1
//   aarch64  semihosting SYS_EXIT (ADP_Stopped_ApplicationExit): QEMU exits with the code
// None is 0 or 1, and none gives 0 or 1 on x86_64: QEMU exits 1 when it fails by itself (an
// unknown -cpu, a missing file) and 0 when the guest resets under -no-reboot (a triple
// fault) or powers off. So every code here gives a status QEMU never gives alone.
#pragma once
#include <cstdint>

namespace eros::baremetal {

enum class ExitCode : std::uint8_t {
  Success = 0x10,      // x86_64 QEMU 33, aarch64 QEMU 16; boot.sh 0: every chosen scenario ran
  NotAllRan = 0x11,    // QEMU 35 / 17, boot.sh 11: some scenario did not fit the kernel's tables
  Panic = 0x12,        // QEMU 37 / 18, boot.sh 12: a fault in the kernel, or Platform::panic
  NoBootInfo = 0x13,   // QEMU 39 / 19, boot.sh 13: no loader's information (x86_64: not
                       // started by a Multiboot loader; aarch64: no device tree)
};

}  // namespace eros::baremetal
