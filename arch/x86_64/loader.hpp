// What the loader told the kernel: Multiboot 1 (QEMU's -kernel) or Multiboot 2 (GRUB from
// the ISO, under BIOS or UEFI), which RAM the frame allocator may use, and the screen.
#pragma once
#include <cstdint>

namespace eros::x86 {

inline constexpr std::uint32_t kMultiboot1Magic = 0x2BADB002;
inline constexpr std::uint32_t kMultiboot2Magic = 0x36D76289;

struct Framebuffer {
  std::uint64_t addr = 0;   // physical; 0: none
  std::uint32_t pitch = 0, width = 0, height = 0;
  std::uint8_t bpp = 0;
  std::uint8_t type = 0;    // 1: RGB pixels (width x height); 2: EGA text (width x height cells)
  std::uint8_t red_shift = 16, green_shift = 8, blue_shift = 0;
};

struct BootInfo {
  int multiboot = 0;                     // 1 or 2; 0: no Multiboot loader
  const char* loader_name = nullptr;     // its boot-loader-name, when it gave one
  bool efi = false;                      // Multiboot 2 with an EFI system table tag
  std::uint64_t efi_system_table = 0;
  std::uint64_t ram_bytes = 0;           // RAM the loader reported (for the memory line)
  std::uint64_t frames_start = 0, frames_end = 0;   // the frame allocator's range
  Framebuffer fb;
};

// Reads the loader's information (already in the direct map: Multiboot 2's is copied into
// the image by boot.S). image_end: the first physical byte after the kernel's bss.
BootInfo read_boot_info(std::uint64_t magic, std::uint64_t info, std::uint64_t image_end);
// The kernel's command line (Multiboot 1: QEMU's -append; Multiboot 2: GRUB's) into
// cmdline[0, size), NUL-terminated ("" when the loader gave none).
void read_cmdline(std::uint64_t magic, std::uint64_t info, char* cmdline, std::uint32_t size);
// Two lines: "loader: Multiboot 2 (GRUB 2.06), EFI (system table 0x...)" and
// "screen: ..." (the console's mode and size).
void print_boot_info(const BootInfo& b);

}  // namespace eros::x86
