// COM1: the kernel's serial console (every character also goes to the screen), and
// the way out of QEMU.
#include "arch/x86_64/baremetal.hpp"
#include "arch/x86_64/console.hpp"

namespace eros::x86 {

namespace {
constexpr std::uint16_t kCom1 = 0x3F8;
}

void serial_init() {
  outb(kCom1 + 1, 0x00);   // no interrupts
  outb(kCom1 + 3, 0x80);   // DLAB
  outb(kCom1 + 0, 0x01);   // 115200 baud
  outb(kCom1 + 1, 0x00);
  outb(kCom1 + 3, 0x03);   // 8N1
  outb(kCom1 + 2, 0xC7);   // FIFO
  outb(kCom1 + 4, 0x03);
}

void put(char c) {
  screen_put(c);
  if (c == '\n') {
    while ((inb(kCom1 + 5) & 0x20) == 0) {
    }
    outb(kCom1, '\r');
  }
  while ((inb(kCom1 + 5) & 0x20) == 0) {
  }
  outb(kCom1, static_cast<std::uint8_t>(c));
}
void put(const char* s) {
  while (*s != 0) put(*s++);
}

void exit_qemu(ExitCode code) {
  outb(0xF4, static_cast<std::uint8_t>(code));
  for (;;) asm volatile("cli; hlt");
}

}  // namespace eros::x86
