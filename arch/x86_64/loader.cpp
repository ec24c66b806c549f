// The loader's information: Multiboot 1 (QEMU's -kernel: flags, mem_upper, boot loader
// name) or Multiboot 2 (GRUB's multiboot2: a list of tags), read into one BootInfo.
#include "arch/x86_64/loader.hpp"

#include "arch/x86_64/baremetal.hpp"
#include "arch/x86_64/console.hpp"

namespace eros::x86 {
namespace {

struct Multiboot1Info {
  std::uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
  std::uint32_t syms[4], mmap_length, mmap_addr, drives_length, drives_addr, config_table;
  std::uint32_t boot_loader_name;
};

struct Tag {
  std::uint32_t type, size;
};
struct MmapEntry {
  std::uint64_t base, length;
  std::uint32_t type, reserved;
};

// Multiboot 2 tag types (the Multiboot 2 specification, section 3.6).
enum : std::uint32_t {
  kTagEnd = 0, kTagLoaderName = 2, kTagBasicMemory = 4, kTagMmap = 6, kTagFramebuffer = 8,
  kTagEfi32 = 11, kTagEfi64 = 12,
};

void read_multiboot2(std::uint64_t info, std::uint64_t image_end, BootInfo& b) {
  const auto* base = phys_to_virt<const std::uint8_t>(info);
  const std::uint32_t total = *reinterpret_cast<const std::uint32_t*>(base);
  std::uint64_t mem_upper_kb = 0;
  bool have_mmap = false;
  for (std::uint32_t off = 8; off + sizeof(Tag) <= total;) {
    const auto* tag = reinterpret_cast<const Tag*>(base + off);
    if (tag->type == kTagEnd || tag->size < sizeof(Tag)) break;
    const auto* body = base + off + sizeof(Tag);
    switch (tag->type) {
      case kTagLoaderName:
        b.loader_name = reinterpret_cast<const char*>(body);
        break;
      case kTagBasicMemory:
        mem_upper_kb = reinterpret_cast<const std::uint32_t*>(body)[1];
        break;
      case kTagMmap: {
        const std::uint32_t entry_size = reinterpret_cast<const std::uint32_t*>(body)[0];
        if (entry_size < sizeof(MmapEntry)) break;
        have_mmap = true;
        // The frames: the largest available piece of [image_end, first GB) (the direct map).
        for (std::uint32_t e = 8; e + sizeof(MmapEntry) <= tag->size - sizeof(Tag); e += entry_size) {
          const auto* m = reinterpret_cast<const MmapEntry*>(body + e);
          if (m->type != 1) continue;
          b.ram_bytes += m->length;
          std::uint64_t lo = m->base, hi = m->base + m->length;
          if (lo < image_end) lo = image_end;
          if (hi > kDirectMapBytes) hi = kDirectMapBytes;
          lo = (lo + kPage - 1) & ~(kPage - 1);
          hi &= ~(kPage - 1);
          if (lo < hi && hi - lo > b.frames_end - b.frames_start) {
            b.frames_start = lo;
            b.frames_end = hi;
          }
        }
        break;
      }
      case kTagFramebuffer: {
        Framebuffer& fb = b.fb;
        fb.addr = *reinterpret_cast<const std::uint64_t*>(body);
        fb.pitch = reinterpret_cast<const std::uint32_t*>(body + 8)[0];
        fb.width = reinterpret_cast<const std::uint32_t*>(body + 8)[1];
        fb.height = reinterpret_cast<const std::uint32_t*>(body + 8)[2];
        fb.bpp = body[20];
        fb.type = body[21];
        if (fb.type == 1) {   // RGB: red position, mask size, green ..., blue ...
          fb.red_shift = body[24];
          fb.green_shift = body[26];
          fb.blue_shift = body[28];
        }
        break;
      }
      case kTagEfi32:
        b.efi = true;
        b.efi_system_table = *reinterpret_cast<const std::uint32_t*>(body);
        break;
      case kTagEfi64:
        b.efi = true;
        b.efi_system_table = *reinterpret_cast<const std::uint64_t*>(body);
        break;
      default:
        break;
    }
    off += (tag->size + 7) & ~7u;
  }
  if (!have_mmap) {   // only the basic memory tag: RAM from 1 MB on
    const std::uint64_t end = mem_upper_kb != 0 ? 0x100000 + mem_upper_kb * 1024 : 64ull << 20;
    b.ram_bytes = end;
    b.frames_start = image_end;
    b.frames_end = end;
  }
}

}  // namespace

BootInfo read_boot_info(std::uint64_t magic, std::uint64_t info, std::uint64_t image_end) {
  BootInfo b;
  if (magic == kMultiboot1Magic) {
    b.multiboot = 1;
    const auto* mb = phys_to_virt<const Multiboot1Info>(info);
    const std::uint64_t end = (mb->flags & 1) != 0 ? 0x100000 + std::uint64_t{mb->mem_upper} * 1024
                                                   : 64ull << 20;
    b.ram_bytes = end;
    b.frames_start = image_end;
    b.frames_end = end;
    if ((mb->flags & (1u << 9)) != 0 && mb->boot_loader_name != 0 &&
        mb->boot_loader_name < kDirectMapBytes)
      b.loader_name = phys_to_virt<const char>(mb->boot_loader_name);
  } else if (magic == kMultiboot2Magic) {
    b.multiboot = 2;
    read_multiboot2(info, image_end, b);
  }
  return b;
}

void print_boot_info(const BootInfo& b) {
  using baremetal::console;
  console("loader: Multiboot {}", b.multiboot);
  if (b.loader_name != nullptr) console(" ({})", b.loader_name);
  if (b.multiboot == 2) {
    if (b.efi)
      console(", EFI (system table {})", baremetal::hex(b.efi_system_table));
    else
      console(", BIOS (no EFI system table tag)");
  }
  console("\nscreen: {}", screen_mode_name());
  if (b.fb.addr != 0 && b.fb.type == 1) console(" {}x{}x{}", b.fb.width, b.fb.height, b.fb.bpp);
  if (screen_cols() != 0) console(", {} x {} characters", screen_cols(), screen_rows());
  console("\n");
}

void read_cmdline(std::uint64_t magic, std::uint64_t info, char* cmdline, std::uint32_t size) {
  const char* from = nullptr;
  if (magic == kMultiboot1Magic) {
    const auto* mb = phys_to_virt<const std::uint32_t>(info);
    if ((mb[0] & 4) != 0 && mb[4] != 0) from = phys_to_virt<const char>(mb[4]);
  } else if (magic == kMultiboot2Magic) {
    const auto* base = phys_to_virt<const std::uint8_t>(info);
    const std::uint32_t total = *reinterpret_cast<const std::uint32_t*>(base);
    for (std::uint32_t off = 8; off + 8 <= total && off < 16384;) {
      const auto* tag = reinterpret_cast<const std::uint32_t*>(base + off);
      if (tag[0] == 0 || tag[1] < 8) break;
      if (tag[0] == 1) {   // the boot command line
        from = reinterpret_cast<const char*>(base + off + 8);
        break;
      }
      off += (tag[1] + 7) & ~7u;
    }
  }
  std::uint32_t i = 0;
  if (from != nullptr)
    for (; i + 1 < size && from[i] != 0; ++i) cmdline[i] = from[i];
  cmdline[i] = 0;
}


}  // namespace eros::x86
