#!/bin/sh
# Builds the bare-metal arm64 images from the same core/ capabilities/ ipc/ copy/ sources as
# the hosted simulator, with the EL0 scenario programs embedded:
#   OUT/user.elf, OUT/user.bin     the EL0 image (scenarios/ + arch/aarch64/user/runtime.cpp)
#   OUT/eros-aarch64.elf, .bin     the kernel: the .bin a flat Linux arm64 Image (QEMU -kernel,
#                                  U-Boot, the Raspberry Pi firmware), entered with x0 = the DTB
#   OUT/eros-aarch64-smoke.elf, .bin   the machine's own smoke test (smoke.cpp, smoke_el0.S)
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
# the kernel's own use, so none may creep in; fpsimd.S alone touches them).
kflags="$common -mgeneral-regs-only"
# EL0: FP/SIMD state is kept per domain, so programs may use it (scenarios/vector.cpp:
# its V0-V31/FPCR checks and STREAM); the others stay general-registers-only.
uvflags="$common -DEROS_BAREMETAL"
uflags="$common -DEROS_BAREMETAL -mgeneral-regs-only"

compile() {   # compile FLAGS SRC OBJ: only when the object is older than the source or headers
  obj=$3
  if [ ! -f "$obj" ] || [ -n "$(find "$2" "$top/core" "$top/ipc" "$top/capabilities" "$top/copy" \
        "$top/user" "$arch" "$top/scenarios" "$top/baremetal" -newer "$obj" \( -name '*.[hc]pp' -o -name '*.h' -o -name '*.S' \) -print -quit)" ]; then
    echo "  CXX $2"
    nice $cxx $1 -c "$2" -o "$obj"
  fi
}
obj_of() { echo "$out/obj/$1_$(echo "$2" | tr / _ | sed 's/\.[cS]p*$/.o/')"; }
replace() {   # replace NAME: OUT/NAME.new becomes OUT/NAME if it changed (a rename: a QEMU
  if cmp -s "$out/$1.new" "$out/$1"; then rm -f "$out/$1.new"; else mv -f "$out/$1.new" "$out/$1"; fi
}              # starting now reads a whole file)

# ---- EL0 ------------------------------------------------------------------------------
uobjs=""
for src in scenarios/scenarios.cpp scenarios/vector.cpp arch/aarch64/user/runtime.cpp arch/aarch64/libc.cpp; do
  case $src in
    scenarios/vector.cpp) flags=$uvflags ;;
    *) flags=$uflags ;;
  esac
  obj=$(obj_of u "$src")
  compile "$flags" "$top/$src" "$obj"
  uobjs="$uobjs $obj"
done
nice $cxx $uflags -static -no-pie -Wl,-T,"$arch/user/user.ld" -Wl,--build-id=none -o "$out/user.elf" $uobjs -lgcc
"$top/baremetal/undefined_check.sh" ${tools}nm "$out/user.elf" "$out/obj/user.checked"
# No writable data (it is mapped read-only into every space); the flat image and its .incbin.
"$top/baremetal/user_blob.sh" ${tools}objcopy ${tools}size "$out/user.elf" "$out/user.bin" "$out/obj/user_blob.S"
nice $cxx -c "$out/obj/user_blob.S" -o "$out/obj/user_blob.o"

# ---- the kernel and the smoke test -------------------------------------------------------
machine="arch/aarch64/boot.S arch/aarch64/vectors.S arch/aarch64/fpsimd.S arch/aarch64/bringup.cpp \
  arch/aarch64/traps.cpp arch/aarch64/fdt.cpp arch/aarch64/paging.cpp arch/aarch64/console.cpp \
  arch/aarch64/gic.cpp arch/aarch64/timer.cpp arch/aarch64/exit.cpp arch/aarch64/libc.cpp \
  baremetal/cmdline.cpp baremetal/print.cpp baremetal/report.cpp baremetal/frames.cpp"
kernel="$(cat "$top/core/sources.list") arch/aarch64/main.cpp arch/aarch64/platform.cpp \
  arch/aarch64/scheduler.cpp arch/aarch64/trap.cpp arch/aarch64/layer.cpp baremetal/runner.cpp"
smoke="arch/aarch64/smoke.cpp arch/aarch64/smoke_el0.S"
link() {   # link NAME SOURCES...: OUT/NAME.elf and OUT/NAME.bin
  name=$1
  shift
  objs=""
  for src in "$@"; do
    obj=$(obj_of k "$src")
    compile "$kflags" "$top/$src" "$obj"
    objs="$objs $obj"
  done
  [ "$name" = eros-aarch64 ] && objs="$objs $out/obj/user_blob.o"
  nice $cxx $kflags -static -no-pie -Wl,-T,"$arch/kernel.ld" -Wl,-z,max-page-size=0x1000 \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-n -o "$out/$name.elf.new" $objs -lgcc
  "$top/baremetal/undefined_check.sh" ${tools}nm "$out/$name.elf.new" "$out/obj/$name.checked"
  ${tools}objcopy -O binary "$out/$name.elf.new" "$out/$name.bin.new"
  replace "$name.elf"
  replace "$name.bin"
  echo "build-aarch64: $out/$name.bin ($(stat -c %s "$out/$name.bin") bytes)"
}
link eros-aarch64 $machine $kernel
link eros-aarch64-smoke $machine $smoke
echo "build-aarch64: EL0 image $(stat -c %s "$out/user.bin") bytes"
