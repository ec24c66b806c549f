// The contract between the kernel and the ring-3 image: where it is mapped, and the header
// at its first byte.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scenarios/scenarios.hpp"

namespace eros::x86 {

inline constexpr std::uint64_t kUserImageBase = 0x400000;   // user.ld
inline constexpr std::uint64_t kBlobMagic = 0x45524f5355534552;   // "EROSUSER"
inline constexpr std::uint64_t kTrapHalt = 3;   // rax for the exit trap (0..2 are Op)

struct BlobHeader {
  std::uint64_t magic;
  const scenarios::Registry* registry;   // user addresses
  void (*start)(scenarios::Program, std::byte*, std::uint64_t);
};

}  // namespace eros::x86
