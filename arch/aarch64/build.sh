#!/bin/sh
# Builds the bare-metal arm64 image (baremetal/build.sh: meson with arch/aarch64/cross.ini,
# the targets in arch/aarch64/meson.build), leaving in OUTDIR:
#   user.elf, user.bin                  the EL0 image (scenarios/ + arch/aarch64/user/runtime.cpp)
#   eros-aarch64.elf, eros-aarch64.bin  the kernel (.bin: a Linux arm64 Image, for QEMU's
#                                       -kernel, U-Boot and the Raspberry Pi firmware)
#   eros-aarch64-smoke.elf, .bin        the machine's own smoke test
# usage: arch/aarch64/build.sh [SRCDIR [OUTDIR [CXX]]]   (defaults: repo, SRCDIR/build-aarch64,
# aarch64-linux-gnu-g++)
exec "$(dirname "$0")/../../baremetal/build.sh" aarch64 "$@"
