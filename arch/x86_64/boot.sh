#!/usr/bin/env bash
# Boots the bare-metal image under QEMU and prints what it writes on COM1.
#   [EROS_ACCEL=kvm] arch/x86_64/boot.sh [ELF] [-- extra QEMU arguments]
# TCG with -icount shift=0: the guest's TSC counts one tick per instruction, so the
# benchmark lines are exact instruction counts (MACHINE-NOTES.md: /dev/kvm here is PVM).
# The kernel ends QEMU through isa-debug-exit; writing v makes QEMU exit (v << 1) | 1, so
# this script exits 0 when the kernel wrote 0, else with the kernel's code + 10, or 124 on
# timeout, or QEMU's own status when QEMU failed by itself.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
elf=$top/build-x86_64/eros-x86_64.elf
if [ $# -gt 0 ] && [ "$1" != "--" ]; then elf=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
command -v qemu-system-x86_64 >/dev/null || { echo "boot: qemu-system-x86_64 not installed"; exit 127; }
[ -f "$elf" ] || { echo "boot: $elf not built (./eros image)"; exit 1; }
# EROS_ACCEL=kvm uses KVM (only where /proc/cpuinfo shows vmx or svm: ticks are cycles).
if [ "${EROS_ACCEL:-tcg}" = kvm ]; then
  accel=(-accel kvm -cpu host) what="kvm; ticks are TSC cycles"
else
  accel=(-accel tcg -icount shift=0) what="tcg-icount; ticks are instructions"
fi
echo "boot: qemu-system-x86_64 ${accel[*]} -kernel $elf (accelerator: $what)" >&2
timeout "${EROS_BOOT_TIMEOUT:-120}" qemu-system-x86_64 "${accel[@]}" -m 256M \
  -display none -monitor none -serial stdio -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" "$@" | tr -d '\r'
status=${PIPESTATUS[0]}
case $status in
  1) echo "boot: the kernel exited 0" >&2; exit 0 ;;
  124) echo "boot: timed out" >&2; exit 124 ;;
  *)
    if [ $((status & 1)) -eq 1 ] && [ "$status" -lt 256 ]; then
      echo "boot: the kernel exited $((status >> 1))" >&2; exit $(( (status >> 1) + 10 ))
    fi
    echo "boot: QEMU failed with status $status" >&2; exit "$status" ;;
esac
