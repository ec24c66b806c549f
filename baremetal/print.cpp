// The freestanding formatted print (see print.hpp).
#include "baremetal/print.hpp"

namespace eros::baremetal {
namespace {

void text(PutChar put, const char* s) {
  while (*s != '\0') put(*s++);
}

void digits(PutChar put, std::uint64_t v, unsigned base) {
  char d[20];
  int k = 0;
  do {
    const unsigned x = static_cast<unsigned>(v % base);
    d[k++] = static_cast<char>(x < 10 ? '0' + x : 'a' + x - 10);
    v /= base;
  } while (v != 0);
  while (k > 0) put(d[--k]);
}

void one(PutChar put, const Arg& a) {
  switch (a.kind) {
    case Arg::Kind::Text: text(put, a.s != nullptr ? a.s : "(null)"); break;
    case Arg::Kind::Char: put(static_cast<char>(a.v)); break;
    case Arg::Kind::Unsigned: digits(put, a.v, 10); break;
    case Arg::Kind::Signed: {
      const auto v = static_cast<std::int64_t>(a.v);
      if (v < 0) put('-');
      // -v overflows for the least value: negate in unsigned arithmetic instead.
      digits(put, v < 0 ? ~a.v + 1 : a.v, 10);
      break;
    }
    case Arg::Kind::Hex: text(put, "0x"); digits(put, a.v, 16); break;
  }
}

}  // namespace

void vprint(PutChar put, const char* fmt, const Arg* args, std::uint32_t n) {
  std::uint32_t next = 0;
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (p[0] == '{' && p[1] == '}') {
      if (next < n) {
        one(put, args[next++]);
      } else {
        text(put, "{?}");
      }
      ++p;
      continue;
    }
    put(*p);
  }
}

}  // namespace eros::baremetal
