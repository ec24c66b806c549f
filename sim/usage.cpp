// Bad arguments to the host API: one line on stderr, then abort (sim/usage.hpp).
#include "sim/usage.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "sim/space.hpp"

namespace eros::sim {

void usage_error(std::string_view fn, std::string_view what) {
  // One write, so the line is whole even when other output shares stderr.
  std::string line = "eros: ";
  line.append(fn).append(": ").append(what).append("\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  std::abort();
}

void out_of_range(std::string_view fn, std::string_view arg, std::uint64_t value,
                  std::uint64_t lo, std::uint64_t hi) {
  usage_error(fn, absl::StrFormat("%s %u out of range %u..%u", std::string(arg), value, lo, hi));
}

void bad_domain(std::string_view fn, DomainId d, std::uint32_t count) {
  if (count <= 1) usage_error(fn, absl::StrFormat("domain %u out of range: none spawned yet", d));
  out_of_range(fn, "domain", d, 1, count - 1);
}

void check_page_range(std::string_view fn, const void* addr, std::size_t bytes) {
  const auto a = reinterpret_cast<std::uintptr_t>(addr);
  if (a >= kSpaceTop)
    usage_error(fn, absl::StrFormat("addr %#x out of range 0..%#x", a, kSpaceTop - kPageSize));
  if ((a & (kPageSize - 1)) != 0)
    usage_error(fn, absl::StrFormat("addr %#x not page-aligned (a multiple of %u)", a, kPageSize));
  if (bytes > kSpaceTop - a)
    usage_error(fn, absl::StrFormat("bytes %u out of range 0..%u at addr %#x", bytes,
                                    kSpaceTop - a, a));
}

void check_perm(std::string_view fn, std::uint8_t perm) {
  if (perm > kReadWrite) out_of_range(fn, "perm", perm, kNone, kReadWrite);
}

}  // namespace eros::sim
