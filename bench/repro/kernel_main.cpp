// eros-repro-kernel: the kernel experiments of the paper's sections 4-5 (Figures 3-6 and
// the EROS column of Table 1), measured on the hosted kernel of this machine.
//
//   null        null Call+Return round trip (trace off, and trace on apart), the raw
//               Boost.Context switch round trip (the floor), a Number-key call
//   oneway      Figure 3: Call with n bytes, Return with the order code only; cold
//               destination (every line of the receive buffer flushed before each
//               IPC) and hot; next to every copy variant with the same buffers, flushed
//               alike: "best copy" is the fastest of them at each payload
//   echo        Figure 4: the server returns the n bytes it received; one-way (hot) alike
//   twohop      Figure 5: A Calls B, B forwards the n bytes to C; nested (B Calls C, C
//               Returns to B, B Returns to A) vs tail call (B Returns on C's start key
//               passing A's resume key as k3; C Returns straight to A)
//   throughput  Figure 6 / Table 1: back-to-back Calls of n bytes into one receive
//               buffer, each including its reply; next to back-to-back copies between
//               the same two buffers
//   spaces      intra-space vs inter-space domains: null IPC and one-way
//
// Every benchmark domain runs with the kernel's tracing off (the null experiment also
// measures it on, reported apart). Samples are timed with bench/method (lfence;rdtsc /
// rdtscp;lfence), the timer overhead subtracted; a sample times a batch of `ops`
// operations; warm-up samples are discarded; the series of one point are interleaved
// sample by sample with their order rotating, so drift touches all alike.
//
// Writes DIR/<experiment>.json (raw points with their statistics, and the correctness
// checks of every payload and path: see Check); tools/repro.py makes the CSV files,
// tables, plots and report from them. Progress lines go to stderr as
// "progress DONE TOTAL LABEL". Exits with 3 when a check failed.
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/context/detail/fcontext.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/flags/flag.h"
#include "bench/method/cli.hpp"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/copy/tuning_host.hpp"
#include "bench/method/method.hpp"
#include "copy/copy.hpp"
#include "copy/variants.hpp"
#include "eros/user.hpp"
#include "sim/system.hpp"

ABSL_FLAG(bool, quick, false, "fewer samples (the whole run in a few seconds)");
ABSL_FLAG(std::string, out, "results", "output directory");
ABSL_FLAG(std::vector<std::string>, only, {},
          "experiments to run (default all): null,oneway,echo,twohop,throughput,spaces");
ABSL_FLAG(int, cpu, -1, "CPU to pin to (-1: the last CPU this process may use)");
ABSL_FLAG(int, samples, 0, "samples per series and point (default 41 quick, 1001 full)");
ABSL_FLAG(bool, interleave, true,
          "interleave the series of a point sample by sample (false: all samples of one "
          "series, then the next)");
ABSL_FLAG(int, nt_min, -1,
          "what-if: install the copy tuning with nt_min = N (the hybrid uses streaming stores "
          "from N bytes) before measuring; -1 leaves the tuning in force alone");
ABSL_FLAG(bool, env_only, false, "only write DIR/env_kernel.json (the environment block)");
ABSL_FLAG(std::vector<std::string>, payloads, {},
          "payload sizes (default: 0,16,32,...,32768 and 65536)");
ABSL_FLAG(int, corrupt_payload_for_test, -1,
          "tests of the checks only: every receiving server flips one byte of each string of "
          "exactly N bytes it receives (N > 0; -1: off), so the run must report mismatches");

