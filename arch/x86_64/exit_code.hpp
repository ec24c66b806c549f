// The kernel's exit codes: an ABI between the kernel and whoever runs QEMU (arch/x86_64/
// boot.sh, tools/repro.py's baremetal experiment, which reads this file; docs/baremetal.md,
// "Exit status"). The kernel writes one to isa-debug-exit (port 0xf4) and QEMU exits with
// (code << 1) | 1. None is 0: QEMU exits 1 when it fails by itself (an unknown -cpu, a
// missing file), which is what a written 0 would give, and 0 when the guest resets under
// -no-reboot (a triple fault). So every code here gives a status QEMU never gives alone.
#pragma once
#include <cstdint>

namespace eros::x86 {

enum class ExitCode : std::uint8_t {
  Success = 0x10,      // QEMU 33, boot.sh 0: every chosen scenario ran
  NotAllRan = 0x11,    // QEMU 35, boot.sh 11: some scenario did not fit the kernel's tables
  Panic = 0x12,        // QEMU 37, boot.sh 12: a fault in the kernel, or Platform::panic
  NoMultiboot = 0x13,  // QEMU 39, boot.sh 13: not started by a Multiboot loader
};

}  // namespace eros::x86
