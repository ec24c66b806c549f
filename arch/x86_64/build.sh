#!/bin/sh
# Builds the bare-metal x86_64 image from the same core/ capabilities/ ipc/ copy/ sources as
# the hosted simulator, with the ring-3 scenario programs embedded:
#   OUT/user.elf, OUT/user.bin   the ring-3 image (scenarios/ + arch/x86_64/user/runtime.cpp)
#   OUT/eros-x86_64.elf          the kernel: Multiboot 1 (a.out kludge) and 2, long mode
# (arch/x86_64/iso.sh then makes OUT/eros-x86_64.iso, the GRUB image for BIOS and UEFI)
# usage: arch/x86_64/build.sh [SRCDIR [OUTDIR [CXX]]]   (defaults: repo, SRCDIR/build-x86_64)
set -eu
top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
out=${2:-$top/build-x86_64}
cxx=${3:-x86_64-linux-gnu-g++}
command -v "$cxx" >/dev/null || { echo "build-x86_64: $cxx not installed"; exit 1; }
mkdir -p "$out/obj"
# One build at a time in OUT (the bare-metal tests and ./eros image may overlap).
if command -v flock >/dev/null; then exec 9>"$out/.build.lock"; flock 9; fi
arch=$top/arch/x86_64

common="-std=c++20 -O2 -g -Wall -Wextra -Werror -Wno-psabi -ffreestanding -fno-exceptions -fno-rtti \
  -fno-asynchronous-unwind-tables -fno-threadsafe-statics -fno-tree-loop-distribute-patterns \
  -fno-stack-protector -fcf-protection=none -fno-pic -fno-pie -nostdlib \
  -I$top -I$arch -I$top/user"
# The kernel: top 2 GB, no red zone (traps land on the same stack), general registers
# only (the vector registers hold the domains' state), except the copy family and its
# caller (kvflags: copy/, arch/x86_64/vcopy.cpp), which put that state away first.
kvflags="$common -mcmodel=kernel -mno-red-zone"
kflags="$kvflags -mgeneral-regs-only"
# Ring 3: vector state is kept per domain, so programs may use SSE (scenarios/vector.cpp
# does); the others stay general-registers-only: code that leaves values in XMM registers
# makes every switch away from it save them (docs/baremetal.md, "Vector state").
uvflags="$common -DEROS_BAREMETAL"
uflags="$uvflags -mgeneral-regs-only"

compile() {   # compile FLAGS SRC OBJ: only when the object is older than the source or headers
  obj=$3
  if [ ! -f "$obj" ] || [ -n "$(find "$2" "$top/core" "$top/ipc" "$top/capabilities" "$top/copy" \
        "$top/user" "$arch" "$top/scenarios" "$top/baremetal" -newer "$obj" -name '*.[hc]pp' -print -quit)" ]; then
    $cxx $1 -c "$2" -o "$obj"
  fi
}

# ---- ring 3 --------------------------------------------------------------------------
compile "$uflags" "$top/scenarios/scenarios.cpp" "$out/obj/u_scenarios.o"
compile "$uvflags" "$top/scenarios/vector.cpp" "$out/obj/u_vector.o"
compile "$uflags" "$arch/user/runtime.cpp" "$out/obj/u_runtime.o"
compile "$uflags" "$arch/libc.cpp" "$out/obj/u_libc.o"   # the same mem* as the kernel's
$cxx $uflags -static -no-pie -Wl,-T,"$arch/user/user.ld" -Wl,--build-id=none \
  -o "$out/user.elf" "$out/obj/u_runtime.o" "$out/obj/u_libc.o" "$out/obj/u_scenarios.o" \
  "$out/obj/u_vector.o"
# No writable data in the ring-3 image: it is mapped read-only into every space.
if size -A "$out/user.elf" | awk '$1 == ".data" && $2 != 0 { bad = 1 } END { exit !bad }'; then
  echo "build-x86_64: the ring-3 image has writable data (globals); programs may not"
  exit 1
fi
objcopy -O binary "$out/user.elf" "$out/user.bin"
printf '\t.section .user_blob, "a"\n\t.incbin "%s"\n\t.section .note.GNU-stack, "", @progbits\n' \
  "$out/user.bin" > "$out/obj/user_blob.S"

# ---- the kernel ------------------------------------------------------------------------
objs=""
for src in $(cat "$top/core/sources.list") copy/common.cpp copy/x86_64.cpp \
           arch/x86_64/main.cpp arch/x86_64/loader.cpp arch/x86_64/cpu.cpp arch/x86_64/paging.cpp \
           arch/x86_64/serial.cpp arch/x86_64/console.cpp arch/x86_64/lapic.cpp arch/x86_64/exceptions.cpp \
           arch/x86_64/platform.cpp arch/x86_64/fpu.cpp arch/x86_64/sched.cpp arch/x86_64/trap.cpp \
           arch/x86_64/pager.cpp arch/x86_64/vcopy.cpp arch/x86_64/libc.cpp \
           arch/x86_64/layer.cpp \
           baremetal/cmdline.cpp baremetal/print.cpp baremetal/report.cpp baremetal/frames.cpp \
           baremetal/runner.cpp; do
  obj="$out/obj/k_$(echo "$src" | tr / _ | sed 's/\.cpp$/.o/')"
  case $src in
    copy/*|arch/x86_64/vcopy.cpp) flags=$kvflags ;;
    *) flags=$kflags ;;
  esac
  compile "$flags" "$top/$src" "$obj"
  objs="$objs $obj"
done
$cxx $kflags -c "$arch/boot.S" -o "$out/obj/boot.o"
$cxx -c "$out/obj/user_blob.S" -o "$out/obj/user_blob.o"
$cxx $kflags -static -no-pie -Wl,-T,"$arch/kernel.ld" -Wl,-z,max-page-size=0x1000 \
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-n -o "$out/eros-x86_64.elf.new" "$out/obj/boot.o" $objs \
  "$out/obj/user_blob.o" -lgcc
undefined=$(nm -u "$out/eros-x86_64.elf.new" || true)
if [ -n "$undefined" ]; then
  echo "build-x86_64: undefined symbols:"; echo "$undefined"; exit 1
fi
# Replaced only when it changed, and by a rename: a QEMU starting now reads a whole file,
# and the ISO (iso.sh) is rebuilt only when the kernel changed.
if cmp -s "$out/eros-x86_64.elf.new" "$out/eros-x86_64.elf"; then
  rm -f "$out/eros-x86_64.elf.new"
else
  mv -f "$out/eros-x86_64.elf.new" "$out/eros-x86_64.elf"
fi
echo "build-x86_64: $out/eros-x86_64.elf ($(stat -c %s "$out/eros-x86_64.elf") bytes;" \
  "ring-3 image $(stat -c %s "$out/user.bin") bytes)"
