// Page tables: new spaces sharing the kernel half, mappings, and the walks the probes use.
#include "arch/x86_64/baremetal.hpp"

extern "C" {
extern std::uint64_t boot_pml4[512];
}

namespace eros::x86 {

std::uint64_t kernel_root() { return kernel_virt_to_phys(boot_pml4); }

std::uint64_t new_space_root() {
  std::uint64_t root = alloc_frame();
  auto* pml4 = phys_to_virt<std::uint64_t>(root);
  for (int i = 256; i < 512; ++i) pml4[i] = boot_pml4[i];
  ++probe_generation;   // a frame may be a root again, with other tables
  return root;
}

void tlb_flush_all() {
  std::uint64_t cr4;
  asm volatile("mov %%cr4, %0" : "=r"(cr4));
  asm volatile("mov %0, %%cr4" : : "r"(cr4 & ~std::uint64_t{1u << 7}) : "memory");   // PGE off,
  asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");                            // on again
}

void map_page(std::uint64_t root, std::uint64_t va, std::uint64_t pa, std::uint64_t flags) {
  auto* table = phys_to_virt<std::uint64_t>(root);
  for (int shift = 39; shift > 12; shift -= 9) {
    std::uint64_t& e = table[(va >> shift) & 511];
    if ((e & kPresent) == 0) e = alloc_frame() | kPresent | kWritable | kUser;
    table = phys_to_virt<std::uint64_t>(e & kAddrMask);
  }
  table[(va >> 12) & 511] = (pa & kAddrMask) | flags;
  ++probe_generation;   // the tables changed: no earlier probe's result is reused
}

std::uint64_t probe_generation = 1;

std::uint64_t user_page(std::uint64_t root, std::uint64_t va, bool write) {
  const std::uint64_t need = kPresent | kUser | (write ? kWritable : 0);
  const std::uint64_t e4 = phys_to_virt<const std::uint64_t>(root)[(va >> 39) & 511];
  if ((e4 & need) != need) return kNoFrame;
  const std::uint64_t e3 = phys_to_virt<const std::uint64_t>(e4 & kAddrMask)[(va >> 30) & 511];
  if ((e3 & (need | kLarge)) != need) return kNoFrame;
  const std::uint64_t e2 = phys_to_virt<const std::uint64_t>(e3 & kAddrMask)[(va >> 21) & 511];
  if ((e2 & need) != need) return kNoFrame;
  if ((e2 & kLarge) != 0) return (e2 & kAddrMask & ~0x1FFFFFull) | (va & 0x1FF000);
  const std::uint64_t e1 = phys_to_virt<const std::uint64_t>(e2 & kAddrMask)[(va >> 12) & 511];
  if ((e1 & need) != need) return kNoFrame;
  return e1 & kAddrMask;
}

bool user_range_ok(std::uint64_t root, std::uint64_t va, std::uint64_t n, bool write) {
  const std::uint64_t last = va + n - 1;
  if (last < va || last >= kUserTop) return false;   // wraps, non-canonical or kernel
  const std::uint64_t need = kPresent | kUser | (write ? kWritable : 0);
  const auto* pml4 = phys_to_virt<const std::uint64_t>(root);
  std::uint64_t page = va >> 12;
  const std::uint64_t end = last >> 12;
  for (;;) {
    const std::uint64_t e4 = pml4[(page >> 27) & 511];
    if ((e4 & need) != need) return false;
    const std::uint64_t e3 = phys_to_virt<const std::uint64_t>(e4 & kAddrMask)[(page >> 18) & 511];
    if ((e3 & need) != need || (e3 & kLarge) != 0) return false;
    const std::uint64_t e2 = phys_to_virt<const std::uint64_t>(e3 & kAddrMask)[(page >> 9) & 511];
    if ((e2 & need) != need) return false;
    if ((e2 & kLarge) != 0) {   // a 2 MB page covers the rest of this page table's range
      page = (page | 511) + 1;
      if (page > end) return true;
      continue;
    }
    const auto* pt = phys_to_virt<const std::uint64_t>(e2 & kAddrMask);
    do {   // pages in the same table need no further walk
      if ((pt[page & 511] & need) != need) return false;
      if (page == end) return true;
      ++page;
    } while ((page & 511) != 0);
  }
}

std::uint64_t translate(std::uint64_t root, std::uint64_t va) {
  const std::uint64_t* t = phys_to_virt<const std::uint64_t>(root);
  for (int shift = 39; shift > 12; shift -= 9) {
    const std::uint64_t e = t[(va >> shift) & 511];
    if (shift == 21 && (e & kLarge) != 0) return (e & kAddrMask & ~0x1FFFFFull) | (va & 0x1FFFFF);
    t = phys_to_virt<const std::uint64_t>(e & kAddrMask);
  }
  return (t[(va >> 12) & 511] & kAddrMask) | (va & 0xFFF);
}

}  // namespace eros::x86
