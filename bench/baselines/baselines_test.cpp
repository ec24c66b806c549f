// Behaviour of the baselines: every transport and mode runs, gives sane numbers, and
// the bytes arrive intact (and a corrupted byte is caught). No timing thresholds.
#include <catch2/catch.hpp>

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "bench/baselines/baselines.hpp"

using namespace eros::bench::baselines;

namespace {

std::vector<int> allowed() {
  cpu_set_t s;
  CPU_ZERO(&s);
  std::vector<int> v;
  sched_getaffinity(0, sizeof s, &s);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &s)) v.push_back(c);
  return v;
}

PointConfig tiny(Transport t, Mode m, Placement p, std::size_t n) {
  const auto cpus = allowed();
  PointConfig c;
  c.transport = t;
  c.mode = m;
  c.placement = p;
  c.payload = n;
  c.cpu_a = cpus.at(0);
  c.cpu_b = cpus.size() > 1 ? cpus[1] : cpus[0];
  c.stream_buffers = 64;
  c.stream_round_bytes = std::size_t(1) << 20;  // 64 KB payloads: 16 buffers a round
  c.stream_warmup_rounds = 1;
  c.stream_min_rounds = 2;
  c.stream_max_rounds = 2;
  c.rr_warmup = 5;
  c.rr_min_samples = 20;
  c.rr_max_samples = 20;
  c.budget_s = 0;
  c.watchdog_s = 30;
  c.verify_all = true;
  return c;
}

void check_sane(const PointResult& r) {
  INFO(name(r.config.transport) << " " << name(r.config.mode) << " "
       << name(r.config.placement) << " " << r.config.payload << " B: " << r.error);
  REQUIRE(r.ok);
  CHECK(r.error.empty());
  CHECK(r.verified);
  CHECK(r.bytes_checked > 0);
  CHECK(r.samples > 0);
  CHECK(r.ticks.n == r.samples);
  CHECK(r.ticks.median > 0);
  CHECK(r.ns.median > 0);
  CHECK(r.mb_s.median > 0);
  CHECK(std::isfinite(r.mb_s.median));
  CHECK(r.ticks.min <= r.ticks.median);
  CHECK(r.ticks.median <= r.ticks.max);
  CHECK(r.ticks.p5 <= r.ticks.p95);
  CHECK(r.loss >= 0);
  CHECK(r.loss < 1);
  if (r.config.mode != Mode::stream) {
    // Every round trip carried n bytes: checked n bytes per sample (and warm-up).
    CHECK(r.bytes_checked == (r.config.rr_warmup + r.samples) * r.effective_bytes);
    // MB/s is n / round trip, sample by sample: the fastest round trip gives the highest
    // rate and the slowest the lowest. (Not the medians: with an even count the median
    // averages two samples, and the median of a reciprocal is not the reciprocal of it.)
    const double n = double(r.effective_bytes);
    CHECK(r.mb_s.max == Approx(n / r.ns.min * 1e3).epsilon(1e-9));
    CHECK(r.mb_s.min == Approx(n / r.ns.max * 1e3).epsilon(1e-9));
  } else if (r.config.transport != Transport::udp) {
    // Streams lose nothing: all rounds' bytes checked.
    CHECK(r.bytes_checked == std::uint64_t(r.buffers_per_round) * r.effective_bytes *
                                 std::uint64_t(r.config.stream_warmup_rounds + r.samples));
    CHECK(r.loss == 0);
  }
}

}  // namespace

TEST_CASE("every transport and mode measures on one core, bytes intact", "[baselines]") {
  for (Transport t : kTransports)
    for (Mode m : kModes)
      for (std::size_t n : {std::size_t(16), std::size_t(4096), std::size_t(65536)}) {
        PointResult r = run_point(tiny(t, m, Placement::one_core, n));
        check_sane(r);
        if (t == Transport::udp && n == 65536) {
          CHECK(r.effective_bytes == kMaxUdpPayload);
          CHECK(r.note.find("65,507") != std::string::npos);
        } else {
          CHECK(r.effective_bytes == n);
          CHECK(r.note.empty());
        }
      }
}

TEST_CASE("every transport and mode measures across two cores", "[baselines]") {
  if (allowed().size() < 2) {
    WARN("one CPU only: two-core placement not tested");
    return;
  }
  for (Transport t : kTransports)
    for (Mode m : kModes) check_sane(run_point(tiny(t, m, Placement::two_cores, 1024)));
}

TEST_CASE("a corrupted byte from the peer is caught", "[baselines]") {
  for (Transport t : kTransports)
    for (Mode m : kModes) {
      PointConfig c = tiny(t, m, Placement::one_core, 256);
      c.corrupt_for_test = true;
      PointResult r = run_point(c);
      INFO(name(t) << " " << name(m) << ": " << r.error);
      CHECK_FALSE(r.verified);
    }
}

TEST_CASE("run_point restores affinity and rejects impossible set-ups", "[baselines]") {
  cpu_set_t before, after;
  sched_getaffinity(0, sizeof before, &before);
  PointResult r = run_point(tiny(Transport::pipe, Mode::rr_small, Placement::one_core, 64));
  sched_getaffinity(0, sizeof after, &after);
  CHECK(CPU_EQUAL(&before, &after));
  CHECK(r.ok);

  PointConfig bad = tiny(Transport::pipe, Mode::rr_small, Placement::two_cores, 64);
  bad.cpu_b = bad.cpu_a;
  CHECK_FALSE(run_point(bad).ok);
  PointConfig small = tiny(Transport::tcp, Mode::stream, Placement::one_core, 8);
  CHECK_FALSE(run_point(small).ok);
}

TEST_CASE("csv and json rows have the header's shape", "[baselines]") {
  PointResult r = run_point(tiny(Transport::udp, Mode::stream, Placement::one_core, 65536));
  const std::string h = csv_header(), row = csv_row(r);
  // The note holds commas inside quotes; count fields outside quotes.
  auto fields = [](const std::string& s) {
    int n = 1;
    bool q = false;
    for (char c : s) {
      if (c == '"') q = !q;
      else if (c == ',' && !q) ++n;
    }
    return n;
  };
  CHECK(fields(row) == fields(h));
  const std::string j = json_row(r);
  CHECK(j.front() == '{');
  CHECK(j.back() == '}');
  CHECK(j.find("\"effective_bytes\":65507") != std::string::npos);
  CHECK(j.find("\"mb_s\":{\"n\":") != std::string::npos);
}
