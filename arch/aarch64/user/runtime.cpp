// The EL0 runtime: the start routine every domain enters through, the exit trap, and the
// header the kernel reads to find the scenario registry. Linked with the scenario programs
// and arch/aarch64/libc.cpp into one flat image at 4 MB.
#include <cstddef>
#include <cstdint>

#include "baremetal/blob.hpp"
#include "eros/user.hpp"
#include "scenarios/scenarios.hpp"

extern "C" {

// The kernel enters here (eret) with the program, its data area and its parameter in
// x0..x2. When the program returns, the domain halts (the exit trap): every key to it
// becomes void.
[[noreturn]] void eros_user_start(eros::scenarios::Program program, std::byte* data,
                                  std::uint64_t param) {
  program(data, param);
  register std::uint64_t x8 asm("x8") = eros::baremetal::kTrapHalt;
  asm volatile("svc #0" : : "r"(x8) : "memory");
  for (;;) asm volatile("yield");
}

[[gnu::section(".blob_header"), gnu::used]] const eros::baremetal::BlobHeader eros_blob_header = {
    eros::baremetal::kBlobMagic, &eros::scenarios::registry, &eros_user_start};

}  // extern "C"
