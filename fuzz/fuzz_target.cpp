// The libFuzzer target: the fuzzer's bytes drive the program generator; the program runs
// on the kernel and on the model. A divergence is shrunk, printed as a Catch2 test, and
// reported to libFuzzer as a crash (abort), which saves the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/driver.hpp"
#include "fuzz/generate.hpp"

namespace {
std::uint64_t g_programs = 0, g_invocations = 0, g_known = 0;
void report() {
  std::fprintf(stderr, "eros-fuzz: %llu programs, %llu invocations, %llu stopped at a known kernel divergence\n",
               static_cast<unsigned long long>(g_programs),
               static_cast<unsigned long long>(g_invocations),
               static_cast<unsigned long long>(g_known));
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(report);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eros::fuzz;
  ByteEntropy e(data, size);
  const Program p = generate(e);
  Options o;
  o.invariants = true;
  const Outcome out = diff(p, o);
  ++g_programs;
  g_invocations += out.invocations;
  if (!out.agree && known_kernel_divergence(out) != nullptr) {   // already reported
    ++g_known;
    return 0;
  }
  if (!out.agree) {
    std::fprintf(stderr, "eros-fuzz: divergence\n%s\nshrinking...\n", out.report.c_str());
    const Program small = shrink(p, o);
    std::fprintf(stderr, "%s", repro_test(small, diff(small, o), "differential: fuzzer input").c_str());
    std::abort();
  }
  return 0;
}
