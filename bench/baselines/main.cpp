// eros-baselines: Linux pipe / UDP / TCP / TCP_NODELAY baselines for Table 1 and
// Figure 6, streaming (as ttcp) and request/reply, on one core and on two.
//
//   eros-baselines [--quick] [--out DIR] [--only pipe,udp,tcp,tcp_nodelay]
//                  [--placements one_core,two_cores] [--payloads 16,4096,...] [--cpus A,B]
//
// Writes DIR/baselines.csv and DIR/baselines.json; progress on stderr; a summary on stdout.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "bench/method/cli.hpp"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/baselines/baselines.hpp"
#include "bench/method/method.hpp"

ABSL_FLAG(bool, quick, false, "short run (< 20 s): fewer samples per point");
ABSL_FLAG(std::string, out, "results", "directory for baselines.csv and baselines.json");
ABSL_FLAG(std::string, only, "pipe,udp,tcp,tcp_nodelay", "transports to measure");
ABSL_FLAG(std::string, placements, "one_core,two_cores", "one_core, two_cores or both");
ABSL_FLAG(std::string, payloads, "", "payload sizes in bytes (default: Table 1's plus 65536)");
ABSL_FLAG(std::string, cpus, "", "the two CPUs to use, A,B (default: the first two allowed)");
ABSL_FLAG(int, corrupt_for_test, 0,
          "tests of the checks only: at every point of payload N the peer corrupts one byte of "
          "what it sends (0: off), so those points must fail their verification");

namespace bl = eros::bench::baselines;
using eros::bench::json_escape;

