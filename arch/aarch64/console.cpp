// The PL011 console: transmit only, polled. The firmware or QEMU has set the line up, so
// only the data and flag registers are touched.
#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {
namespace {
volatile std::uint32_t* uart = nullptr;
constexpr std::uint32_t kData = 0x00 / 4, kFlags = 0x18 / 4, kTxFull = 1u << 5;

void raw(char c) {
  while ((uart[kFlags] & kTxFull) != 0) {
  }
  uart[kData] = static_cast<unsigned char>(c);
}
}  // namespace

void console_init(std::uint64_t pl011_pa) { uart = map_device(pl011_pa, kPage); }

void put_char(char c) {
  if (uart == nullptr) return;
  if (c == '\n') raw('\r');
  raw(c);
}
void put(const char* s) {
  while (*s != 0) put_char(*s++);
}

}  // namespace eros::arm64
