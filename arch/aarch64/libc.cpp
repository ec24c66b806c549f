// The three functions the compiler may call from freestanding code (struct copies and
// clears); the core's own string copies go through copy/.
#include <cstddef>

extern "C" {

void* memset(void* d, int c, std::size_t n) {
  auto* p = static_cast<volatile unsigned char*>(d);   // volatile: not turned into memset
  while (n-- > 0) *p++ = static_cast<unsigned char>(c);
  return d;
}

void* memcpy(void* d, const void* s, std::size_t n) {
  auto* dp = static_cast<volatile unsigned char*>(d);
  const auto* sp = static_cast<const unsigned char*>(s);
  while (n-- > 0) *dp++ = *sp++;
  return d;
}

void* memmove(void* d, const void* s, std::size_t n) {
  auto* dp = static_cast<volatile unsigned char*>(d);
  const auto* sp = static_cast<const unsigned char*>(s);
  if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
  dp += n;
  sp += n;
  while (n-- > 0) *--dp = *--sp;
  return d;
}

}  // extern "C"
