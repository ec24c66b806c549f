#!/bin/sh
# Builds the bare-metal arm64 image:
#   OUT/eros-aarch64.elf   the kernel, linked at 0xFFFFFFFF80000000 (symbols, gdb)
#   OUT/eros-aarch64.bin   the same as a flat Linux arm64 Image (QEMU -kernel, U-Boot, the
#                          Raspberry Pi firmware): entered at its first byte, x0 = the DTB
# usage: arch/aarch64/build.sh [SRCDIR [OUTDIR [CXX]]]   (defaults: repo, SRCDIR/build-aarch64,
# aarch64-linux-gnu-g++). Only what changed is rebuilt; undefined symbols fail the build.
set -eu
top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
out=${2:-$top/build-aarch64}
cxx=${3:-aarch64-linux-gnu-g++}
command -v "$cxx" >/dev/null || { echo "build-aarch64: $cxx not installed"; exit 1; }
tools=${cxx%g++}
mkdir -p "$out/obj"
if command -v flock >/dev/null; then exec 9>"$out/.build.lock"; flock 9; fi
arch=$top/arch/aarch64

common="-std=c++20 -O2 -g -Wall -Wextra -Werror -Wno-psabi -ffreestanding -fno-exceptions -fno-rtti \
  -fno-asynchronous-unwind-tables -fno-threadsafe-statics -fno-tree-loop-distribute-patterns \
  -fno-stack-protector -fno-pic -fno-pie -nostdlib -mbranch-protection=none \
  -I$top -I$arch -I$top/user"
# The kernel: general registers only (the FP/SIMD registers are the domains'; CPACR traps
# the kernel's own use, so none may creep in).
kflags="$common -mgeneral-regs-only"

compile() {   # compile FLAGS SRC OBJ: only when the object is older than the source or headers
  obj=$3
  if [ ! -f "$obj" ] || [ -n "$(find "$2" "$top/core" "$top/ipc" "$top/capabilities" "$top/copy" \
        "$top/user" "$arch" "$top/scenarios" "$top/baremetal" -newer "$obj" \( -name '*.[hc]pp' -o -name '*.h' \) -print -quit)" ]; then
    echo "  CXX $2"
    nice $cxx $1 -c "$2" -o "$obj"
  fi
}

objs=""
for src in arch/aarch64/boot.S arch/aarch64/vectors.S arch/aarch64/smoke.S \
           arch/aarch64/main.cpp arch/aarch64/traps.cpp arch/aarch64/fdt.cpp arch/aarch64/paging.cpp \
           arch/aarch64/console.cpp arch/aarch64/gic.cpp arch/aarch64/timer.cpp arch/aarch64/exit.cpp \
           arch/aarch64/libc.cpp baremetal/cmdline.cpp baremetal/print.cpp baremetal/report.cpp; do
  obj="$out/obj/k_$(echo "$src" | tr / _ | sed 's/\.[cS]p*$/.o/')"
  compile "$kflags" "$top/$src" "$obj"
  objs="$objs $obj"
done
nice $cxx $kflags -static -no-pie -Wl,-T,"$arch/kernel.ld" -Wl,-z,max-page-size=0x1000 \
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-n -o "$out/eros-aarch64.elf.new" $objs -lgcc
undefined=$(${tools}nm -u "$out/eros-aarch64.elf.new" || true)
if [ -n "$undefined" ]; then
  echo "build-aarch64: undefined symbols:"; echo "$undefined"; exit 1
fi
${tools}objcopy -O binary "$out/eros-aarch64.elf.new" "$out/eros-aarch64.bin.new"
# Replaced only when changed, and by a rename: a QEMU starting now reads a whole file.
for f in eros-aarch64.elf eros-aarch64.bin; do
  if cmp -s "$out/$f.new" "$out/$f"; then rm -f "$out/$f.new"; else mv -f "$out/$f.new" "$out/$f"; fi
done
echo "build-aarch64: $out/eros-aarch64.bin ($(stat -c %s "$out/eros-aarch64.bin") bytes)"
