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

}  // namespace eros::scenarios
