// The block-move family against a reference (byte loop), every variant, every length
// 0..65,536: exhaustive for short lengths over all 64 x 64 source/destination alignments,
// randomised beyond; guard bytes on both sides; the hybrid under forced tunings so every
// branch of its large path runs; move() over overlapping ranges.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "copy/copy.hpp"
#include "copy/tuning.hpp"
#include "copy/variants.hpp"

namespace {

using eros::copy::CopyFn;

constexpr std::size_t kMax = 65536;
constexpr std::size_t kGuard = 64;
constexpr unsigned char kGuardByte = 0xA5;

// A source of random bytes and a destination arena, both page-aligned with room for any
// alignment (0..4095) and guards: up to 4095 bytes to the first page boundary, a page in
// front, then an offset of up to 4095, kMax bytes and the 64-byte guard, so four pages
// beyond kMax (three let the guard run past the end of the vector).
struct Arena {
  static constexpr std::size_t kStore = kMax + 4 * 4096;
  static_assert(kStore >= 4095 + 4096 + 4095 + kMax + kGuard, "the arena holds every case");
  std::vector<unsigned char> src_store, dst_store;
  unsigned char* src;
  unsigned char* dst;
  Arena() : src_store(kStore), dst_store(kStore) {
    src = align(src_store.data()) + 4096;
    dst = align(dst_store.data()) + 4096;
    std::mt19937_64 rng(12345);
    for (auto& b : src_store) b = static_cast<unsigned char>(rng());
  }
  static unsigned char* align(unsigned char* p) {
    return reinterpret_cast<unsigned char*>((reinterpret_cast<std::uintptr_t>(p) + 4095) &
                                            ~std::uintptr_t{4095});
  }
};

Arena& arena() {
  static Arena a;
  return a;
}

// Copies n bytes from src+sa to dst+da with f and checks the result and the guards.
// Returns an empty string or a description of the first difference.
std::string check_one(CopyFn f, std::size_t n, std::size_t sa, std::size_t da) {
  Arena& a = arena();
  unsigned char* d = a.dst + da;
  const unsigned char* s = a.src + sa;
  std::memset(d - kGuard, kGuardByte, n + 2 * kGuard);
  f(d, s, n);
  if (std::memcmp(d, s, n) != 0 || d[-1] != kGuardByte || d[n] != kGuardByte) {
    for (std::size_t i = 0; i < n; ++i)
      if (d[i] != s[i])
        return "n=" + std::to_string(n) + " sa=" + std::to_string(sa) +
               " da=" + std::to_string(da) + ": byte " + std::to_string(i) + " differs";
  }
  for (std::size_t i = 0; i < kGuard; ++i)
    if (d[-1 - static_cast<std::ptrdiff_t>(i)] != kGuardByte || d[n + i] != kGuardByte)
      return "n=" + std::to_string(n) + " sa=" + std::to_string(sa) + " da=" +
             std::to_string(da) + ": guard byte " + std::to_string(i) + " overwritten";
  return {};
}

// Exhaustive over lengths [0, nmax] and all 64 x 64 alignments for n <= full_to, and
// over 64 source alignments x 8 destination alignments above it.
std::string exhaustive(CopyFn f, std::size_t nmax, std::size_t full_to) {
  for (std::size_t n = 0; n <= nmax; ++n)
    for (std::size_t sa = 0; sa < 64; ++sa)
      for (std::size_t da = 0; da < 64; da += (n <= full_to ? 1 : 9)) {
        auto e = check_one(f, n, sa, da);
        if (!e.empty()) return e;
      }
  return {};
}

// Randomised lengths up to 65,536 and alignments within a page, plus the edges.
std::string randomised(CopyFn f, int iterations, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> sizes = {kMax, kMax - 1, kMax - 63, 4096, 4095, 4097, 8192};
  for (std::size_t p = 512; p <= kMax; p *= 2)
    for (std::size_t q : {p - 1, p, p + 1, p + 63, p + 64, p + 65})
      if (q <= kMax) sizes.push_back(q);
  for (int i = 0; i < iterations; ++i) {
    std::size_t n = (rng() % 4 == 0) ? 513 + rng() % 4096 : 513 + rng() % (kMax - 512);
    sizes.push_back(n);
  }
  std::size_t k = 0;
  // distances that the hybrid treats specially, and random ones
  const std::size_t dists[] = {0, 4, 8, 16, 31, 64, 2048, 4032, 4080, 4095};
  for (std::size_t n : sizes) {
    std::size_t sa = rng() % 4096;
    std::size_t da = (k % 3 == 0) ? (sa + dists[k % 10]) % 4096 : rng() % 4096;
    ++k;
    auto e = check_one(f, n, sa, da);
    if (!e.empty()) return e;
  }
  return {};
}

void inline_hybrid(void* d, const void* s, std::size_t n) noexcept { eros::copy::hybrid(d, s, n); }
void move_fn(void* d, const void* s, std::size_t n) noexcept { eros::copy::move(d, s, n); }
void inline_streaming(void* d, const void* s, std::size_t n) noexcept { eros::copy::streaming(d, s, n); }

// Restores the tuning in force when it goes out of scope.
struct TuningGuard {
  eros::copy::Tuning saved = eros::copy::tuning();
  ~TuningGuard() { eros::copy::set_tuning(saved); }
};

}  // namespace

