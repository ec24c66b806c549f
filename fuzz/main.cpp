// eros-diff: run a fixed-seed differential campaign, or one seed, from the command line.
//   eros-diff [--seed S] [--invocations N] [--full-memory] [--invariants] [--print]
//             [--keep-going]
//   eros-diff --corpus DIR [--count N]   write N seed-corpus inputs for the libFuzzer target
// On the first new divergence it shrinks the program and prints a Catch2 test; exit status
// 1. Known kernel divergences are counted and skipped; --keep-going counts every
// divergence by kind instead of stopping.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "absl/flags/usage.h"
#include "bench/method/cli.hpp"
#include "fuzz/driver.hpp"
#include "fuzz/generate.hpp"

using namespace eros::fuzz;

int main(int argc, char** argv) {
  std::uint64_t seed = 0xE2050005, invocations = 100000, count = 32;
  bool print = false, keep_going = false;
  std::map<std::string, std::pair<std::size_t, std::uint64_t>> kinds;   // signature → count, seed
  const char* corpus = nullptr;
  Options o;
  absl::SetProgramUsageMessage(
      "eros-diff [--seed S] [--invocations N] [--full-memory] [--invariants] [--print] [--keep-going]\n"
      "       eros-diff --corpus DIR [--count N]");
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] {
      const char* text = i + 1 < argc ? argv[++i] : nullptr;
      return eros::cli::parse_number("eros-diff", a.c_str(), text);
    };
    if (a == "--seed") seed = value();
    else if (a == "--invocations") invocations = value();
    else if (a == "--full-memory") o.full_memory = true;
    else if (a == "--invariants") o.invariants = true;
    else if (a == "--print") print = true;
    else if (a == "--keep-going") keep_going = true;
    else if (a == "--corpus" && i + 1 < argc) corpus = argv[++i];
    else if (a == "--count") count = value();
    else eros::cli::usage_error("eros-diff", "unexpected argument '" + a + "'");
  }
  if (corpus) {   // random inputs of varied length: the fuzzer's generator reads any bytes
    for (std::uint64_t i = 0; i < count; ++i) {
      SeedEntropy e(seed + i);
      const std::size_t size = 64 + e.below(3000);
      std::string path = std::string(corpus) + "/seed-" + std::to_string(i);
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f) return 2;
      for (std::size_t j = 0; j < size; ++j) std::fputc(static_cast<int>(e.take(1)), f);
      std::fclose(f);
    }
    return 0;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t done = 0, programs = 0, events = 0;
  for (std::uint64_t s = seed; done < invocations; ++s, ++programs) {
    SeedEntropy e(s);
    const Program p = generate(e);
    if (print) std::printf("seed %llu\n%s", static_cast<unsigned long long>(s), to_text(p).c_str());
    const Outcome out = diff(p, o);
    done += out.invocations;
    events += out.events;
    if (!out.agree && !keep_going && known_kernel_divergence(out)) {
      auto& k = kinds[std::string("known: ") + known_kernel_divergence(out)];
      if (k.first++ == 0) k.second = s;
      continue;
    }
    if (!out.agree && keep_going) {   // classify by the report's second line, digits masked
      std::string sig = out.report.substr(out.report.find('\n') + 1);
      sig = sig.substr(0, sig.find('\n'));
      for (char& c : sig) if (c >= '0' && c <= '9') c = '#';
      auto& k = kinds[sig];
      if (k.first++ == 0) k.second = s;
      continue;
    }
    if (!out.agree) {
      std::printf("seed %llu diverges:\n%s\nshrinking...\n", static_cast<unsigned long long>(s),
                  out.report.c_str());
      const Program small = shrink(p, o);
      std::printf("%s", repro_test(small, diff(small, o), "differential: seed " + std::to_string(s)).c_str());
      return 1;
    }
  }
  for (auto& [sig, k] : kinds)
    std::printf("%6zu x (first seed %llu) %s\n", k.first, static_cast<unsigned long long>(k.second), sig.c_str());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t diverged = 0;
  for (auto& [sig, k] : kinds) diverged += k.first;
  std::printf("%zu programs, %zu invocations, %zu events, %zu divergences, %.2f s (%.0f invocations/s)\n",
              programs, done, events, diverged, secs, done / secs);
  return 0;
}