namespace {

using namespace eros;
namespace mb = eros::bench;
namespace ctx = boost::context::detail;

constexpr std::size_t kMax = kMaxString;               // 65,536
constexpr std::size_t kSlots = 16;                     // receive buffers per server
constexpr std::size_t kSlotBytes = kMax + 4096;        // room for the page offset

// The page offset of slot i (distinct 64-byte-aligned offsets for the 16 slots). The
// source of operation i sits at the same page offset, so (dst - src) mod 4096 is 0 for
// every operation, and consecutive operations never touch the same 4 KB-aliased lines.
constexpr std::size_t slot_offset(std::size_t i) { return (i * 832) & 4095; }

// Operations per sample: enough for a sample to span well over a thousand ticks (the
// timer's own cost is about 50 ticks, in steps of 26, on these guests), and no more
// receive buffers than kSlots.
std::size_t batch_for(std::size_t n) {
  if (n <= 512) return 16;
  if (n <= 2048) return 8;
  if (n <= 8192) return 4;
  if (n <= 16384) return 2;
  return 1;
}
std::size_t stream_batch_for(std::size_t n) {
  return std::clamp<std::size_t>(n == 0 ? 64 : 65536 / n, 4, 64);
}

// ---- sampling -------------------------------------------------------------------------

struct Series {
  Series(std::string n, std::size_t k, std::function<void()> b = {}, std::function<void()> f = {},
         std::function<void()> a = {})
      : name(std::move(n)), ops(k), before(std::move(b)), body(std::move(f)), after(std::move(a)) {}
  std::string name;
  std::size_t ops = 1;
  std::function<void()> before;   // outside the timed region (flushes, switches)
  std::function<void()> body;     // timed: `ops` operations
  std::function<void()> after;    // outside the timed region
  bool prime = false;             // run body once, untimed, after before(): a hot start
  std::vector<std::uint64_t> raw; // ticks per sample, timer overhead not yet subtracted
  std::uint64_t runs = 0;         // times body ran (primes included): operations = runs * ops
};

bool g_interleave = true;

// Samples every series in turn, the order rotating by one each round; discards warm-up.
// Runs inside a domain: integer work only (no floating point in a domain's context).
void sample_interleaved(const std::vector<Series*>& s, int samples, int warmup) {
  for (Series* x : s) {
    x->raw.clear();
    x->raw.reserve(static_cast<std::size_t>(samples));
  }
  if (!g_interleave) {
    for (Series* x : s)
      for (int i = 0; i < warmup + samples; ++i) {
        if (x->before) x->before();
        if (x->prime) x->body();
        const std::uint64_t t0 = mb::ticks_begin();
        x->body();
        const std::uint64_t t1 = mb::ticks_end();
        if (x->after) x->after();
        x->runs += x->prime ? 2 : 1;
        if (i >= warmup) x->raw.push_back(t1 - t0);
      }
    return;
  }
  for (int i = 0; i < warmup + samples; ++i)
    for (std::size_t j = 0; j < s.size(); ++j) {
      Series& x = *s[(static_cast<std::size_t>(i) + j) % s.size()];
      if (x.before) x.before();
      if (x.prime) x.body();
      const std::uint64_t t0 = mb::ticks_begin();
      x.body();
      const std::uint64_t t1 = mb::ticks_end();
      if (x.after) x.after();
      x.runs += x.prime ? 2 : 1;
      if (i >= warmup) x.raw.push_back(t1 - t0);
    }
}

// The same series, primed: one untimed run of the body before each sample, so the
// sample starts with its buffers hot whatever the previous series did to the caches
// (a non-temporal copy evicts its destination, a flush empties it).
Series primed(Series s) {
  s.prime = true;
  return s;
}

struct Point {
  std::string series;
  std::size_t payload = 0;
  std::size_t ops = 0;
  mb::Stats ticks, ns, mb_s;   // per operation; mb_s only where payload > 0
  bool has_mb_s = false;
};

double g_overhead = 0;   // timer overhead, ticks

Point make_point(const Series& s, std::size_t payload, bool with_mb_s) {
  std::vector<double> t, n, b;
  for (std::uint64_t r : s.raw) {
    double per = std::max(0.0, static_cast<double>(r) - g_overhead) / static_cast<double>(s.ops);
    t.push_back(per);
    n.push_back(mb::ticks_to_ns(per));
    if (with_mb_s && payload > 0) b.push_back(per > 0 ? static_cast<double>(payload) * 1e3 / mb::ticks_to_ns(per) : 0);
  }
  Point p;
  p.series = s.name;
  p.payload = payload;
  p.ops = s.ops;
  p.ticks = mb::summarize(t);
  p.ns = mb::summarize(n);
  if (with_mb_s && payload > 0) {
    p.mb_s = mb::summarize(b);
    p.has_mb_s = true;
  }
  return p;
}

// ---- copy variants ----------------------------------------------------------------------

struct CopyVariant {
  std::string name;
  copy::CopyFn fn;
};

std::vector<CopyVariant> copy_variants() {
  std::vector<CopyVariant> v;
  v.push_back({"memcpy", reinterpret_cast<copy::CopyFn>(reinterpret_cast<void (*)()>(&std::memcpy))});
  std::size_t count = 0;
  const copy::Variant* vs = copy::variants(&count);
  for (std::size_t i = 0; i < count; ++i)
    if (vs[i].available) v.push_back({vs[i].name, vs[i].fn});
  return v;
}

// ---- output --------------------------------------------------------------------------

struct Progress {
  int done = 0, total = 0;
  void step(const std::string& label) {
    ++done;
    std::fprintf(stderr, "progress %d %d %s\n", done, total, label.c_str());
    std::fflush(stderr);
  }
};
Progress g_progress;

struct Config {
  bool quick = false;
  int samples = 401, warmup = 40;
  std::vector<std::size_t> payloads;
  int cpu = 0;
};

std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

std::string point_json(const Point& p) {
  std::string s = absl::StrCat("{\"series\":\"", p.series, "\",\"payload_bytes\":", p.payload,
                               ",\"ops_per_sample\":", p.ops, ",\"ticks\":", mb::stats_json(p.ticks),
                               ",\"ns\":", mb::stats_json(p.ns));
  if (p.has_mb_s) absl::StrAppend(&s, ",\"mb_s\":", mb::stats_json(p.mb_s));
  s += "}";
  return s;
}

// ---- correctness --------------------------------------------------------------------
//
// One row of an experiment's checks: one payload on one path (a server or route, or a copy
// variant). The timed loops check every operation's status (and the answer's length or
// words where it carries them); the bytes are compared after the point's samples, outside
// the timed region: the receive buffers are scrambled, each path runs once more, and what it
// delivered is compared with what was sent. tools/repro.py fails the run on any nonzero
// counter (errors, payload_mismatches, copy_mismatches).

// Before a verifying transfer: every byte the complement of the one to be sent, so a byte
// left undelivered cannot pass for a delivered one.
void scramble(std::byte* dst, const std::byte* sent, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = ~sent[i];
}

struct Check {
  Check(std::size_t n, std::string p, bool is_copy = false)
      : payload(n), path(std::move(p)), copy(is_copy) {}
  std::size_t payload;
  std::string path;
  bool copy;                      // a copy variant: no status; mismatches are copy_mismatches
  std::uint64_t operations = 0;   // operations whose status was checked
  std::uint64_t errors = 0;       // a status or answer other than the one expected
  std::uint64_t verified = 0;     // transfers whose delivered bytes were compared
  std::uint64_t bytes = 0;        // bytes compared
  std::uint64_t mismatches = 0;   // transfers that delivered other bytes than those sent

