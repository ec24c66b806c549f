#!/bin/sh
# Builds the bare-metal x86_64 image with meson: OUTDIR is a meson build directory
# configured for this machine (arch/x86_64/cross.ini; the targets: arch/x86_64/meson.build,
# from the same source lists as the hosted build), and the results are put beside it:
#   OUT/user.elf, OUT/user.bin   the ring-3 image (scenarios/ + arch/x86_64/user/runtime.cpp)
#   OUT/eros-x86_64.elf          the kernel: Multiboot 1 (a.out kludge) and 2, long mode
# (arch/x86_64/iso.sh then makes OUT/eros-x86_64.iso, the GRUB image for BIOS and UEFI)
# usage: arch/x86_64/build.sh [SRCDIR [OUTDIR [CXX]]]   (defaults: repo, SRCDIR/build-x86_64,
# the cross file's x86_64-linux-gnu-g++)
set -eu
top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
out=${2:-$top/build-x86_64}
cxx=${3:-x86_64-linux-gnu-g++}
for tool in "$cxx" meson ninja; do
  command -v "$tool" >/dev/null || { echo "build-x86_64: $tool not installed"; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
# One build at a time in OUT (the bare-metal tests and ./eros image may overlap).
if command -v flock >/dev/null; then exec 9>"$out/.build.lock"; flock 9; fi

if [ ! -f "$out/build.ninja" ]; then
  # Another compiler than the cross file's: a second machine file overrides it.
  printf "[binaries]\ncpp = '%s'\n" "$cxx" > "$out/compiler.ini"
  if ! meson setup "$out" "$top" --cross-file "$top/arch/x86_64/cross.ini" \
       --cross-file "$out/compiler.ini" --buildtype=plain -Db_staticpic=false -Db_pie=false \
       > "$out/setup.log" 2>&1; then
    cat "$out/setup.log"
    echo "build-x86_64: meson setup failed"
    exit 1
  fi
fi
if ! ninja -C "$out" > "$out/ninja.log" 2>&1; then
  cat "$out/ninja.log"
  echo "build-x86_64: the build failed"
  exit 1
fi
# Replaced only when they changed, and by a rename: a QEMU starting now reads a whole file,
# and the ISO (iso.sh) is rebuilt only when the kernel changed.
for f in user.elf user.bin eros-x86_64.elf; do
  if ! cmp -s "$out/arch/x86_64/$f" "$out/$f"; then
    cp "$out/arch/x86_64/$f" "$out/$f.new"
    mv -f "$out/$f.new" "$out/$f"
  fi
done
echo "build-x86_64: $out/eros-x86_64.elf ($(stat -c %s "$out/eros-x86_64.elf") bytes;" \
  "ring-3 image $(stat -c %s "$out/user.bin") bytes)"
