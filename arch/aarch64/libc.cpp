// The three functions the compiler may call from freestanding code (struct copies and
// clears), linked into both the kernel and the EL0 image; general registers only, eight
// bytes at a time where the length allows (unaligned accesses are fine on Normal memory,
// which is all these ever touch). The core's own string copies go through the platform.
#include <cstddef>
#include <cstdint>

namespace {
inline std::uint64_t load8(const unsigned char* p) {
  std::uint64_t v;
  __builtin_memcpy(&v, p, 8);   // one ldr: not a call (-fno-tree-loop-distribute-patterns)
  return v;
}
inline void store8(unsigned char* p, std::uint64_t v) { __builtin_memcpy(p, &v, 8); }
}  // namespace

extern "C" {

void* memset(void* d, int c, std::size_t n) {
  auto* p = static_cast<unsigned char*>(d);
  const std::uint64_t v = 0x0101010101010101ull * static_cast<unsigned char>(c);
  for (; n >= 8; n -= 8, p += 8) store8(p, v);
  for (; n > 0; --n) *p++ = static_cast<unsigned char>(c);
  return d;
}

void* memcpy(void* d, const void* s, std::size_t n) {
  auto* dp = static_cast<unsigned char*>(d);
  const auto* sp = static_cast<const unsigned char*>(s);
  for (; n >= 8; n -= 8, dp += 8, sp += 8) store8(dp, load8(sp));
  for (; n > 0; --n) *dp++ = *sp++;
  return d;
}

void* memmove(void* d, const void* s, std::size_t n) {
  auto* dp = static_cast<unsigned char*>(d);
  const auto* sp = static_cast<const unsigned char*>(s);
  if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
  for (; n >= 8; n -= 8) store8(dp + n - 8, load8(sp + n - 8));   // from the end
  for (; n > 0; --n) dp[n - 1] = sp[n - 1];
  return d;
}

}  // extern "C"
