#!/bin/sh
# Builds the kernel core (core/ capabilities/ ipc/ copy/, and baremetal/) freestanding for one architecture,
# links it into one relocatable object, and fails if that object needs anything but the
# platform's own functions and state (eros::X86Platform::, eros::x86::, eros_* from its
# assembly; the same for arm64), what a machine gives baremetal/ (eros::baremetal::machine::) and the compiler's mem* helpers: no C++ runtime, no libc.
# usage: freestanding.sh ARCH CXX SRCDIR OUT.o SOURCES...
set -eu
arch=$1 cxx=$2 top=$3 out=$4
shift 4
command -v "$cxx" >/dev/null || { echo "freestanding $arch: $cxx not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $arch in
  x86_64) archflags="-mno-red-zone" ;;
  aarch64) archflags="" ;;
  *) echo "unknown arch $arch"; exit 1 ;;
esac
flags="-std=c++20 -O2 -Wall -Wextra -Werror -Wno-psabi -ffreestanding -fno-exceptions -fno-rtti \
  -fno-asynchronous-unwind-tables -fno-threadsafe-statics -fno-tree-loop-distribute-patterns \
  -fno-pie -fno-pic -nostdlib $archflags -I$top -I$top/arch/$arch -I$top/user"
i=0
for src in "$@" "$top/tools/freestanding_domain.cpp"; do
  i=$((i + 1))
  $cxx $flags -c "$src" -o "$tmp/$i.o"
done
$cxx -nostdlib -r -o "$out" "$tmp"/*.o
undefined=$(nm -u -C "$out" | awk '{ $1 = ""; print substr($0, 2) }' \
  | grep -v -E '^eros::(X86|Arm64)Platform::|^eros::(x86|arm64)::|^eros::baremetal::machine::|^eros_[a-z0-9_]+$|^(memcpy|memmove|memset)$' \
  || true)
if [ -n "$undefined" ]; then
  echo "freestanding $arch: the core needs symbols no freestanding platform provides:"
  echo "$undefined"
  exit 1
fi
echo "freestanding $arch: $(nm -C --defined-only "$out" | grep -c ' [TtW] ') functions, $(stat -c %s "$out") bytes, only platform symbols undefined"
