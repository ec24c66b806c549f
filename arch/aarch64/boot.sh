#!/usr/bin/env bash
# Boots the bare-metal arm64 image under QEMU (virt, TCG with -icount shift=0: PMCCNTR
# counts one per instruction) and prints what it writes on the PL011.
#   arch/aarch64/boot.sh [IMAGE] [-- extra QEMU arguments]
# IMAGE defaults to build-aarch64/eros-aarch64.bin, loaded by -kernel as a Linux Image.
# Extra arguments come last and win: `-- -cpu max`, `-- -M virt,virtualization=on` (entry
# at EL2), `-- -M virt,gic-version=3`, `-- -append "only=..."`.
# The kernel ends QEMU through semihosting SYS_EXIT, and QEMU exits with the code itself
# (baremetal/exit_code.hpp), which is neither 0 nor 1, QEMU's own statuses:
#   kernel 0x10 Success       QEMU 16  ->  exit 0
#   kernel 0x11 NotAllRan     QEMU 17  ->  exit 11
#   kernel 0x12 Panic         QEMU 18  ->  exit 12 (a fault in the kernel)
#   kernel 0x13 NoBootInfo    QEMU 19  ->  exit 13 (no device tree)
#   any other QEMU status              ->  exit 3, "boot: QEMU failed with status N"
#   timeout (EROS_BOOT_TIMEOUT, 120 s) ->  exit 124
# and 1 when the image is missing, 127 when QEMU is not installed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
image=$top/build-aarch64/eros-aarch64.bin
if [ $# -gt 0 ] && [ "$1" != "--" ]; then image=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
command -v qemu-system-aarch64 >/dev/null || { echo "boot: qemu-system-aarch64 not installed"; exit 127; }
[ -f "$image" ] || { echo "boot: $image not built (arch/aarch64/build.sh)"; exit 1; }
args=(-M virt -cpu cortex-a53 -accel tcg -icount shift=0 -m 256M -nographic -monitor none
      -semihosting -no-reboot -kernel "$image")
echo "boot: qemu-system-aarch64 ${args[*]} $* (tcg-icount; PMCCNTR counts instructions)" >&2
timeout "${EROS_BOOT_TIMEOUT:-120}" qemu-system-aarch64 "${args[@]}" "$@" </dev/null | tr -d '\r'
status=${PIPESTATUS[0]}
case $status in
  16) echo "boot: the kernel exited with Success" >&2; exit 0 ;;
  17) echo "boot: the kernel exited with NotAllRan (some scenario did not run)" >&2; exit 11 ;;
  18) echo "boot: the kernel exited with Panic" >&2; exit 12 ;;
  19) echo "boot: the kernel exited with NoBootInfo (no device tree)" >&2; exit 13 ;;
  124) echo "boot: timed out" >&2; exit 124 ;;
  # 1 is QEMU's own failure; 0 a power-off (PSCI) or a reset under -no-reboot: never success.
  *) echo "boot: QEMU failed with status $status (not a kernel exit code)" >&2; exit 3 ;;
esac