TEST_CASE("every variant copies every short length at every alignment", "[copy]") {
  std::size_t count = 0;
  const eros::copy::Variant* vs = eros::copy::variants(&count);
  REQUIRE(count >= 5);
  for (std::size_t i = 0; i < count; ++i) {
    if (!vs[i].available) continue;
    INFO("variant " << vs[i].name);
    // every length to 512 over all 64 x 64 alignments; to 1024 over 64 x 8
    CHECK(exhaustive(vs[i].fn, 1024, 512) == "");
  }
  INFO("inline hybrid");
  CHECK(exhaustive(&inline_hybrid, 1024, 512) == "");
  // the hybrid's entry for every SIMD width this CPU has, called directly (hybrid()
  // itself keeps payloads up to kInlineMax inline and never reaches its small paths)
  for (auto w : {eros::copy::Simd::w16, eros::copy::Simd::w32, eros::copy::Simd::w64}) {
    CopyFn h = eros::copy::hybrid_of(w);
    if (h == nullptr) continue;
    INFO("hybrid entry, simd " << int(w));
    CHECK(exhaustive(h, 1024, 512) == "");
    CHECK(randomised(h, 500, 31 + int(w)) == "");
  }
  INFO("move, disjoint");
  CHECK(exhaustive(&move_fn, 1024, 512) == "");
}

TEST_CASE("every variant copies long lengths at random alignments", "[copy]") {
  std::size_t count = 0;
  const eros::copy::Variant* vs = eros::copy::variants(&count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!vs[i].available) continue;
    INFO("variant " << vs[i].name);
    CHECK(randomised(vs[i].fn, 2000, 1000 + i) == "");
  }
  CHECK(randomised(&inline_hybrid, 2000, 77) == "");
  CHECK(randomised(&move_fn, 2000, 78) == "");
}

TEST_CASE("every branch of the hybrid under forced tunings", "[copy]") {
  using namespace eros::copy;
  TuningGuard guard;
  Features f = cpu_features();
  std::vector<Simd> widths = {Simd::w16};
  if (f.avx2) widths.push_back(Simd::w32);
  if (f.avx512f) widths.push_back(Simd::w64);

  std::size_t count = 0;
  const Variant* vs = variants(&count);
  std::vector<Hw> hws;
  for (Hw h : {Hw::movsb, Hw::movsq, Hw::ldpstp, Hw::mops})
    if (hardware_of(h) != nullptr) hws.push_back(h);
  REQUIRE(!hws.empty());
  (void)vs;

  for (Simd w : widths) {
    for (Hw h : hws) {
      Tuning hw_all;  // hardware move for 513..39,999 bytes, except every third distance class
      hw_all.simd = w;
      hw_all.hw = h;
      hw_all.hw_min = 513;
      hw_all.hw_max = 40000;
      for (std::size_t c = 0; c < 4096; c += 3) set_hw_avoided(hw_all, c, true);
      REQUIRE(set_tuning(hw_all));
      INFO("simd " << int(w) << " hw " << int(h));
      CHECK(exhaustive(&inline_hybrid, 700, 0) == "");
      CHECK(exhaustive(hybrid_of(w), 700, 0) == "");
      CHECK(randomised(&inline_hybrid, 200, 5) == "");
    }
    Tuning nt;  // streaming stores from 513 bytes up
    nt.simd = w;
    nt.nt_min = 513;
    REQUIRE(set_tuning(nt));
    INFO("simd " << int(w) << " streaming");
    CHECK(exhaustive(&inline_hybrid, 700, 0) == "");
    CHECK(randomised(&inline_hybrid, 200, 6) == "");
    CHECK(randomised(&move_fn, 100, 7) == "");
    INFO("simd " << int(w) << " streaming(), the receiver's choice");
    CHECK(exhaustive(&inline_streaming, 700, 300) == "");
    CHECK(randomised(&inline_streaming, 300, 8) == "");
  }
}

