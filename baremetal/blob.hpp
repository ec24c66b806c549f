// The contract between the kernel and the ring-3 image, on every machine: where the image
// is mapped, the header at its first byte, and the exit trap.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scenarios/scenarios.hpp"

namespace eros::baremetal {

inline constexpr std::uint64_t kUserImageBase = 0x400000;   // each machine's user/user.ld
inline constexpr std::uint64_t kBlobMagic = 0x45524f5355534552;   // "EROSUSER"
// The trap's operation word for "the program returned": past every Op (0..2), so the
// runtime's last trap halts the domain.
inline constexpr std::uint64_t kTrapHalt = 3;

struct BlobHeader {
  std::uint64_t magic;
  const scenarios::Registry* registry;   // user addresses
  void (*start)(scenarios::Program, std::byte*, std::uint64_t);
};

}  // namespace eros::baremetal
