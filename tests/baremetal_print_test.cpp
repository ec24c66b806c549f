// The bare-metal kernel's freestanding print and benchmark reports (baremetal/), tested
// hosted: each argument type, a missing argument, and the exact raw sample lines that
// tools/bench_stats.py reads.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "baremetal/print.hpp"
#include "baremetal/report.hpp"

using namespace eros::baremetal;

namespace {
std::string out;
void sink(char c) { out += c; }

template <class... A>
std::string printed(const char* fmt, const A&... a) {
  out.clear();
  print(&sink, fmt, a...);
  return out;
}

std::uint64_t name_word(const char* s) {
  std::uint64_t w = 0;
  for (int i = 0; i < 8 && s[i] != '\0'; ++i) w |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
  return w;
}

constexpr std::uint64_t kMagic = 0x5345524945530001;   // any marker: the caller passes it

std::string report(const char* name, const std::vector<std::uint64_t>& w) {
  out.clear();
  report_bench(&sink, name, "what it does", w.empty() ? nullptr : w.data(), w.size(), kMagic);
  return out;
}
}  // namespace

TEST_CASE("print: each {} takes the next argument by its type", "[print]") {
  CHECK(printed("plain") == "plain");
  CHECK(printed("{} and {}", "text", 'c') == "text and c");
  CHECK(printed("{} {} {}", std::uint64_t{18446744073709551615u}, 0u, std::uint8_t{7}) ==
        "18446744073709551615 0 7");
  CHECK(printed("{} {}", -5, std::int64_t{-9223372036854775807 - 1}) == "-5 -9223372036854775808");
  CHECK(printed("{} {}", hex(0), hex(0xdeadbeef)) == "0x0 0xdeadbeef");
  CHECK(printed("{}", true) == "true");
  CHECK(printed("a {} b {}", 1u) == "a 1 b {?}");   // a missing argument shows
  CHECK(printed("{", 1u) == "{");
}

TEST_CASE("report: a round trip is its kind's samples and the timer pairs, raw", "[print]") {
  // n = 4 samples, then 4 timer pairs: printed in their order, not sorted
  CHECK(report("bench-intra", {4, 13, 10, 12, 11, 2, 3, 2, 2}) ==
        "bench bench-intra: what it does\n"
        "  samples round-trip bytes 0 n 4: 13 10 12 11\n"
        "  samples timer bytes 0 n 4: 2 3 2 2\n");
  CHECK(report("bench-number", {1, 7, 1}) ==
        "bench bench-number: what it does\n"
        "  samples system-call bytes 0 n 1: 7\n"
        "  samples timer bytes 0 n 1: 1\n");
  CHECK(report("bench-first-write", {1, 9, 1}) ==
        "bench bench-first-write: what it does\n"
        "  samples first-write bytes 0 n 1: 9\n"
        "  samples timer bytes 0 n 1: 1\n");
  CHECK(report("bench-n", {1, 18446744073709551615u, 0}) ==   // only the exact names
        "bench bench-n: what it does\n"
        "  samples round-trip bytes 0 n 1: 18446744073709551615\n"
        "  samples timer bytes 0 n 1: 0\n");
  CHECK(report("bench-x", {}) == "bench bench-x: no data\n");
  CHECK(report("bench-x", {0}) == "bench bench-x: no samples\n");
  CHECK(report("bench-x", {3, 1, 2}) == "bench bench-x: no samples\n");   // past the area
  std::vector<std::uint64_t> big(1 + 2 * (kMaxPlain + 1), 1);
  big[0] = kMaxPlain + 1;
  CHECK(report("bench-x", big) == "bench bench-x: no samples\n");   // a garbage count
}

TEST_CASE("report: named series, each as it is", "[print]") {
  const std::vector<std::uint64_t> w = {kMagic, 2,
                                        name_word("copy"), 4096, 3, 50, 40, 45,
                                        name_word("timer"), 0, 2, 5, 5};
  CHECK(report("bench-s", w) ==
        "bench bench-s: what it does\n"
        "  samples copy bytes 4096 n 3: 50 40 45\n"
        "  samples timer bytes 0 n 2: 5 5\n");
  CHECK(report("bench-s", {kMagic, 1, name_word("copy"), 0, 9, 1}) ==
        "bench bench-s: what it does\n  series: malformed\n");
  // The second series is malformed: not even the first one's samples are printed.
  CHECK(report("bench-s", {kMagic, 2, name_word("copy"), 0, 1, 7, name_word("timer"), 0, 0}) ==
        "bench bench-s: what it does\n  series: malformed\n");
  CHECK(report("bench-s", {kMagic, 1, name_word("eightchr"), 8, 1, 3}) ==
        "bench bench-s: what it does\n  samples eightchr bytes 8 n 1: 3\n");
}
