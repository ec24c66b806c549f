#include "copy/copy.hpp"
namespace eros::copy {
void hybrid(void* dst, const void* src, std::size_t n) noexcept {
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
void move(void* dst, const void* src, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) { hybrid(d, s, n); return; }
  while (n--) d[n] = s[n];
}
}  // namespace eros::copy
