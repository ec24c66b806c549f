// Scenario programs that keep their own state in the vector registers (XMM0-15, MXCSR)
// across invocations and check that no other domain ever sees it. In a translation unit
// of their own: on bare metal it is compiled with SSE, the other programs with general
// registers only (docs/baremetal.md, "Vector state").
#pragma once
#include <cstddef>
#include <cstdint>

namespace eros::scenarios {

void vector_server(std::byte* data, std::uint64_t param);
void vector_client(std::byte* data, std::uint64_t param);
void vector_snooper(std::byte* data, std::uint64_t param);
// The same with the full YMM0-15 where the CPU has AVX (vector-avx): no domain sees
// another's upper halves.
void avx_server(std::byte* data, std::uint64_t param);
void avx_client(std::byte* data, std::uint64_t param);
void avx_snooper(std::byte* data, std::uint64_t param);

// STREAM's four kernels in a ring-3 domain (scenarios/stream.hpp): arrays of
// kStreamElements doubles (kStreamQuickElements with kQuickParam) after the first page of
// its data area; a number key in register kStreamNumber.
inline constexpr std::uint64_t kStreamElements = 512 * 1024;
inline constexpr std::uint64_t kStreamQuickElements = 64 * 1024;
inline constexpr std::uint32_t kStreamPages = 1 + 3 * kStreamElements * 8 / 4096;
inline constexpr std::uint8_t kStreamNumber = 6;
void bench_stream(std::byte* data, std::uint64_t param);

}  // namespace eros::scenarios