namespace {

// Table 1 of the paper (MB/s, Pentium 120 MHz, Linux 1.3.x, ttcp; pipe via a modified ttcp).
const std::map<std::size_t, std::map<std::string, double>> kPaper = {
    {16, {{"eros", 2.32}, {"pipe", 0.58}, {"udp", 0.221}, {"tcp", 0.511}, {"tcp_nodelay", 0.013}}},
    {32, {{"eros", 4.64}, {"pipe", 1.32}, {"udp", 0.359}, {"tcp", 1.38}, {"tcp_nodelay", 0.025}}},
    {64, {{"eros", 8.65}, {"pipe", 3.10}, {"udp", 0.682}, {"tcp", 2.15}, {"tcp_nodelay", 0.05}}},
    {128, {{"eros", 16.20}, {"pipe", 4.65}, {"udp", 1.376}, {"tcp", 3.33}, {"tcp_nodelay", 0.10}}},
    {256, {{"eros", 25.86}, {"pipe", 6.77}, {"udp", 2.62}, {"tcp", 5.11}, {"tcp_nodelay", 0.20}}},
    {512, {{"eros", 39.69}, {"pipe", 12.38}, {"udp", 4.86}, {"tcp", 7.90}, {"tcp_nodelay", 0.68}}},
    {1024, {{"eros", 54.18}, {"pipe", 18.16}, {"udp", 8.81}, {"tcp", 9.54}, {"tcp_nodelay", 3.15}}},
    {2048, {{"eros", 63.21}, {"pipe", 25.34}, {"udp", 11.28}, {"tcp", 10.11}, {"tcp_nodelay", 8.06}}},
    {4096, {{"eros", 68.95}, {"pipe", 30.12}, {"udp", 9.41}, {"tcp", 10.16}, {"tcp_nodelay", 10.87}}},
    {8192, {{"eros", 68.61}, {"pipe", 29.26}, {"udp", 11.45}, {"tcp", 13.42}, {"tcp_nodelay", 13.00}}},
    {16384, {{"eros", 60.37}, {"pipe", 30.97}, {"udp", 14.14}, {"tcp", 14.44}, {"tcp_nodelay", 14.46}}},
    {32768, {{"eros", 61.49}, {"pipe", 31.40}, {"udp", 15.18}, {"tcp", 14.70}, {"tcp_nodelay", 15.03}}},
};

std::string paper_json() {
  std::vector<std::string> rows;
  for (const auto& [n, m] : kPaper) {
    std::vector<std::string> kv;
    for (const auto& [k, v] : m) kv.push_back(absl::StrFormat("\"%s\":%g", k, v));
    rows.push_back(absl::StrCat("\"", n, "\":{", absl::StrJoin(kv, ","), "}"));
  }
  return absl::StrCat("{", absl::StrJoin(rows, ","), "}");
}

std::vector<int> allowed_cpus() {
  cpu_set_t s;
  CPU_ZERO(&s);
  std::vector<int> v;
  if (sched_getaffinity(0, sizeof s, &s) != 0) return v;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &s)) v.push_back(c);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "eros-baselines [--quick] [--out DIR] [--only TRANSPORTS] [--placements P] "
      "[--payloads N,...] [--cpus A,B]: Linux IPC baselines (pipe, UDP, TCP, TCP_NODELAY) for "
      "the EROS paper's Table 1, ttcp-style streaming and request/reply, on one core and on two");
  eros::cli::parse_flags(argc, argv);
  const bool quick = absl::GetFlag(FLAGS_quick);
  const std::string out = absl::GetFlag(FLAGS_out);

  std::vector<bl::Transport> transports;
  for (absl::string_view t : absl::StrSplit(absl::GetFlag(FLAGS_only), ',', absl::SkipEmpty())) {
    auto tr = bl::parse_transport(std::string(t));
    if (!tr) {
      std::fprintf(stderr, "eros-baselines: unknown transport '%s' (pipe,udp,tcp,tcp_nodelay)\n",
                   std::string(t).c_str());
      return 2;
    }
    transports.push_back(*tr);
  }
  std::vector<bl::Placement> placements;
  for (absl::string_view p :
       absl::StrSplit(absl::GetFlag(FLAGS_placements), ',', absl::SkipEmpty())) {
    if (p == "one_core") placements.push_back(bl::Placement::one_core);
    else if (p == "two_cores") placements.push_back(bl::Placement::two_cores);
    else {
      std::fprintf(stderr, "eros-baselines: unknown placement '%s'\n", std::string(p).c_str());
      return 2;
    }
  }
  std::vector<std::size_t> payloads = bl::paper_payloads();
  if (!absl::GetFlag(FLAGS_payloads).empty()) {
    payloads.clear();
    for (absl::string_view p :
         absl::StrSplit(absl::GetFlag(FLAGS_payloads), ',', absl::SkipEmpty())) {
      std::size_t n;
      if (!absl::SimpleAtoi(p, &n) || n < 16) {
        std::fprintf(stderr, "eros-baselines: bad payload '%s' (>= 16 bytes)\n",
                     std::string(p).c_str());
        return 2;
      }
      payloads.push_back(n);
    }
  }
  std::vector<int> cpus = allowed_cpus();
  if (!absl::GetFlag(FLAGS_cpus).empty()) {
    cpus.clear();
    for (absl::string_view c : absl::StrSplit(absl::GetFlag(FLAGS_cpus), ',')) {
      int v;
      if (!absl::SimpleAtoi(c, &v)) {
        std::fprintf(stderr, "eros-baselines: bad --cpus\n");
        return 2;
      }
      cpus.push_back(v);
    }
  }
  if (cpus.empty()) {
    std::fprintf(stderr, "eros-baselines: no CPU available\n");
    return 2;
  }
  const int cpu_a = cpus[0];
  const int cpu_b = cpus.size() > 1 ? cpus[1] : cpus[0];

  bl::PointConfig base;
  base.cpu_a = cpu_a;
  base.cpu_b = cpu_b;
  if (quick) {
    base.stream_buffers = 256;
    base.stream_round_bytes = std::size_t(4) << 20;
    base.stream_warmup_rounds = 1;
    base.stream_min_rounds = 2;
    base.stream_max_rounds = 5;
    base.rr_warmup = 20;
    base.rr_min_samples = 50;
    base.rr_max_samples = 3000;
    base.budget_s = 0.02;
  }

  // Timer and frequency before anything runs; the environment block once.
  std::fprintf(stderr, "eros-baselines: measuring timer and TSC frequency...\n");
  const std::string env = eros::bench::environment_json();
  std::fprintf(stderr, "eros-baselines: TSC %.4f GHz (%s), timer overhead %llu ticks\n",
               eros::bench::tsc_ghz(), eros::bench::tsc_source().c_str(),
               static_cast<unsigned long long>(eros::bench::timer_overhead_ticks()));

  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "eros-baselines: cannot create %s: %s\n", out.c_str(),
                 ec.message().c_str());
    return 1;
  }

  struct Job {
    bl::Transport t;
    bl::Mode m;
    bl::Placement p;
    std::size_t n;
  };
  std::vector<Job> jobs;
  for (auto p : placements)
    for (auto t : transports)
      for (auto m : bl::kModes)
        for (auto n : payloads) jobs.push_back({t, m, p, n});

  const bool tty = isatty(STDERR_FILENO);
  const auto t_start = std::chrono::steady_clock::now();
  std::vector<bl::PointResult> results;
  int failures = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    const double el =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    const int width = 30;
    const int filled = static_cast<int>(width * double(i) / double(jobs.size()));
    std::string bar = std::string(filled, '#') + std::string(width - filled, '.');
    std::fprintf(stderr, "%s[%s] %3zu/%zu %5.1fs  %-11s %-8s %-9s %6zu B   %s",
                 tty ? "\r" : "", bar.c_str(), i + 1, jobs.size(), el,
                 std::string(bl::name(j.t)).c_str(), std::string(bl::name(j.m)).c_str(),
                 std::string(bl::name(j.p)).c_str(), j.n, tty ? "" : "\n");
    std::fflush(stderr);
    bl::PointConfig c = base;
    c.transport = j.t;
    c.mode = j.m;
    c.placement = j.p;
    c.payload = j.n;
    c.corrupt_for_test = j.n == static_cast<std::size_t>(std::max(0, absl::GetFlag(FLAGS_corrupt_for_test)));
    bl::PointResult r;
    if (j.p == bl::Placement::two_cores && cpu_a == cpu_b) {
      r.config = c;
      r.error = "only one CPU available: no two-core placement";
    } else {
      r = bl::run_point(c);
    }
    if (!r.ok && j.p == bl::Placement::two_cores && cpu_a == cpu_b) {
      // Reported in the output as not measured; not a failure of the run.
    } else if (!r.ok) {
      ++failures;
      std::fprintf(stderr, "%seros-baselines: %s %s %s %zu: %s\n", tty ? "\n" : "",
                   std::string(bl::name(j.t)).c_str(), std::string(bl::name(j.m)).c_str(),
                   std::string(bl::name(j.p)).c_str(), j.n, r.error.c_str());
    } else if (!r.verified) {
      ++failures;
      std::fprintf(stderr, "%seros-baselines: %s %s %s %zu: DATA MISMATCH\n", tty ? "\n" : "",
                   std::string(bl::name(j.t)).c_str(), std::string(bl::name(j.m)).c_str(),
                   std::string(bl::name(j.p)).c_str(), j.n);
    }
    results.push_back(std::move(r));
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr, "%s[%s] %zu/%zu %5.1fs  done\n", tty ? "\r" : "",
               std::string(30, '#').c_str(), jobs.size(), jobs.size(), total_s);

  // CSV
  {
    std::ofstream f(std::filesystem::path(out) / "baselines.csv");
    f << bl::csv_header() << "\n";
    for (const auto& r : results) f << bl::csv_row(r) << "\n";
  }
  // JSON
  {
    std::vector<std::string> rows;
    for (const auto& r : results) {
      std::string row = bl::json_row(r);
      // The paper's Table 1 figure for this transport and payload, on streaming rows.
      auto it = kPaper.find(r.config.payload);
      if (r.config.mode == bl::Mode::stream && it != kPaper.end()) {
        row.pop_back();
        row += absl::StrFormat(",\"paper_mb_s\":%g}",
                               it->second.at(std::string(bl::name(r.config.transport))));
      }
      rows.push_back(std::move(row));
    }
    std::ofstream f(std::filesystem::path(out) / "baselines.json");
    f << "{\"experiment\":\"baselines\",\n\"description\":\""
      << json_escape(
             "Linux IPC baselines for Table 1 / Figure 6. stream: ttcp-style, the sender writes "
             "buffers_per_round buffers of effective_bytes back to back, the receiver reads "
             "effective_bytes at a time; mb_s = bytes received / time from the start command "
             "to the last byte, ns/ticks per buffer received; UDP loss = datagrams that never "
             "arrived. rr_small: the client sends n bytes, the server replies with a 4-byte "
             "code (the fair match for an EROS Call with n bytes whose Return carries an order "
             "code). rr_echo: the server replies with the same n bytes. rr: ns/ticks per round "
             "trip, mb_s = n / round trip. MB = 10^6 bytes (mib_s_median: 2^20, ttcp's unit). "
             "Timer overhead subtracted; warm-up discarded; warm-up bytes all checked.")
      << "\",\n\"quick\":" << (quick ? "true" : "false") << ",\"total_s\":" << total_s
      << ",\"cpu_a\":" << cpu_a << ",\"cpu_b\":" << cpu_b
      << ",\n\"config\":{\"stream_buffers\":" << base.stream_buffers
      << ",\"stream_round_bytes\":" << base.stream_round_bytes
      << ",\"stream_warmup_rounds\":" << base.stream_warmup_rounds
      << ",\"stream_min_rounds\":" << base.stream_min_rounds
      << ",\"stream_max_rounds\":" << base.stream_max_rounds
      << ",\"rr_warmup\":" << base.rr_warmup << ",\"rr_min_samples\":" << base.rr_min_samples
      << ",\"rr_max_samples\":" << base.rr_max_samples << ",\"budget_s\":" << base.budget_s
      << "},\n\"env\":" << env << ",\n\"paper_table1_mb_s\":" << paper_json()
      << ",\n\"rows\":[\n" << absl::StrJoin(rows, ",\n") << "\n]}\n";
  }

  // Summary on stdout: MB/s medians per payload, one table per placement and mode.
  for (auto p : placements) {
    for (auto m : bl::kModes) {
      std::printf("\n%s, %s  (MB/s, median%s)\n", std::string(bl::name(p)).c_str(),
                  std::string(bl::name(m)).c_str(),
                  m == bl::Mode::stream ? "; paper's Table 1 in brackets" : "; round trip us");
      std::printf("%8s", "bytes");
      for (auto t : transports) std::printf(" %24s", std::string(bl::name(t)).c_str());
      std::printf("\n");
      for (auto n : payloads) {
        std::printf("%8zu", n);
        for (auto t : transports) {
          const bl::PointResult* r = nullptr;
          for (const auto& x : results)
            if (x.config.transport == t && x.config.mode == m && x.config.placement == p &&
                x.config.payload == n)
              r = &x;
          std::string cell = "-";
          if (r && r->ok) {
            if (m == bl::Mode::stream) {
              auto it = kPaper.find(n);
              cell = it != kPaper.end()
                         ? absl::StrFormat("%.1f [%g]", r->mb_s.median,
                                           it->second.at(std::string(bl::name(t))))
                         : absl::StrFormat("%.1f", r->mb_s.median);
              if (r->loss > 0.001) cell += absl::StrFormat(" L%.0f%%", 100 * r->loss);
            } else {
              cell = absl::StrFormat("%.1f (%.1fus)", r->mb_s.median, r->ns.median / 1e3);
            }
          } else if (r) {
            cell = "FAILED";
          }
          std::printf(" %24s", cell.c_str());
        }
        std::printf("\n");
      }
    }
  }
  std::printf("\nwrote %s/baselines.csv and %s/baselines.json (%zu points, %d failed, %.1f s)\n",
              out.c_str(), out.c_str(), results.size(), failures, total_s);
  return failures == 0 ? 0 : 1;
}
