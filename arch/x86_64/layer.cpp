// What x86_64 gives the machine-independent bare-metal layer (baremetal/machine.hpp).
#include "arch/x86_64/baremetal.hpp"
#include "baremetal/blob.hpp"

extern "C" {
extern std::uint8_t __user_blob_start[], __user_blob_end[];
}

namespace eros::baremetal::machine {

void put(char c) { x86::put(c); }

void begin_scenario() { x86::tlb_flush_all(); }

std::uint64_t new_space(std::uint32_t index) {
  using namespace x86;
  const std::uint64_t root = new_space_root();
  const std::uint64_t bytes = __user_blob_end - __user_blob_start;
  const std::uint64_t pa = kernel_virt_to_phys(__user_blob_start);
  for (std::uint64_t off = 0; off < bytes; off += kPage)
    map_page(root, kUserImageBase + off, pa + off, kPresent | kUser);   // read-only
  space_roots[index] = root;
  return root;
}

void map_user(std::uint64_t root, std::uint64_t va, std::uint64_t pa, bool writable) {
  using namespace x86;
  map_page(root, va, pa, writable ? kPresent | kWritable | kUser : kPresent | kUser);
}

void prepare_domain(DomainId d, std::uint64_t root, std::uint64_t entry, std::uint64_t user_sp,
                    std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  x86::prepare_domain(d, root, entry, user_sp, a0, a1, a2);
}

void run_domains() {
  x86::vector_reset();
  x86::run_scheduler();
}

VectorCounters vector_counters() { return {x86::vector_saves, x86::vector_restores}; }

}  // namespace eros::baremetal::machine
