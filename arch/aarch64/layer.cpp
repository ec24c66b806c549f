// What arm64 gives the machine-independent bare-metal layer (baremetal/machine.hpp).
#include "arch/aarch64/domains.hpp"
#include "baremetal/blob.hpp"

extern "C" {
extern std::uint8_t __user_blob_start[], __user_blob_end[];
}

namespace eros::baremetal::machine {

void put(char c) { arm64::put_char(c); }

void begin_scenario() { arm64::tlb_flush_all(); }   // its frames and ASIDs are the last one's

std::uint64_t new_space(std::uint32_t index) {
  using namespace arm64;
  const std::uint64_t root = new_space_root();
  const std::uint64_t bytes = __user_blob_end - __user_blob_start;
  const std::uint64_t pa = kernel_virt_to_phys(__user_blob_start);
  for (std::uint64_t off = 0; off < bytes; off += kPage)
    map_page(root, kUserImageBase + off, pa + off, kMapExec);   // read-only
  space_roots[index] = root;
  return root;
}

void map_user(std::uint64_t root, std::uint64_t va, std::uint64_t pa, bool writable) {
  arm64::map_page(root, va, pa, writable ? arm64::kMapWrite : 0);
}

void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_sp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  std::uint16_t asid = 0;
  for (std::uint32_t sp = 0; sp < kMaxSpaces; ++sp)
    if (arm64::space_roots[sp] == root) asid = static_cast<std::uint16_t>(sp + 1);
  arm64::prepare_domain(d, root, asid, entry, user_sp, a0, a1, a2);
}

void run_domains() {
  arm64::fp_reset();
  arm64::run_scheduler();
}

VectorCounters vector_counters() { return {arm64::fp_saves, arm64::fp_restores}; }

}  // namespace eros::baremetal::machine
