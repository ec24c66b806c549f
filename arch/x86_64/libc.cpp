// The three functions the compiler may call from freestanding code (struct copies and
// clears), linked into both the kernel and the ring-3 image; the core's own string
// copies go through copy/.
#include <cstddef>

extern "C" {

void* memset(void* d, int c, std::size_t n) {
  void* r = d;
  asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return r;
}

void* memcpy(void* d, const void* s, std::size_t n) {
  void* r = d;
  asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return r;
}

void* memmove(void* d, const void* s, std::size_t n) {
  auto* dp = static_cast<unsigned char*>(d);
  auto* sp = static_cast<const unsigned char*>(s);
  if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
  dp += n;
  sp += n;
  while (n-- > 0) *--dp = *--sp;
  return d;
}

}  // extern "C"
