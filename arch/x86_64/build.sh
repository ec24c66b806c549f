#!/bin/sh
# Builds the bare-metal x86_64 image (baremetal/build.sh: meson with arch/x86_64/cross.ini,
# the targets in arch/x86_64/meson.build), leaving in OUTDIR:
#   user.elf, user.bin   the ring-3 image (scenarios/ + arch/x86_64/user/runtime.cpp)
#   eros-x86_64.elf      the kernel: Multiboot 1 (a.out kludge) and 2, long mode
# (arch/x86_64/iso.sh then makes OUTDIR/eros-x86_64.iso, the GRUB image for BIOS and UEFI)
# usage: arch/x86_64/build.sh [SRCDIR [OUTDIR [CXX]]]   (defaults: repo, SRCDIR/build-x86_64,
# x86_64-linux-gnu-g++)
exec "$(dirname "$0")/../../baremetal/build.sh" x86_64 "$@"
