// Micro-benchmarks: null Call+Return round trip against its floor, a bare fiber switch pair.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <boost/context/detail/fcontext.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "eros/user.hpp"
#include "sim/system.hpp"

using namespace eros;
namespace ctx = boost::context::detail;

namespace {

std::uint64_t rdtsc() { return __builtin_ia32_rdtsc(); }

void report_ticks(benchmark::State& state, std::uint64_t ticks) {
  state.counters["ticks"] = benchmark::Counter(static_cast<double>(ticks),
                                               benchmark::Counter::kAvgIterations);
}

// ---- the floor: two fibers jumping to each other, nothing else -----------------------

struct PingPong {
  ctx::fcontext_t other = nullptr;
};

void pong_entry(ctx::transfer_t t) {
  for (;;) t = ctx::jump_fcontext(t.fctx, nullptr);
}

void BM_FiberSwitchPair(benchmark::State& state) {
  std::vector<char> stack(64 * 1024);
  ctx::fcontext_t pong = ctx::make_fcontext(stack.data() + stack.size(), stack.size(), pong_entry);
  pong = ctx::jump_fcontext(pong, nullptr).fctx;   // start it
  std::uint64_t t0 = rdtsc();
  for (auto _ : state) pong = ctx::jump_fcontext(pong, nullptr).fctx;
  report_ticks(state, rdtsc() - t0);
}
BENCHMARK(BM_FiberSwitchPair);

// ---- a null IPC: Call with nothing, Return with an order code ------------------------

// A server that answers every call with order code 0, forever.
void null_server() {
  Result r = user::wait({.r = {0, 0, 0, 3}});
  for (;;) r = user::return_to(3, {}, {.r = {0, 0, 0, 3}});
}

// Measures round trips from a client domain among `idle` other idle domains.
void null_roundtrip(benchmark::State& state, std::uint32_t idle, bool fp_server) {
  sim::Options o;
  o.max_domains = idle + 4;
  o.trace = state.range(0) != 0;
  sim::System sys(o);
  for (std::uint32_t i = 0; i < idle; ++i) sys.spawn([] { user::wait({}); });
  sys.run();   // every idle domain runs once and becomes Available
  DomainId server = sys.spawn(fp_server ? std::function<void()>([] {
    volatile double x = 1.0;
    Result r = user::wait({.r = {0, 0, 0, 3}});
    for (;;) {
      x = x / 3.0;   // inexact: sets MXCSR's precision flag in this domain
      r = user::return_to(3, {}, {.r = {0, 0, 0, 3}});
    }
  }) : std::function<void()>(null_server));
  DomainId client = sys.spawn([&] {
    for (int i = 0; i < 1000; ++i) user::call(1);   // warm-up
    std::uint64_t t0 = rdtsc();
    for (auto _ : state) user::call(1);
    report_ticks(state, rdtsc() - t0);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
}

void BM_NullCallReturn(benchmark::State& s) { null_roundtrip(s, 0, false); }
void BM_NullCallReturn_100kDomains(benchmark::State& s) { null_roundtrip(s, 100000, false); }
void BM_NullCallReturn_FpServer(benchmark::State& s) { null_roundtrip(s, 0, true); }
// Arg: trace on (1) or off (0).
BENCHMARK(BM_NullCallReturn)->Arg(1)->Arg(0);
BENCHMARK(BM_NullCallReturn_100kDomains)->Arg(1);
BENCHMARK(BM_NullCallReturn_FpServer)->Arg(1);

// ---- the null system call: a Number key, answered with no switch ---------------------

void BM_NumberKeyCall(benchmark::State& state) {
  sim::System sys;
  DomainId d = sys.spawn([&] {
    std::uint64_t t0 = rdtsc();
    for (auto _ : state) benchmark::DoNotOptimize(user::call(1).w[0]);
    report_ticks(state, rdtsc() - t0);
  });
  sys.set_key(d, 1, sys.number_key(7));
  sys.run();
}
BENCHMARK(BM_NumberKeyCall);

// ---- resident memory per idle domain ----------------------------------------------------

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void BM_IdleDomainResidentBytes(benchmark::State& state) {
  const std::uint32_t n = 100000;
  for (auto _ : state) {
    std::size_t before = resident_bytes();
    sim::Options o;
    o.max_domains = n + 1;
    sim::System sys(o);
    for (std::uint32_t i = 0; i < n; ++i) sys.spawn([] { user::wait({}); });
    sys.run();
    std::size_t after = resident_bytes();
    state.counters["bytes_per_domain"] =
        static_cast<double>(after - before) / static_cast<double>(n);
  }
}
BENCHMARK(BM_IdleDomainResidentBytes)->Iterations(1)->Unit(benchmark::kMillisecond);

// ---- ratios, computed from this run ------------------------------------------------

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // With --benchmark_repetitions the median of the repetitions is used.
    for (const Run& r : runs) {
      bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type != Run::RT_Iteration && !median) continue;
      std::string name = r.run_name.str();
      ns_[name] = r.GetAdjustedRealTime();
      for (const auto& [k, c] : r.counters) counters_[name + ":" + k] = c.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    auto ratio = [&](const char* what, const std::string& a, const std::string& b, double target) {
      if (!ns_.count(a) || !ns_.count(b)) return;
      double x = ns_[a] / ns_[b];
      std::printf("%-46s %6.3f  (target <= %.2f: %s)\n", what, x, target,
                  x <= target ? "met" : "NOT met");
    };
    std::printf("\nratios from this run\n");
    ratio("null round trip / switch pair (trace on)", "BM_NullCallReturn/1", "BM_FiberSwitchPair", 1.5);
    ratio("null round trip / switch pair (trace off)", "BM_NullCallReturn/0", "BM_FiberSwitchPair", 1.5);
    ratio("round trip 100k domains / 2 domains", "BM_NullCallReturn_100kDomains/1", "BM_NullCallReturn/1", 2.0);
    ratio("round trip, FP-using server / plain", "BM_NullCallReturn_FpServer/1", "BM_NullCallReturn/1", 1.2);
    auto key = std::string("BM_IdleDomainResidentBytes/iterations:1:bytes_per_domain");
    if (counters_.count(key))
      std::printf("%-46s %6.0f bytes (target <= 16384: %s)\n", "resident memory per idle domain",
                  counters_[key], counters_[key] <= 16384 ? "met" : "NOT met");
  }

 private:
  std::map<std::string, double> ns_, counters_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) {   // what Google Benchmark did not take: a usage error, not a run
    std::fprintf(stderr, "micro: unexpected argument '%s'\nusage: micro [--benchmark_filter=REGEX] "
                         "[--benchmark_repetitions=N] [Google Benchmark flags; --help]\n", argv[1]);
    return 2;
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
}
