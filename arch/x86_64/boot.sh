#!/usr/bin/env bash
# Boots the bare-metal image under QEMU and prints what it writes on COM1.
#   [EROS_ACCEL=kvm] arch/x86_64/boot.sh [--iso | --uefi] [IMAGE] [-- extra QEMU arguments]
# With no option, IMAGE is the ELF (default build-x86_64/eros-x86_64.elf), loaded by QEMU's
# -kernel (Multiboot 1). --iso boots the GRUB ISO (default build-x86_64/eros-x86_64.iso,
# Multiboot 2) from a CD under SeaBIOS; --uefi boots it on a q35 machine under OVMF.
# TCG with -icount shift=0: the guest's TSC counts one tick per instruction, so the
# benchmark lines are exact instruction counts (/dev/kvm on these machines is PVM, a
# software hypervisor: KVM only with EROS_ACCEL=kvm where the CPU has vmx or svm).
# The kernel ends QEMU through isa-debug-exit; writing v makes QEMU exit (v << 1) | 1. The
# codes (baremetal/exit_code.hpp) are chosen so that no status of QEMU's own (1 when it
# fails by itself, an unknown -cpu say; 0 when the guest resets) looks like one:
#   kernel 0x10 Success       QEMU 33  ->  exit 0
#   kernel 0x11 NotAllRan     QEMU 35  ->  exit 11 (a scenario did not fit the kernel's tables)
#   kernel 0x12 Panic         QEMU 37  ->  exit 12 (a fault in the kernel)
#   kernel 0x13 NoBootInfo    QEMU 39  ->  exit 13 (not started by a Multiboot loader)
#   any other QEMU status              ->  exit 3, "boot: QEMU failed with status N"
#   timeout (EROS_BOOT_TIMEOUT, 120 s) ->  exit 124
# and 1 when the image or the firmware is missing, 127 when QEMU is not installed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mode=kernel
case ${1:-} in
  --iso) mode=iso; shift ;;
  --uefi) mode=uefi; shift ;;
esac
if [ $mode = kernel ]; then elf=$top/build-x86_64/eros-x86_64.elf; else elf=$top/build-x86_64/eros-x86_64.iso; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then elf=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
command -v qemu-system-x86_64 >/dev/null || { echo "boot: qemu-system-x86_64 not installed"; exit 127; }
[ -f "$elf" ] || { echo "boot: $elf not built (./eros image)"; exit 1; }
case $mode in
  kernel) load=(-kernel "$elf") ;;
  iso) load=(-cdrom "$elf" -boot d) ;;
  uefi)
    # OVMF: the firmware read-only, its variable store a scratch copy (it writes there).
    code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
    [ -f $code ] && [ -f $vars ] || { echo "boot: $code or $vars missing (package ovmf)"; exit 1; }
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    cp $vars "$scratch/vars.fd"
    load=(-M q35 -drive if=pflash,format=raw,unit=0,readonly=on,file=$code
          -drive if=pflash,format=raw,unit=1,file="$scratch/vars.fd" -cdrom "$elf" -boot d) ;;
esac
# EROS_ACCEL=kvm uses KVM (only where /proc/cpuinfo shows vmx or svm: ticks are cycles);
# EROS_ACCEL=tcg plain TCG (no icount: OVMF boots in ~5 s instead of ~40 s, the default
# for --uefi; ticks are then QEMU's virtual TSC). The default elsewhere: tcg-icount.
if [ $mode = uefi ]; then choice=${EROS_ACCEL:-tcg}; else choice=${EROS_ACCEL:-tcg-icount}; fi
if [ "$choice" = kvm ]; then
  accel=(-accel kvm -cpu host) what="kvm; ticks are TSC cycles"
elif [ "$choice" = tcg ]; then
  accel=(-accel tcg) what="tcg; ticks are QEMU's virtual TSC, neither cycles nor instructions"
else
  accel=(-accel tcg -icount shift=0) what="tcg-icount; ticks are instructions"
fi
echo "boot: qemu-system-x86_64 ${accel[*]} ${load[*]} (accelerator: $what)" >&2
timeout "${EROS_BOOT_TIMEOUT:-120}" qemu-system-x86_64 "${accel[@]}" -m 256M \
  -display none -monitor none -serial stdio -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${load[@]}" "$@" | tr -d '\r'
status=${PIPESTATUS[0]}
case $status in
  33) echo "boot: the kernel exited with Success" >&2; exit 0 ;;
  35) echo "boot: the kernel exited with NotAllRan (some scenario did not run)" >&2; exit 11 ;;
  37) echo "boot: the kernel exited with Panic" >&2; exit 12 ;;
  39) echo "boot: the kernel exited with NoBootInfo (not started by a Multiboot loader)" >&2; exit 13 ;;
  124) echo "boot: timed out" >&2; exit 124 ;;
  # 1 is QEMU's own failure; 0 a reset under -no-reboot (a triple fault): never success.
  *) echo "boot: QEMU failed with status $status (not a kernel exit code)" >&2; exit 3 ;;
esac
