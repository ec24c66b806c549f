#!/bin/sh
# Builds one machine's bare-metal image with meson: OUTDIR is a meson build directory
# configured for the machine (arch/MACHINE/cross.ini; the targets: arch/MACHINE/meson.build,
# from the same source lists as the hosted build), and its images (*.elf, *.bin) are put
# beside it, in OUTDIR itself. arch/MACHINE/build.sh calls this.
# usage: baremetal/build.sh MACHINE [SRCDIR [OUTDIR [CXX]]]   (defaults: repo,
# SRCDIR/build-MACHINE, the cross file's compiler)
set -eu
m=$1
shift
top=$(cd "${1:-$(dirname "$0")/..}" && pwd)
out=${2:-$top/build-$m}
cross=$top/arch/$m/cross.ini
[ -f "$cross" ] || { echo "build-$m: no machine $m ($cross missing)"; exit 1; }
cxx=${3:-$(sed -n "s/^cpp = '\(.*\)'$/\1/p" "$cross")}
for tool in "$cxx" meson ninja; do
  command -v "$tool" >/dev/null || { echo "build-$m: $tool not installed"; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
# One build at a time in OUT (the bare-metal tests and ./eros image may overlap; ninja
# alone does not lock its build directory).
if command -v flock >/dev/null; then exec 9>"$out/.build.lock"; flock 9; fi

if [ ! -f "$out/build.ninja" ]; then
  # Another compiler than the cross file's: a second machine file overrides it.
  printf "[binaries]\ncpp = '%s'\n" "$cxx" > "$out/compiler.ini"
  if ! meson setup "$out" "$top" --cross-file "$cross" --cross-file "$out/compiler.ini" \
       --buildtype=plain -Db_staticpic=false -Db_pie=false > "$out/setup.log" 2>&1; then
    cat "$out/setup.log"
    echo "build-$m: meson setup failed"
    exit 1
  fi
fi
if ! ninja -C "$out" > "$out/ninja.log" 2>&1; then
  cat "$out/ninja.log"
  echo "build-$m: the build failed"
  exit 1
fi
# Replaced only when they changed, and by a rename: a QEMU starting now reads a whole file,
# and an image made from one (x86_64's ISO) is rebuilt only when it changed.
for f in "$out/arch/$m"/*.elf "$out/arch/$m"/*.bin; do
  name=$(basename "$f")
  if ! cmp -s "$f" "$out/$name"; then
    cp "$f" "$out/$name.new"
    mv -f "$out/$name.new" "$out/$name"
  fi
done
for f in "$out/arch/$m"/eros-*.elf; do
  name=$(basename "$f" .elf)
  echo "build-$m: $out/$name.elf ($(stat -c %s "$out/$name.elf") bytes)"
done
echo "build-$m: ring-3 image $out/user.bin ($(stat -c %s "$out/user.bin") bytes)"
