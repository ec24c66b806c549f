// Behaviour of the measurement method: statistics are right, the timer moves forward
// and counts time, the environment block is well-formed. No timing thresholds.
#include <catch2/catch.hpp>

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "bench/method/method.hpp"

using namespace eros::bench;

TEST_CASE("summarize of nothing is all zero", "[method][stats]") {
  Stats s = summarize({});
  CHECK(s.n == 0);
  CHECK(s.mean == 0);
  CHECK(s.median == 0);
  CHECK(s.stddev == 0);
}

TEST_CASE("summarize of one sample", "[method][stats]") {
  Stats s = summarize({42.0});
  CHECK(s.n == 1);
  CHECK(s.mean == 42.0);
  CHECK(s.median == 42.0);
  CHECK(s.p5 == 42.0);
  CHECK(s.p95 == 42.0);
  CHECK(s.min == 42.0);
  CHECK(s.max == 42.0);
  CHECK(s.stddev == 0.0);
}

TEST_CASE("summarize of 1..100 in any order", "[method][stats]") {
  std::vector<double> v(100);
  std::iota(v.begin(), v.end(), 1.0);
  std::reverse(v.begin(), v.end());
  std::rotate(v.begin(), v.begin() + 37, v.end());
  Stats s = summarize(v);
  CHECK(s.n == 100);
  CHECK(s.mean == Approx(50.5));
  CHECK(s.median == Approx(50.5));
  CHECK(s.min == 1.0);
  CHECK(s.max == 100.0);
  // Linear interpolation between closest ranks (numpy default): 1 + 99 * p.
  CHECK(s.p5 == Approx(5.95));
  CHECK(s.p95 == Approx(95.05));
  // Sample standard deviation of 1..100: sqrt(100 * 101 / 12).
  CHECK(s.stddev == Approx(std::sqrt(100.0 * 101.0 / 12.0)));
}

TEST_CASE("summarize: odd count median, known stddev, outlier robustness", "[method][stats]") {
  Stats s = summarize({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(s.mean == Approx(5.0));
  CHECK(s.median == Approx(4.5));
  CHECK(s.stddev == Approx(std::sqrt(32.0 / 7.0)));

  Stats o = summarize({10, 11, 12, 13, 1e9});
  CHECK(o.median == 12);
  CHECK(o.max == 1e9);
  CHECK(o.mean > 1e8);
}

TEST_CASE("summarize is stable for large offsets", "[method][stats]") {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(1e12 + (i % 2));
  Stats s = summarize(v);
  CHECK(s.mean == Approx(1e12 + 0.5));
  CHECK(s.stddev == Approx(0.50025).epsilon(1e-3));
}

TEST_CASE("timer ticks move forward", "[method][timer]") {
  std::uint64_t prev = ticks_begin();
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t b = ticks_begin();
    const std::uint64_t e = ticks_end();
    CHECK(b >= prev);
    CHECK(e >= b);
    prev = e;
  }
}

TEST_CASE("timer: the frequency is known, cached, and converts exactly", "[method][timer]") {
  // How closely ticks agree with the clock is a measurement (env.json records the TSC
  // frequency and its source), not a test: here only what holds on any machine.
  const double ghz = tsc_ghz();
  REQUIRE(ghz > 0);
  REQUIRE_FALSE(tsc_source().empty());
  CHECK(tsc_ghz() == ghz);  // cached
  CHECK(ticks_to_ns(ghz * 1e9) == Approx(1e9).epsilon(1e-12));
  CHECK(ticks_to_ns(0) == 0);
  // The counter is invariant: it moves while the thread sleeps.
  const std::uint64_t t0 = ticks_begin();
  timespec req{0, 1'000'000};
  nanosleep(&req, nullptr);
  CHECK(ticks_end() > t0);
}

TEST_CASE("timer overhead is measured once and cached", "[method][timer]") {
  const std::uint64_t o = timer_overhead_ticks();
  CHECK(o == timer_overhead_ticks());
  CHECK(o == timer_overhead_ticks());
}

TEST_CASE("pin_to_cpu pins and refuses impossible CPUs", "[method][pin]") {
  cpu_set_t before;
  REQUIRE(sched_getaffinity(0, sizeof before, &before) == 0);
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &before)) {
      first = c;
      break;
    }
  REQUIRE(first >= 0);
  REQUIRE(pin_to_cpu(first));
  cpu_set_t now;
  REQUIRE(sched_getaffinity(0, sizeof now, &now) == 0);
  CHECK(CPU_COUNT(&now) == 1);
  CHECK(CPU_ISSET(first, &now));
  CHECK(sched_getcpu() == first);
  CHECK_FALSE(pin_to_cpu(-1));
  CHECK_FALSE(pin_to_cpu(CPU_SETSIZE + 5));
  sched_setaffinity(0, sizeof before, &before);
}

TEST_CASE("environment_json names what a result needs", "[method][env]") {
  const std::string j = environment_json();
  REQUIRE(j.front() == '{');
  REQUIRE(j.back() == '}');
  for (const char* key : {"\"cpu\"", "\"model\"", "\"flags\"", "\"erms\"", "\"fsrm\"",
                          "\"avx2\"", "\"avx512f\"", "\"pcid\"", "\"invpcid\"",
                          "\"constant_tsc\"", "\"nonstop_tsc\"", "\"caches\"", "\"kernel\"",
                          "\"virtualisation\"", "\"compiler\"", "\"build_flags\"",
                          "\"git_commit\"", "\"date\"", "\"tsc_ghz\"", "\"tsc_source\"",
                          "\"timer_overhead_ticks\"", "\"cpus_online\""})
    CHECK(j.find(key) != std::string::npos);
  // Balanced braces and brackets outside strings, no raw control characters.
  int depth = 0;
  bool in_str = false, esc = false;
  for (char c : j) {
    CHECK(static_cast<unsigned char>(c) >= 0x20);
    if (in_str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') --depth;
    CHECK(depth >= 0);
  }
  CHECK(depth == 0);
  CHECK_FALSE(in_str);
}

TEST_CASE("json helpers", "[method][json]") {
  CHECK(json_escape("a\"b\\c\n\x01") == "a\\\"b\\\\c\\n\\u0001");
  const std::string s = stats_json(summarize({1, 2, 3}));
  CHECK(s.find("\"n\":3") != std::string::npos);
  CHECK(s.find("\"median\":2") != std::string::npos);
}
