// Page tables (4 KB granule, four levels, 48-bit VAs): the kernel's
// direct map of RAM and its device window in TTBR1, each space's own tables in TTBR0 with
// its ASID, and the walks the platform's probes make.
#include "arch/aarch64/machine.hpp"

extern "C" {
extern std::uint64_t boot_l0[512], boot_dm_l1[512];
}

namespace eros::arm64 {

std::uint64_t kernel_phys_base = 0;
std::uint64_t probe_generation = 1;

namespace {

// Descriptor bits.
constexpr std::uint64_t kValid = 1, kTable = 3, kPageDesc = 3, kBlock = 1;
constexpr std::uint64_t kAttrNormal = 0 << 2, kAttrDevice = 1 << 2;   // MAIR indices (boot.S)
constexpr std::uint64_t kApEl0 = 1 << 6, kApReadOnly = 1 << 7, kInnerShareable = 3 << 8;
constexpr std::uint64_t kAccessFlag = 1 << 10, kNotGlobal = 1 << 11;
constexpr std::uint64_t kPxn = 1ull << 53, kUxn = 1ull << 54;
constexpr std::uint64_t kAddrMask = 0x0000FFFFFFFFF000;
constexpr std::uint64_t kKernelBlock = kBlock | kAttrNormal | kInnerShareable | kAccessFlag | kUxn | kPxn;

std::uint64_t empty_root = 0;

std::uint64_t* table_of(std::uint64_t desc) { return phys_to_virt<std::uint64_t>(desc & kAddrMask); }

// The level-3 entry of va under `root`, creating the tables on the way when `create`;
// null when a level is missing (or a block).
std::uint64_t* leaf(std::uint64_t* root, std::uint64_t va, bool create) {
  std::uint64_t* t = root;
  for (int shift = 39; shift > 12; shift -= 9) {
    std::uint64_t& e = t[(va >> shift) & 511];
    if ((e & 3) != kTable) {
      if (!create || (e & kValid) != 0) return nullptr;
      e = alloc_frame() | kTable;
    }
    t = table_of(e);
  }
  return &t[(va >> 12) & 511];
}

void barrier_tables() { asm volatile("dsb ishst; isb" ::: "memory"); }

}  // namespace

void tlb_flush_all() { asm volatile("dsb ishst; tlbi vmalle1is; dsb ish; isb" ::: "memory"); }

void paging_init(const DeviceTree& dt) {
  // Each gigabyte holding RAM gets a table of 2 MB blocks covering exactly the RAM in it;
  // the tables are built first (through boot.S's blocks, still in place), then each 1 GB
  // block is broken and remade as a table. Nothing of the kernel runs through the direct
  // map meanwhile: the image and its stack are mapped in their own slot.
  std::uint64_t l2[512] = {};   // L1 index -> its new table (physical)
  for (std::uint32_t i = 0; i < dt.memory_count; ++i) {
    const std::uint64_t first = dt.memory[i].base & ~0x1FFFFFull;
    const std::uint64_t last = dt.memory[i].base + dt.memory[i].size;
    for (std::uint64_t pa = first; pa < last; pa += 0x200000) {
      const std::uint64_t gb = (pa >> 30) & 511;
      if (l2[gb] == 0) l2[gb] = alloc_frame();
      phys_to_virt<std::uint64_t>(l2[gb])[(pa >> 21) & 511] = pa | kKernelBlock;
    }
  }
  for (int gb = 0; gb < 512; ++gb) boot_dm_l1[gb] = 0;
  tlb_flush_all();
  for (int gb = 0; gb < 512; ++gb)
    if (l2[gb] != 0) boot_dm_l1[gb] = l2[gb] | kTable;
  tlb_flush_all();
  empty_root = alloc_frame();
  load_space(empty_root, 0);   // boot.S's identity map goes
  tlb_flush_all();
}

void load_empty_space() { load_space(empty_root, 0); }

volatile std::uint32_t* map_device(std::uint64_t pa, std::uint64_t bytes) {
  const std::uint64_t first = pa & ~(kPage - 1);
  for (std::uint64_t p = first; p < pa + bytes; p += kPage) {
    std::uint64_t* e = leaf(boot_l0, kDeviceMap + p, true);
    if (e == nullptr) panic("device window: a block in the way");
    *e = p | kPageDesc | kAttrDevice | kAccessFlag | kUxn | kPxn;
  }
  barrier_tables();
  return reinterpret_cast<volatile std::uint32_t*>(kDeviceMap + pa);
}

std::uint64_t new_space_root() {
  ++probe_generation;   // a frame may be a root again, with other tables
  return alloc_frame();
}

void map_page(std::uint64_t root, std::uint64_t va, std::uint64_t pa, std::uint64_t flags) {
  std::uint64_t* e = leaf(phys_to_virt<std::uint64_t>(root), va, true);
  if (e == nullptr) panic("map_page: a block in the way");
  // EL0 always may read; the kernel never runs a user page (PXN).
  std::uint64_t desc = (pa & kAddrMask) | kPageDesc | kAttrNormal | kInnerShareable |
                       kAccessFlag | kNotGlobal | kApEl0 | kPxn;
  if ((flags & kMapWrite) == 0) desc |= kApReadOnly;
  if ((flags & kMapExec) == 0) desc |= kUxn;
  if ((*e & kValid) != 0) {   // break before make: no TLB may hold both
    *e = 0;
    asm volatile("dsb ishst; tlbi vaae1is, %0; dsb ish" : : "r"((va >> 12) & 0xFFFFFFFFFFF) : "memory");
  }
  *e = desc;
  barrier_tables();
  ++probe_generation;   // the tables changed: no earlier probe's result is reused
}

// A straight walk: four loads, no tables created (the probes' path).
std::uint64_t user_page(std::uint64_t root, std::uint64_t va, bool write) {
  if (va >= kUserTop) return kNoFrame;
  const std::uint64_t e0 = phys_to_virt<const std::uint64_t>(root)[(va >> 39) & 511];
  if ((e0 & 3) != kTable) return kNoFrame;
  const std::uint64_t e1 = table_of(e0)[(va >> 30) & 511];
  if ((e1 & 3) != kTable) return kNoFrame;
  const std::uint64_t e2 = table_of(e1)[(va >> 21) & 511];
  if ((e2 & 3) != kTable) return kNoFrame;
  const std::uint64_t d = table_of(e2)[(va >> 12) & 511];
  const std::uint64_t need = kPageDesc | kApEl0 | (write ? kApReadOnly : 0);
  if ((d & need) != (kPageDesc | kApEl0)) return kNoFrame;   // valid page, EL0, writable if asked
  return d & kAddrMask;
}

bool user_range_ok(std::uint64_t root, std::uint64_t va, std::uint64_t n, bool write) {
  const std::uint64_t last = va + n - 1;
  if (last < va || last >= kUserTop) return false;   // wraps, or not a TTBR0 address
  for (std::uint64_t page = va & ~(kPage - 1); page <= last; page += kPage)
    if (user_page(root, page, write) == kNoFrame) return false;
  return true;
}

std::uint64_t translate(std::uint64_t root, std::uint64_t va) {
  return (*leaf(phys_to_virt<std::uint64_t>(root), va, false) & kAddrMask) | (va & (kPage - 1));
}

}  // namespace eros::arm64
