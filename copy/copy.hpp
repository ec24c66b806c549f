// The block-move family; the IPC path uses hybrid().
#pragma once
#include <cstddef>

namespace eros::copy {
void hybrid(void* dst, const void* src, std::size_t n) noexcept;
void move(void* dst, const void* src, std::size_t n) noexcept;
}  // namespace eros::copy
