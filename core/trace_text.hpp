// One line of text per trace record, the same bytes on every platform (freestanding).
#pragma once
#include <cstdint>

#include "core/trace.hpp"

namespace eros {

inline constexpr std::uint32_t kEventTextMax = 160;   // the longest line, with room to spare

// Writes the line for `e` (no newline, NUL-terminated) into `out`; returns its length.
inline std::uint32_t event_text(const Event& e, char (&out)[kEventTextMax]) {
  std::uint32_t n = 0;
  auto put = [&](const char* s) {
    while (*s != '\0' && n + 1 < kEventTextMax) out[n++] = *s++;
  };
  auto dec = [&](std::uint64_t v) {
    char digits[20];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (k > 0 && n + 1 < kEventTextMax) out[n++] = digits[--k];
  };
  dec(e.step);
  switch (e.kind) {
    case EventKind::Halt:
      put(" Halt d");
      dec(e.invoker);
      break;
    case EventKind::Restart:
      put(" Restart d");
      dec(e.invoker);
      put(" (d");
      dec(e.target);
      put(" ");
      put(name(static_cast<RestartCause>(e.op)));
      put(")");
      break;
    case EventKind::Stall:
      put(" Stall d");
      dec(e.invoker);
      put(" on d");
      dec(e.target);
      put(" (");
      put(name(static_cast<Op>(e.op)));
      put(" ");
      put(name(e.key));
      put("(k");
      dec(e.key_register);
      put("))");
      break;
    case EventKind::Fault:   // the keeper slot shows as register kKeeperSlot
      put(" Fault d");
      dec(e.invoker);
      put(" ");
      put(name(static_cast<FaultKind>(e.op)));
      put(" keeper ");
      put(name(e.key));
      put("(k");
      dec(e.key_register);
      put(") -> ");
      dec(e.target);
      put(" badge=");
      dec(e.badge);
      put(" ");
      put(name(e.status));
      break;
    default:
      put(" ");
      put(name(e.kind));
      put(" d");
      dec(e.invoker);
      put(" ");
      put(name(e.key));
      put("(k");
      dec(e.key_register);
      put(") -> ");
      dec(e.target);
      put(" badge=");
      dec(e.badge);
      put(" sent=");
      dec(e.sent);
      put(" landed=");
      dec(e.landed);
      put(" ");
      put(name(e.status));
      break;
  }
  out[n] = '\0';
  return n;
}

}  // namespace eros
