#!/bin/sh
# The ring-3 image's last step, for every machine: refuses an image with writable data (it
# is mapped read-only into every space, so a program may have no globals), makes the flat
# binary, and writes the assembly that embeds it in the kernel (.incbin).
# usage: user_blob.sh OBJCOPY SIZE USER.ELF USER.BIN BLOB.S
set -eu
objcopy=$1 size=$2 elf=$3 bin=$4 asm=$5
if "$size" -A "$elf" | awk '$1 == ".data" && $2 != 0 { bad = 1 } END { exit !bad }'; then
  echo "user_blob: the ring-3 image has writable data (globals); programs may not" >&2
  exit 1
fi
"$objcopy" -O binary "$elf" "$bin"
# % rather than @: @ starts a comment in aarch64 assembly.
printf '\t.section .user_blob, "a"\n\t.incbin "%s"\n\t.section .note.GNU-stack, "", %%progbits\n' \
  "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" > "$asm"
