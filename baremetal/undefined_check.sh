#!/bin/sh
# A linked kernel may need nothing from outside: any undefined symbol fails the build.
# usage: undefined_check.sh NM KERNEL.ELF STAMP
set -eu
undefined=$("$1" -u "$2" || true)
if [ -n "$undefined" ]; then
  echo "undefined_check: $2 has undefined symbols:" >&2
  echo "$undefined" >&2
  exit 1
fi
touch "$3"