  void count(const Series& s) { operations += s.runs * s.ops; }
  void verify(const std::byte* got, const std::byte* sent, std::size_t n) {
    if (n == 0) return;   // nothing to compare: the status and length checks cover it
    ++verified;
    bytes += n;
    mismatches += std::memcmp(got, sent, n) != 0;
  }
};

// --corrupt_payload_for_test=N (tests only): every receiving server flips one byte of each
// string of exactly N bytes it receives, so the client finds delivered what it did not
// send, as if the kernel had delivered a wrong byte. Each server body is instantiated
// twice; the one measured (kCorrupt false) is unchanged.
long long g_corrupt = -1;

template <bool kCorrupt>
inline void corrupt(const Result& r, void* buf) {
  if constexpr (kCorrupt)
    if (r.landed > 0 && r.landed == g_corrupt) static_cast<std::byte*>(buf)[r.landed / 2] ^= std::byte{1};
}

// body(std::bool_constant<kCorrupt>): the server program.
template <class Body>
std::function<void()> server_program(Body body) {
  if (g_corrupt > 0) return [body] { body(std::true_type{}); };
  return [body] { body(std::false_type{}); };
}

// The checks' JSON: the totals and every row.
std::string checks_json(const std::vector<Check>& checks) {
  std::uint64_t errors = 0, mismatches = 0, copy_mismatches = 0;
  bool copies = false;
  std::vector<std::string> rows;
  for (const Check& k : checks) {
    std::string r = absl::StrCat("{\"payload_bytes\":", k.payload, ",\"path\":\"", k.path, "\"");
    if (k.copy) {
      copies = true;
      copy_mismatches += k.mismatches;
      absl::StrAppend(&r, ",\"transfers_verified\":", k.verified, ",\"bytes_verified\":", k.bytes,
                      ",\"copy_mismatches\":", k.mismatches, "}");
    } else {
      errors += k.errors;
      mismatches += k.mismatches;
      absl::StrAppend(&r, ",\"operations\":", k.operations, ",\"errors\":", k.errors,
                      ",\"transfers_verified\":", k.verified, ",\"bytes_verified\":", k.bytes,
                      ",\"payload_mismatches\":", k.mismatches, "}");
    }
    rows.push_back(std::move(r));
  }
  std::string s = absl::StrCat("\"errors\":", errors, ",\"payload_mismatches\":", mismatches);
  if (copies) absl::StrAppend(&s, ",\"copy_mismatches\":", copy_mismatches);
  if (g_corrupt > 0) absl::StrAppend(&s, ",\"corrupt_payload_for_test\":", g_corrupt);
  absl::StrAppend(&s, ",\"checks\":[\n", absl::StrJoin(rows, ",\n"), "\n]");
  return s;
}

// Every nonzero counter, one line each on stderr (and the exit status says so).
std::uint64_t g_failed_checks = 0;
void report_checks(const std::string& experiment, const std::vector<Check>& checks) {
  for (const Check& k : checks) {
    if (k.errors != 0)
      std::fprintf(stderr, "eros-repro-kernel: CHECK FAILED: %s %zu B %s: errors = %llu (of %llu operations)\n",
                   experiment.c_str(), k.payload, k.path.c_str(), static_cast<unsigned long long>(k.errors),
                   static_cast<unsigned long long>(k.operations));
    if (k.mismatches != 0)
      std::fprintf(stderr, "eros-repro-kernel: CHECK FAILED: %s %zu B %s: %s = %llu (of %llu transfers verified)\n",
                   experiment.c_str(), k.payload, k.path.c_str(),
                   k.copy ? "copy_mismatches" : "payload_mismatches",
                   static_cast<unsigned long long>(k.mismatches), static_cast<unsigned long long>(k.verified));
    g_failed_checks += (k.errors != 0) + (k.mismatches != 0);
  }
}

bool write_experiment(const std::string& dir, const std::string& name, const std::string& description,
                      const Config& c, const std::vector<Point>& points, const std::vector<Check>& checks,
                      const std::string& extra = {}) {
  report_checks(name, checks);
  std::string s = absl::StrCat(
      "{\"experiment\":\"", name, "\",\"description\":\"", mb::json_escape(description),
      "\",\"quick\":", c.quick ? "true" : "false", ",\"tracing\":\"off in every benchmark domain",
      name == "null" ? " (the series null_ipc_roundtrip_trace_on has it on)" : "",
      "\",\"cpu\":", c.cpu, ",\"samples\":", c.samples, ",\"warmup\":", c.warmup,
      ",\"timer_overhead_ticks\":", num(g_overhead), ",\"tsc_ghz\":", num(mb::tsc_ghz()),
      ",\"units\":{\"ticks\":\"TSC ticks per operation\",\"ns\":\"ns per operation\","
      "\"mb_s\":\"10^6 bytes per second\"}");
  absl::StrAppend(&s, ",", checks_json(checks));
  if (!extra.empty()) absl::StrAppend(&s, ",", extra);
  s += ",\"points\":[\n";
  for (std::size_t i = 0; i < points.size(); ++i)
    absl::StrAppend(&s, point_json(points[i]), i + 1 < points.size() ? ",\n" : "\n");
  s += "]}\n";
  std::ofstream out(dir + "/" + name + ".json");
  out << s;
  return static_cast<bool>(out);
}

sim::Options bench_options() {
  sim::Options o;
  o.max_domains = 16;
  o.trace = false;
  o.trace_capacity = 1 << 12;
  return o;
}

// A position-dependent pattern whose period is not a power of two below 64 KB, so bytes
// delivered from the wrong offset (a page or a slot away) do not compare equal.
void fill(std::span<std::byte> m, unsigned seed) {
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = std::byte((i * 131 + (i >> 8) * 29 + seed) & 0xff);
}

// A server answering every call with order code 0 and no string; its next receive
// buffer is slot w1 of `slots` (rotating receive buffers for the cold-destination runs).
std::function<void()> slot_server(std::byte* slots) {
  return server_program([slots](auto faulty) {
    ReceiveDesc rd{slots, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) {
      corrupt<decltype(faulty)::value>(r, rd.buf);
      const std::size_t i = r.w[1] % kSlots;
      rd.buf = slots + i * kSlotBytes + slot_offset(i);
      r = user::return_to(3, {}, rd);
    }
  });
}

// ---- null ----------------------------------------------------------------------------

void pong_entry(ctx::transfer_t t) {
  for (;;) t = ctx::jump_fcontext(t.fctx, nullptr);
}

void run_null(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId cs = sys.new_space(), ss = sys.new_space();
  constexpr std::size_t K = 64;
  Series ipc{"null_ipc_roundtrip", K}, ipc_tr{"null_ipc_roundtrip_trace_on", K},
      sw{"raw_switch_roundtrip", K}, num_key{"number_key_call", K};
  Check null_ck{0, "null_ipc"}, number_ck{0, "number_key"};
  std::vector<char> pong_stack(64 * 1024);
  DomainId server = sys.spawn([] {
    ReceiveDesc rd{nullptr, 0, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) r = user::return_to(3, {}, rd);
  }, ss);
  DomainId client = sys.spawn([&] {
    ipc.body = [&] {
      for (std::size_t i = 0; i < K; ++i) null_ck.errors += user::call(1).status != Status::Ok;
    };
    ipc_tr.body = ipc.body;
    ipc_tr.before = [&] { sys.set_tracing(true); };
    ipc_tr.after = [&] { sys.set_tracing(false); };
    ctx::fcontext_t pong = ctx::make_fcontext(pong_stack.data() + pong_stack.size(),
                                              pong_stack.size(), pong_entry);
    pong = ctx::jump_fcontext(pong, nullptr).fctx;
    sw.body = [&] {
      for (std::size_t i = 0; i < K; ++i) pong = ctx::jump_fcontext(pong, nullptr).fctx;
    };
    num_key.body = [&] {
      for (std::size_t i = 0; i < K; ++i) number_ck.errors += user::call(2).w[0] != 7;
    };
    for (Series* x : {&ipc, &ipc_tr, &sw, &num_key}) x->prime = true;
    sample_interleaved({&ipc, &ipc_tr, &sw, &num_key}, c.samples * 2, c.warmup);
  }, cs);
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(client, 2, sys.number_key(7));
  sys.run();
  null_ck.count(ipc);
  null_ck.count(ipc_tr);
  number_ck.count(num_key);
  g_progress.step("null");
  std::vector<Point> pts;
  for (Series* s : {&ipc, &ipc_tr, &sw, &num_key}) pts.push_back(make_point(*s, 0, false));
  const double ratio = pts[0].ns.median / pts[2].ns.median;
  write_experiment(dir, "null",
                   "Null IPC round trip (Call with nothing, Return with an order code; client and "
                   "server in separate spaces) with tracing off, and on apart; the raw "
                   "Boost.Context jump_fcontext switch round trip (two switches, the floor); a "
                   "Number-key call (the null system call: answered by the kernel, no switch)",
                   c, pts, {null_ck, number_ck}, absl::StrCat("\"null_over_raw_switch\":", num(ratio)));
}

// ---- oneway ----------------------------------------------------------------------------

void run_oneway(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId cs = sys.new_space(), ss = sys.new_space();
  auto src = sys.alloc(cs, kMax + 4096);
  auto dst = sys.alloc(ss, kSlots * kSlotBytes);
  fill(src, 1);
  std::byte* const sp = src.data();
  std::byte* const dp = dst.data();
  auto slot = [dp](std::size_t i) { return dp + i * kSlotBytes + slot_offset(i); };
  const auto variants = copy_variants();
  std::vector<Point> pts;
  std::vector<Check> checks;

  DomainId server = sys.spawn(slot_server(dp), ss);
  DomainId streaming_server = sys.spawn(slot_server(dp), ss);
  sys.set_delivery(streaming_server, Delivery::streaming);
  DomainId client = sys.spawn([&] {
    for (std::size_t n : c.payloads) {
      const std::size_t K = batch_for(n);
      auto flush = [&, n, K] {
        for (std::size_t i = 0; i < K; ++i) copy::flush_lines(slot(i), n);
      };
      // key 1: the server with cached delivery (the default), key 2: the same server
      // program with streaming delivery (it does not read what it receives).
      Check cached{n, "cached"}, streaming{n, "streaming"};
      auto ipc = [&, n, K](std::uint8_t key, bool drained) {
        Check* const ck = key == 1 ? &cached : &streaming;
        return [&, n, K, key, drained, ck] {
          for (std::size_t i = 0; i < K; ++i) {
            Message m{.w = {0, (i + 1) % K}, .len = static_cast<std::uint32_t>(n), .str = sp + slot_offset(i)};
            ck->errors += user::call(key, m).status != Status::Ok;
            if (drained) copy::store_fence();
          }
        };
      };
      auto ipc_body = ipc(1, false);
      // drained: a store fence (mfence) after each operation, inside the timed region:
      // the time until every byte stored has completed, the cold lines' misses and the
      // streaming stores' writes included, which a lone copy otherwise leaves pending
      // when its timer stops (an IPC cannot: its own later stores queue behind them).
      Series cold{"ipc_cold", K, flush, ipc_body};
      Series cold_d{"ipc_cold_drained", K, flush, ipc(1, true)};
      Series cold_s{"ipc_cold_streaming", K, flush, ipc(2, false)};
      Series cold_sd{"ipc_cold_streaming_drained", K, flush, ipc(2, true)};
      Series hot = primed(Series{"ipc_hot", K, {}, ipc_body});
      std::vector<Series> copies;
      copies.reserve(3 * variants.size());
      for (const auto& v : variants) {
        copy::CopyFn fn = v.fn;
        copies.push_back(Series{"copy_cold_" + v.name, K, flush, [&, fn, n, K] {
          for (std::size_t i = 0; i < K; ++i) fn(slot(i), sp + slot_offset(i), n);
        }});
        copies.push_back(Series{"copy_cold_drained_" + v.name, K, flush, [&, fn, n, K] {
          for (std::size_t i = 0; i < K; ++i) {
            fn(slot(i), sp + slot_offset(i), n);
            copy::store_fence();
          }
        }});
        copies.push_back(primed(Series{"copy_hot_" + v.name, K, {}, [&, fn, n, K] {
          for (std::size_t i = 0; i < K; ++i) fn(slot(i), sp + slot_offset(i), n);
        }}));
      }
      std::vector<Series*> all{&cold, &cold_d, &cold_s, &cold_sd, &hot};
      for (auto& x : copies) all.push_back(&x);
      sample_interleaved(all, c.samples, c.warmup);
      for (Series* x : {&cold, &cold_d, &hot}) cached.count(*x);
      for (Series* x : {&cold_s, &cold_sd}) streaming.count(*x);
      // Each path delivered what was sent: the slots scrambled (the copies wrote the same
      // bytes there), one more batch of IPCs, every slot compared.
      for (Check* ck : {&cached, &streaming}) {
        for (std::size_t i = 0; i < K; ++i) scramble(slot(i), sp + slot_offset(i), n);
        ipc(ck == &cached ? 1 : 2, false)();
        ck->operations += K;
        for (std::size_t i = 0; i < K; ++i) ck->verify(slot(i), sp + slot_offset(i), n);
        checks.push_back(*ck);
      }
      // And every copy variant: a copy that moved the wrong bytes would be a wrong "best copy".
      for (const auto& v : variants) {
        Check ck{n, "copy_" + v.name, true};
        for (std::size_t i = 0; i < K; ++i) {
          scramble(slot(i), sp + slot_offset(i), n);
          v.fn(slot(i), sp + slot_offset(i), n);
          ck.verify(slot(i), sp + slot_offset(i), n);
        }
        checks.push_back(std::move(ck));
      }
      for (Series* x : all) pts.push_back(make_point(*x, n, true));
      g_progress.step(absl::StrCat("oneway ", n, " B"));
    }
  }, cs);
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(client, 2, sys.start_key(streaming_server));
  sys.run();
  write_experiment(dir, "oneway",
                   "Figure 3. One-way: the client Calls with n bytes, the server Returns the order "
                   "code only (separate spaces). ipc_cold: every cache line the string lands on "
                   "is flushed (clflush + mfence) before each IPC; copy_cold_<variant>: the same "
                   "bytes between the same buffers, flushed the same way; ipc_hot: no flush; "
                   "_streaming: the server's delivery is streaming (DomainControl SetDelivery 1: "
                   "streaming stores into its buffer); _drained: an mfence after each operation, "
                   "inside the timed region (every store completed)",
                   c, pts, checks, "\"dst_minus_src_mod_4096\":0");
}

// ---- echo ----------------------------------------------------------------------------

void run_echo(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId cs = sys.new_space(), ss = sys.new_space();
  auto src = sys.alloc(cs, kMax);
  auto back = sys.alloc(cs, kMax);
  auto rbuf = sys.alloc(ss, kMax);
  fill(src, 2);
  std::byte* const sp = src.data();
  std::byte* const bp = back.data();
  std::byte* const rp = rbuf.data();
  std::vector<Point> pts;
  std::vector<Check> checks;
  DomainId server = sys.spawn(server_program([rp](auto faulty) {
    ReceiveDesc rd{rp, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) {
      corrupt<decltype(faulty)::value>(r, rp);
      Message m{.len = r.w[0] == 1 ? r.landed : 0u, .str = rp};
      r = user::return_to(3, m, rd);
    }
  }), ss);
  DomainId client = sys.spawn([&] {
    for (std::size_t n : c.payloads) {
      const std::size_t K = batch_for(n);
      const auto len = static_cast<std::uint32_t>(n);
      Check echo_ck{n, "echo"}, one_ck{n, "oneway_hot"};
      Series echo = primed(Series{"echo", K, {}, [&, K, len] {
        for (std::size_t i = 0; i < K; ++i) {
          Result r = user::call(1, {.w = {1}, .len = len, .str = sp}, {bp, kMax, {}});
          echo_ck.errors += r.status != Status::Ok || r.landed != len;
        }
      }});
      Series one = primed(Series{"oneway_hot", K, {}, [&, K, len] {
        for (std::size_t i = 0; i < K; ++i)
          one_ck.errors += user::call(1, {.w = {0}, .len = len, .str = sp}).status != Status::Ok;
      }});
      sample_interleaved({&echo, &one}, c.samples, c.warmup);
      echo_ck.count(echo);
      one_ck.count(one);
      // Echo: what came back (both buffers scrambled first); one-way: what the server got.
      scramble(bp, sp, n);
      scramble(rp, sp, n);
      Result r = user::call(1, {.w = {1}, .len = len, .str = sp}, {bp, kMax, {}});
      ++echo_ck.operations;
      echo_ck.errors += r.status != Status::Ok || r.landed != len;
      echo_ck.verify(bp, sp, n);
      scramble(rp, sp, n);
      ++one_ck.operations;
      one_ck.errors += user::call(1, {.w = {0}, .len = len, .str = sp}).status != Status::Ok;
      one_ck.verify(rp, sp, n);
      checks.push_back(echo_ck);
      checks.push_back(one_ck);
      pts.push_back(make_point(echo, n, true));
      pts.push_back(make_point(one, n, true));
      g_progress.step(absl::StrCat("echo ", n, " B"));
    }
  }, cs);
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  write_experiment(dir, "echo",
                   "Figure 4. Echo: the client Calls with n bytes, the server Returns the n bytes "
                   "it received into the client's receive buffer (separate spaces, hot buffers: "
                   "no flush). oneway_hot: the same server answering with the order code only",
                   c, pts, checks);
}

// ---- twohop --------------------------------------------------------------------------

void run_twohop(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId as = sys.new_space(), bns = sys.new_space(), bts = sys.new_space(),
                cs = sys.new_space();
  auto src = sys.alloc(as, kMax);
  auto bn_buf = sys.alloc(bns, kMax);
  auto bt_buf = sys.alloc(bts, kMax);
  auto c_buf = sys.alloc(cs, kMax);
  fill(src, 3);
  std::byte* const sp = src.data();
  std::byte* const bnp = bn_buf.data();
  std::byte* const btp = bt_buf.data();
  std::byte* const cp = c_buf.data();
  std::vector<Point> pts;
  std::vector<Check> checks;
  // C: the third module; answers whoever's resume key arrives in r3 with an order code.
  DomainId c_dom = sys.spawn(server_program([cp](auto faulty) {
    ReceiveDesc rd{cp, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) {
      corrupt<decltype(faulty)::value>(r, cp);
      r = user::return_to(3, {.w = {r.landed}}, rd);
    }
  }), cs);
  // B nested: Call C with the bytes it got, then Return to A.
  DomainId bn = sys.spawn([bnp] {
    ReceiveDesc rd{bnp, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) {
      Result from_c = user::call(2, {.len = r.landed, .str = bnp});
      r = user::return_to(3, {.w = {from_c.w[0]}}, rd);
    }
  }, bns);
  // B tail: Return on C's start key with the bytes, passing A's resume key as k3.
  DomainId bt = sys.spawn([btp] {
    ReceiveDesc rd{btp, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) r = user::return_to(2, {.k = {0, 0, 0, 3}, .len = r.landed, .str = btp}, rd);
  }, bts);
  DomainId a = sys.spawn([&] {
    for (std::size_t n : c.payloads) {
      const std::size_t K = batch_for(n);
      const auto len = static_cast<std::uint32_t>(n);
      // The paths by key: 1 nested (via B nested), 2 tail (via B tail), 3 straight to C.
      Check path_ck[] = {{n, "nested"}, {n, "tail"}, {n, "onehop"}};
      auto hop = [&, K, len](std::uint8_t key) {
        Check& ck = path_ck[key - 1];
        for (std::size_t i = 0; i < K; ++i) {
          Result r = user::call(key, {.len = len, .str = sp});
          ck.errors += r.status != Status::Ok || r.w[0] != len;
        }
      };
      Series nested = primed(Series{"nested", K, {}, [&hop] { hop(1); }});
      Series tail = primed(Series{"tail", K, {}, [&hop] { hop(2); }});
      Series onehop = primed(Series{"onehop", K, {}, [&hop] { hop(3); }});
      sample_interleaved({&nested, &tail, &onehop}, c.samples, c.warmup);
      path_ck[0].count(nested);
      path_ck[1].count(tail);
      path_ck[2].count(onehop);
      // What reached C on each path, B's and C's buffers scrambled first (B forwards what it
      // received, so stale bytes there would pass for a delivery).
      for (std::uint8_t key : {1, 2, 3}) {
        Check& ck = path_ck[key - 1];
        scramble(cp, sp, n);
        scramble(bnp, sp, n);
        scramble(btp, sp, n);
        Result r = user::call(key, {.len = len, .str = sp});
        ++ck.operations;
        ck.errors += r.status != Status::Ok || r.w[0] != len;
        ck.verify(cp, sp, n);
        checks.push_back(ck);
      }
      pts.push_back(make_point(nested, n, true));
      pts.push_back(make_point(tail, n, true));
      pts.push_back(make_point(onehop, n, true));
      g_progress.step(absl::StrCat("twohop ", n, " B"));
    }
  }, as);
  sys.set_key(a, 1, sys.start_key(bn));
  sys.set_key(a, 2, sys.start_key(bt));
  sys.set_key(a, 3, sys.start_key(c_dom));
  sys.set_key(bn, 2, sys.start_key(c_dom));
  sys.set_key(bt, 2, sys.start_key(c_dom));
  sys.run();
  write_experiment(dir, "twohop",
                   "Figure 5. 2-hop: A Calls B with n bytes, B forwards them to C, C answers "
                   "with an order code. nested: B Calls C, C Returns to B, B Returns to A (4 "
                   "invocations, 4 switches); tail: B Returns on C's start key passing A's "
                   "resume key as k3, C Returns straight to A (3 and 3); onehop: A Calls C directly, C "
                   "Returns (2 and 2), for the cost of one invocation. Four spaces; hot buffers",
                   c, pts, checks);
}

// ---- throughput ------------------------------------------------------------------------

void run_throughput(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId cs = sys.new_space(), ss = sys.new_space();
  auto src = sys.alloc(cs, kMax);
  auto dst = sys.alloc(ss, kMax);
  fill(src, 4);
  std::byte* const sp = src.data();
  std::byte* const dp = dst.data();
  const auto variants = copy_variants();
  std::vector<Point> pts;
  std::vector<Check> checks;
  DomainId server = sys.spawn(server_program([dp](auto faulty) {
    ReceiveDesc rd{dp, kMax, {0, 0, 0, 3}};
    Result r = user::wait(rd);
    for (;;) {
      corrupt<decltype(faulty)::value>(r, dp);
      r = user::return_to(3, {}, rd);
    }
  }), ss);
  DomainId client = sys.spawn([&] {
    for (std::size_t n : c.payloads) {
      if (n == 0) continue;
      const std::size_t K = stream_batch_for(n);
      const auto len = static_cast<std::uint32_t>(n);
      Check ipc_ck{n, "ipc"};
      Series ipc = primed(Series{"ipc", K, {}, [&, K, len] {
        for (std::size_t i = 0; i < K; ++i)
          ipc_ck.errors += user::call(1, {.len = len, .str = sp}).status != Status::Ok;
      }});
      std::vector<Series> copies;
      copies.reserve(variants.size());
      for (const auto& v : variants) {
        copy::CopyFn fn = v.fn;
        copies.push_back(primed(Series{"copy_" + v.name, K, {}, [=] {
          for (std::size_t i = 0; i < K; ++i) fn(dp, sp, n);
        }}));
      }
      std::vector<Series*> all{&ipc};
      for (auto& s : copies) all.push_back(&s);
      sample_interleaved(all, c.samples, c.warmup);
      ipc_ck.count(ipc);
      // The receive buffer scrambled (the copies wrote the same bytes there), one more IPC.
      scramble(dp, sp, n);
      ++ipc_ck.operations;
      ipc_ck.errors += user::call(1, {.len = len, .str = sp}).status != Status::Ok;
      ipc_ck.verify(dp, sp, n);
      checks.push_back(ipc_ck);
      for (const auto& v : variants) {
        Check ck{n, "copy_" + v.name, true};
        scramble(dp, sp, n);
        v.fn(dp, sp, n);
        ck.verify(dp, sp, n);
        checks.push_back(std::move(ck));
      }
      pts.push_back(make_point(ipc, n, true));
      for (auto& s : copies) pts.push_back(make_point(s, n, true));
      g_progress.step(absl::StrCat("throughput ", n, " B"));
    }
  }, cs);
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  write_experiment(dir, "throughput",
                   "Figure 6 / Table 1. IPC throughput: back-to-back Calls of n bytes from one "
                   "send buffer into one receive buffer (separate spaces), each transfer "
                   "including its reply (order code only); MB/s = n / time per transfer. "
                   "copy_<variant>: back-to-back copies between the same two buffers",
                   c, pts, checks);
}

// ---- spaces --------------------------------------------------------------------------

void run_spaces(const Config& c, const std::string& dir) {
  sim::System sys(bench_options());
  sys.set_tracing(false);
  const SpaceId as = sys.new_space(), bs = sys.new_space();
  auto src = sys.alloc(as, kMax + 4096);
  auto intra = sys.alloc(as, kSlots * kSlotBytes);
  auto inter = sys.alloc(bs, kSlots * kSlotBytes);
  fill(src, 5);
  std::byte* const sp = src.data();
  std::byte* const ip = intra.data();
  std::byte* const ep = inter.data();
  auto slot = [](std::byte* base, std::size_t i) { return base + i * kSlotBytes + slot_offset(i); };
  std::vector<Point> pts;
  std::vector<Check> checks;
  DomainId s_intra = sys.spawn(slot_server(ip), as);
  DomainId s_inter = sys.spawn(slot_server(ep), bs);
  std::vector<std::size_t> payloads;
  for (std::size_t n : c.payloads)
    if (n == 0 || n == 64 || n == 1024 || n == 4096 || n == 16384 || n == 65536) payloads.push_back(n);
  DomainId client = sys.spawn([&] {
    for (std::size_t n : payloads) {
      const std::size_t K = n == 0 ? 64 : batch_for(n);
      const auto len = static_cast<std::uint32_t>(n);
      Check path_ck[] = {{n, "intra"}, {n, "inter"}};   // key 1, key 2
      auto body = [&, K, len](std::uint8_t key) {
        Check& ck = path_ck[key - 1];
        for (std::size_t i = 0; i < K; ++i) {
          Message m{.w = {0, (i + 1) % K}, .len = len, .str = sp + slot_offset(i)};
          ck.errors += user::call(key, m).status != Status::Ok;
        }
      };
      auto flush = [&, n, K](std::byte* base) {
        for (std::size_t i = 0; i < K; ++i) copy::flush_lines(slot(base, i), n);
      };
      Series ic{"intra_cold", K, [&] { flush(ip); }, [&] { body(1); }, {}};
      Series ec{"inter_cold", K, [&] { flush(ep); }, [&] { body(2); }, {}};
      Series ih = primed(Series{"intra_hot", K, {}, [&] { body(1); }});
      Series eh = primed(Series{"inter_hot", K, {}, [&] { body(2); }});
      sample_interleaved({&ic, &ec, &ih, &eh}, n == 0 ? c.samples * 2 : c.samples, c.warmup);
      for (Series* x : {&ic, &ih}) path_ck[0].count(*x);
      for (Series* x : {&ec, &eh}) path_ck[1].count(*x);
      // Each server's slots scrambled, one more batch, every slot compared with its source.
      for (std::uint8_t key : {1, 2}) {
        std::byte* const base = key == 1 ? ip : ep;
        Check& ck = path_ck[key - 1];
        for (std::size_t i = 0; i < K; ++i) scramble(slot(base, i % kSlots), sp + slot_offset(i), n);
        body(key);
        ck.operations += K;
        for (std::size_t i = 0; i < K; ++i) ck.verify(slot(base, i % kSlots), sp + slot_offset(i), n);
        checks.push_back(ck);
      }
      for (Series* s : {&ic, &ec, &ih, &eh}) pts.push_back(make_point(*s, n, true));
      g_progress.step(absl::StrCat("spaces ", n, " B"));
    }
  }, as);
  sys.set_key(client, 1, sys.start_key(s_intra));
  sys.set_key(client, 2, sys.start_key(s_inter));
  sys.run();
  write_experiment(dir, "spaces",
                   "Intra-space (client and server in one space) vs inter-space (separate "
                   "spaces) one-way IPC, 0 B = the null IPC; cold: receive buffer flushed "
                   "before each IPC, hot: not. Hosted, a space is a simulated page table probed "
                   "by the kernel; a switch between spaces changes no hardware state",
                   c, pts, checks);
}

std::size_t count_steps(const std::string& e, const Config& c) {
  std::size_t n = 0;
  if (e == "null") return 1;
  for (std::size_t p : c.payloads) {
    if (e == "throughput" && p == 0) continue;
    if (e == "spaces" && !(p == 0 || p == 64 || p == 1024 || p == 4096 || p == 16384 || p == 65536))
      continue;
    ++n;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "eros-repro-kernel [--quick] [--out DIR] [--only NAMES]: the kernel experiments of the "
      "paper's Figures 3-6 on the hosted kernel");
  eros::cli::parse_flags(argc, argv);
  const auto t_start = std::chrono::steady_clock::now();
  Config c;
  c.quick = absl::GetFlag(FLAGS_quick);
  c.samples = absl::GetFlag(FLAGS_samples) > 0 ? absl::GetFlag(FLAGS_samples) : c.quick ? 41 : 1001;
  c.warmup = c.quick ? 5 : 40;
  g_interleave = absl::GetFlag(FLAGS_interleave);
  g_corrupt = absl::GetFlag(FLAGS_corrupt_payload_for_test);
  if (g_corrupt == 0 || g_corrupt < -1) {
    std::fprintf(stderr, "--corrupt_payload_for_test takes a payload size > 0 (or -1: off)\n");
    return 2;
  }
  if (g_corrupt > 0)
    std::fprintf(stderr, "eros-repro-kernel: --corrupt_payload_for_test=%lld: every server flips one byte "
                 "of each %lld-byte string it receives (a test of the checks)\n", g_corrupt, g_corrupt);
  if (!absl::GetFlag(FLAGS_payloads).empty()) {
    for (auto& s : absl::GetFlag(FLAGS_payloads)) c.payloads.push_back(std::strtoull(s.c_str(), nullptr, 10));
  } else {
    c.payloads = {0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
  }
  const std::string dir = absl::GetFlag(FLAGS_out);
  ::mkdir(dir.c_str(), 0755);

  int cpu = absl::GetFlag(FLAGS_cpu);
  if (cpu < 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    for (int i = 0; i < CPU_SETSIZE; ++i)
      if (CPU_ISSET(i, &set)) cpu = i;
  }
  c.cpu = cpu;
  if (!mb::pin_to_cpu(cpu)) std::fprintf(stderr, "warning: cannot pin to CPU %d\n", cpu);
  // The kernel copies strings with the calibrated hybrid: install this CPU's table.
  if (!copy::ensure_tuned()) std::fprintf(stderr, "warning: no copy tuning installed; build default in force\n");
  if (absl::GetFlag(FLAGS_nt_min) >= 0) {
    copy::Tuning t = copy::tuning();
    t.nt_min = static_cast<std::uint32_t>(absl::GetFlag(FLAGS_nt_min));
    if (!copy::set_tuning(t)) std::fprintf(stderr, "warning: --nt_min: set_tuning refused the table\n");
    else std::fprintf(stderr, "what-if: copy tuning nt_min = %u\n", t.nt_min);
  }
  g_overhead = static_cast<double>(mb::timer_overhead_ticks());

  if (absl::GetFlag(FLAGS_env_only)) {
    std::ofstream out(dir + "/env_kernel.json");
    out << "{\"environment\":" << mb::environment_json() << ",\"copy_tuning\":" << copy::tuning_json()
        << ",\"pinned_cpu\":" << cpu << ",\"timer_overhead_ticks\":" << num(g_overhead)
        << ",\"tsc_ghz\":" << num(mb::tsc_ghz()) << ",\"tsc_source\":\""
        << mb::json_escape(mb::tsc_source()) << "\"}\n";
    return out ? 0 : 1;
  }

  const std::vector<std::string> all = {"null", "oneway", "echo", "twohop", "throughput", "spaces"};
  std::vector<std::string> run = absl::GetFlag(FLAGS_only);
  if (run.empty()) run = all;
  for (auto& e : run)
    if (std::find(all.begin(), all.end(), e) == all.end()) {
      std::fprintf(stderr, "unknown experiment %s (known: %s)\n", e.c_str(), absl::StrJoin(all, ",").c_str());
      return 2;
    }
  for (auto& e : run) g_progress.total += static_cast<int>(count_steps(e, c));
  for (auto& e : all) {
    if (std::find(run.begin(), run.end(), e) == run.end()) continue;
    if (e == "null") run_null(c, dir);
    if (e == "oneway") run_oneway(c, dir);
    if (e == "echo") run_echo(c, dir);
    if (e == "twohop") run_twohop(c, dir);
    if (e == "throughput") run_throughput(c, dir);
    if (e == "spaces") run_spaces(c, dir);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr, "eros-repro-kernel: %s in %.1f s (CPU %d, TSC %.3f GHz, timer overhead %.0f ticks)\n",
               absl::StrJoin(run, ",").c_str(), secs, cpu, mb::tsc_ghz(), g_overhead);
  if (g_failed_checks != 0) {
    std::fprintf(stderr, "eros-repro-kernel: %llu correctness check(s) failed (see above)\n",
                 static_cast<unsigned long long>(g_failed_checks));
    return 3;
  }
  return 0;
}
