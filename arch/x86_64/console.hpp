// The screen half of the console (COM1 is the other): VGA text or the loader's framebuffer.
#pragma once
#include <cstdint>

#include "arch/x86_64/loader.hpp"

namespace eros::x86 {

// Finds the screen the loader left (VGA text at 0xB8000 under QEMU's -kernel, or the
// Multiboot 2 framebuffer tag: EGA text or 24/32-bit pixels), maps a pixel framebuffer
// into the kernel half, clears it and shows what was written before. Needs the frame
// allocator (it may map pages); call it before the first domain's space is made. False
// when there is no screen it can use: then only COM1 shows the output.
bool screen_init(const BootInfo& boot);

// One character to the screen (kept until screen_init when there is none yet).
void screen_put(char c);

const char* screen_mode_name();   // "VGA text", "framebuffer" or "none"
std::uint32_t screen_cols();
std::uint32_t screen_rows();

}  // namespace eros::x86
