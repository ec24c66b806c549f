#!/bin/sh
# Builds the hybrid BIOS/UEFI boot image: GRUB (grub-mkrescue: i386-pc and x86_64-efi, an
# El Torito CD and an MBR/GPT disk image at once) that boots the kernel with `multiboot2`.
#   arch/x86_64/iso.sh [ELF [ISO]]   (defaults: build-x86_64/eros-x86_64.elf, .iso beside it)
# Needs grub-pc-bin, grub-efi-amd64-bin, xorriso and mtools (./eros installs them). Writes
# the ISO only when it is older than the kernel or this script.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
elf=${1:-$top/build-x86_64/eros-x86_64.elf}
iso=${2:-${elf%.elf}.iso}
for tool in grub-mkrescue xorriso mformat; do
  command -v $tool >/dev/null || { echo "iso: $tool not installed (grub-common, xorriso, mtools)"; exit 1; }
done
for dir in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do
  [ -d $dir ] || { echo "iso: $dir missing (grub-pc-bin, grub-efi-amd64-bin)"; exit 1; }
done
[ -f "$elf" ] || { echo "iso: $elf not built (arch/x86_64/build.sh)"; exit 1; }
if command -v flock >/dev/null; then exec 9>"$iso.lock"; flock 9; fi
if [ -f "$iso" ] && [ "$iso" -nt "$elf" ] && [ "$iso" -nt "$0" ]; then
  echo "iso: $iso is up to date"; exit 0
fi
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp "$elf" "$tree/boot/eros-x86_64.elf"
# The kernel's Multiboot 2 header asks for a framebuffer (the screen console): under BIOS
# GRUB sets a VBE mode, under UEFI it keeps the firmware's GOP mode (gfxpayload=keep);
# both need GRUB's video drivers loaded first.
cat > "$tree/boot/grub/grub.cfg" <<'CFG'
set timeout=0
set default=0
insmod all_video
if [ "$grub_platform" = "efi" ]; then set gfxpayload=keep; fi
menuentry "EROS x86_64 (capability IPC, bare metal)" {
  multiboot2 /boot/eros-x86_64.elf
  boot
}
CFG
# No translations, themes or extra fonts: the kernel is the only thing GRUB loads.
if ! grub-mkrescue -o "$iso.tmp" --locales= --themes= --fonts= "$tree" >"$tree.log" 2>&1; then
  cat "$tree.log"; rm -f "$tree.log" "$iso.tmp"; exit 1
fi
rm -f "$tree.log"
mv "$iso.tmp" "$iso"
echo "iso: $iso ($(stat -c %s "$iso") bytes; BIOS and UEFI, GRUB multiboot2)"
