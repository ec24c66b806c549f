// Where a domain's memory is, the same on every machine (all below 2^47: inside x86_64's
// and aarch64's user halves), and the sizes of the kernel's tables.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eros::baremetal {

inline constexpr std::uint64_t kPage = 4096;
inline constexpr std::uint64_t kUserDataBase = 0x10000000;         // + id * kUserDataStride
inline constexpr std::uint64_t kUserDataStride = 0x1000000;
inline constexpr std::uint64_t kUserStackTop = 0x00007FFF00000000; // - id * kUserStackStride
inline constexpr std::uint64_t kUserStackStride = 0x100000;
inline constexpr std::uint64_t kUserStackPages = 4;                // a guard page below

inline constexpr std::uint32_t kMaxDomains = 16;
inline constexpr std::uint32_t kMaxSpaces = 16;

}  // namespace eros::baremetal