TEST_CASE("move() is as if the source were read first", "[copy]") {
  std::vector<unsigned char> buf(3 * kMax), ref(3 * kMax), orig(3 * kMax);
  std::mt19937_64 rng(99);
  for (auto& b : orig) b = static_cast<unsigned char>(rng());
  auto run = [&](std::size_t so, std::size_t dof, std::size_t n) -> bool {
    buf = orig;
    ref = orig;
    for (std::size_t i = 0; i < n; ++i) ref[dof + i] = orig[so + i];  // reference
    eros::copy::move(buf.data() + dof, buf.data() + so, n);
    return buf == ref;
  };
  auto run_fast = [&](std::size_t so, std::size_t dof, std::size_t n) -> bool {
    // only the window [min-64, max+n+64) changes
    std::size_t lo = std::min(so, dof) - 64, hi = std::max(so, dof) + n + 64;
    std::memcpy(buf.data() + lo, orig.data() + lo, hi - lo);
    eros::copy::move(buf.data() + dof, buf.data() + so, n);
    for (std::size_t i = lo; i < hi; ++i) {
      unsigned char want = (i >= dof && i < dof + n) ? orig[so + (i - dof)] : orig[i];
      if (buf[i] != want) return false;
    }
    return true;
  };
  buf = orig;
  // every length to 300 at every distance -300..300 and a few base alignments
  for (std::size_t n = 0; n <= 300; ++n)
    for (std::ptrdiff_t delta = -300; delta <= 300; ++delta) {
      std::size_t so = 1024 + (n * 7 + static_cast<std::size_t>(delta + 300)) % 64;
      std::size_t dof = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(so) + delta);
      if (!run_fast(so, dof, n)) {
        FAIL("move n=" << n << " delta=" << delta);
      }
    }
  // long overlapping and disjoint moves
  for (int i = 0; i < 400; ++i) {
    std::size_t n = rng() % (kMax + 1);
    std::size_t so = 64 + rng() % (kMax + 64);
    std::ptrdiff_t delta = static_cast<std::ptrdiff_t>(rng() % (2 * n + 129)) -
                           static_cast<std::ptrdiff_t>(n + 64);
    if (static_cast<std::ptrdiff_t>(so) + delta < 64) delta = 64 - static_cast<std::ptrdiff_t>(so);
    std::size_t dof = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(so) + delta);
    if (dof + n + 64 > buf.size() || so + n + 64 > buf.size()) continue;
    INFO("move n=" << n << " so=" << so << " dof=" << dof);
    CHECK(run_fast(so, dof, n));
  }
  CHECK(run(100, 100, 5000));
  CHECK(run(100, 101, kMax));
  CHECK(run(101, 100, kMax));
}

TEST_CASE("tuning tables are validated and the distance bitmap works", "[copy]") {
  using namespace eros::copy;
  TuningGuard guard;
  Tuning t;
  for (std::size_t c = 0; c < 4096; ++c) CHECK_FALSE(hw_avoided(t, c));
  set_hw_avoided(t, 16, true);
  set_hw_avoided(t, 4095, true);
  CHECK(hw_avoided(t, 16));
  CHECK(hw_avoided(t, 4096 + 16));  // mod 4096
  CHECK(hw_avoided(t, std::size_t(0) - 1));  // (dst - src) wraps: 4095
  CHECK_FALSE(hw_avoided(t, 17));
  set_hw_avoided(t, 16, false);
  CHECK_FALSE(hw_avoided(t, 16));

  Tuning bad = t;
  bad.version = 0;
  CHECK_FALSE(set_tuning(bad));
  bad = t;
  bad.simd = static_cast<Simd>(7);
  CHECK_FALSE(set_tuning(bad));
  Features f = cpu_features();
  if (!f.avx512f) {
    bad = t;
    bad.simd = Simd::w64;
    CHECK_FALSE(set_tuning(bad));
  }
  CHECK(set_tuning(default_tuning()));
  CHECK(tuning().version == kTuningVersion);
}

TEST_CASE("the variant list names each member once", "[copy]") {
  std::size_t count = 0;
  const eros::copy::Variant* vs = eros::copy::variants(&count);
  bool kinds[5] = {};
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < i; ++j) CHECK(std::string(vs[i].name) != vs[j].name);
    if (vs[i].available) kinds[static_cast<int>(vs[i].kind)] = true;
  }
  for (bool k : kinds) CHECK(k);  // every kind has at least one available member
}
