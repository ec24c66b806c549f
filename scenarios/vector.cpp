// Vector state per domain. On bare metal each program loads its own values into XMM0-15
// and MXCSR, traps, and reads them back in the same asm statement (nothing the compiler
// generates runs between), so a value that changed, or one that belongs to another
// domain, is caught; a failed check is a Call on the void register 15, which the trace
// shows. Hosted, the same invocations are made without the registers (fibers keep no
// vector state across a call), so the traces are the same.
#include "scenarios/vector.hpp"

#include "eros/user.hpp"
#include "scenarios/series.hpp"
#include "scenarios/stream.hpp"
#if defined(EROS_BAREMETAL)
#include "user_vector.hpp"   // this machine's vector registers, found by include path
#endif

namespace eros::scenarios {
namespace {

constexpr std::uint8_t kServer = 1, kCaller = 3, kAlarm = 15;

void expect(bool ok) {
  if (!ok) user::call(kAlarm);
}

// The server takes 64-byte strings: on bare metal the kernel copies them with general
// registers (arch/x86_64: kSmallString), so the client's values stay live in the vector
// registers across the copy; vector-avx's longer strings take the SSE copy.
ReceiveDesc rcv(std::byte* data) { return ReceiveDesc{data, 4096, {0, 0, 0, kCaller}}; }
constexpr std::uint32_t kLen = 64;

#if defined(EROS_BAREMETAL)
using namespace user::vector;   // user_vector.hpp: this machine's registers

// A domain's own values: its tag in the top byte, the register and half below.
VecRegs pattern(std::uint64_t tag) {
  VecRegs v{};
  for (std::uint64_t i = 0; i < kVecWords; ++i) v.q[i] = (tag << 56) | 0x00C0FFEE00000000ull | (i + 1);
  return v;
}
bool same(const VecRegs& a, const VecRegs& b) {
  for (int i = 0; i < kVecWords; ++i)
    if (a.q[i] != b.q[i]) return false;
  return true;
}
// Does any register hold a word of another domain's values?
bool holds_any_of(const VecRegs& v, std::uint64_t tag) {
  for (int i = 0; i < kVecWords; ++i)
    if ((v.q[i] >> 56) == tag && ((v.q[i] >> 32) & 0xFFFFFF) == 0xC0FFEE) return true;
  return false;
}
constexpr std::uint64_t kServerTag = 0x5A, kClientTag = 0xA5;

#endif

}  // namespace

// Answers w0 + 1, keeping its own values in the vector registers and a rounding mode in
// MXCSR across every Return; checks they are still its own each time it is called.
void vector_server(std::byte* data, std::uint64_t) {
#if defined(EROS_BAREMETAL)
  const VecRegs mine = pattern(kServerTag);
  VecRegs seen;
  std::uint32_t mx = 0;
  first_look(seen, mx);
  expect(mx == kControlInit && !holds_any_of(seen, kClientTag));
  Result r = vector_trap(Op::Return, 0, {}, rcv(data), mine, kControlServer, seen, mx);
  for (;;) {
    expect(same(seen, mine) && mx == kControlServer);
    r = vector_trap(Op::Return, kCaller, {.w = {r.w[0] + 1}}, rcv(data), mine, kControlServer, seen, mx);
  }
#else
  Result r = user::wait(rcv(data));
  for (;;) r = user::return_to(kCaller, {.w = {r.w[0] + 1}}, rcv(data));
#endif
}

namespace {
void xmm_client(std::byte* data, std::uint64_t param, std::uint32_t len);
}  // namespace

// Calls the server `param` times with its own values in the vector registers and MXCSR.
void vector_client(std::byte* data, std::uint64_t param) { xmm_client(data, param, kLen); }

namespace {
void xmm_client(std::byte* data, std::uint64_t param, std::uint32_t len) {
#if defined(EROS_BAREMETAL)
  const VecRegs mine = pattern(kClientTag);
  VecRegs seen;
  std::uint32_t mx = 0;
  first_look(seen, mx);
  expect(mx == kControlInit && !holds_any_of(seen, kServerTag));
  for (std::uint64_t i = 0; i < param; ++i) {
    Result r = vector_trap(Op::Call, kServer, {.w = {i}, .len = len, .str = data}, {}, mine, kControlClient, seen, mx);
    expect(r.status == Status::Ok && r.w[0] == i + 1);
    expect(same(seen, mine) && mx == kControlClient);
  }
#else
  for (std::uint64_t i = 0; i < param; ++i) {
    Result r = user::call(kServer, {.w = {i}, .len = len, .str = data});
    expect(r.status == Status::Ok && r.w[0] == i + 1);
  }
#endif
}
}  // namespace

// Never sets anything: what it finds, first and after a call, must be the initial state
// or its own, never the server's or the client's values or rounding modes.
void vector_snooper(std::byte*, std::uint64_t) {
#if defined(EROS_BAREMETAL)
  VecRegs seen;
  std::uint32_t mx = 0;
  first_look(seen, mx);
  expect(mx == kControlInit && !holds_any_of(seen, kServerTag) && !holds_any_of(seen, kClientTag));
  const VecRegs zero{};
  Result r = vector_trap(Op::Call, kServer, {.w = {40}}, {}, zero, kControlInit, seen, mx);
  expect(r.status == Status::Ok && r.w[0] == 41);
  expect(same(seen, zero) && mx == kControlInit);
#else
  Result r = user::call(kServer, {.w = {40}});
  expect(r.status == Status::Ok && r.w[0] == 41);
#endif
}

// ---- AVX: the upper halves of YMM0-15 (vector-avx) ---------------------------------------
// The same protocol with the full YMM registers, where the CPU has AVX and the kernel
// enabled it (CPUID: AVX and OSXSAVE; XCR0 with SSE and AVX); elsewhere vector-state's
// programs (XMM0-15, MXCSR). Either way the invocations are the same, so is the trace.
// The clients send kLongLen bytes, more than the kernel copies with general registers
// (arch/x86_64: kSmallString), so that its SSE copy runs while their values are live
// (vector-state's 64 bytes are copied with general registers on bare metal).
constexpr std::uint32_t kLongLen = 192;
#if defined(EROS_BAREMETAL) && defined(__x86_64__)
namespace {
struct alignas(32) YmmRegs {
  std::uint64_t q[64];   // ymm0..15, four words each
};
YmmRegs ymm_pattern(std::uint64_t tag) {
  YmmRegs v{};
  for (std::uint64_t i = 0; i < 64; ++i) v.q[i] = (tag << 56) | 0x00A7E00000000000ull | (i + 1);
  return v;
}
bool same(const YmmRegs& a, const YmmRegs& b) {
  for (int i = 0; i < 64; ++i)
    if (a.q[i] != b.q[i]) return false;
  return true;
}
bool all_zero(const YmmRegs& v) {
  for (int i = 0; i < 64; ++i)
    if (v.q[i] != 0) return false;
  return true;
}
bool avx_enabled() {
  std::uint32_t a, b, c, d;
  asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
  if ((c & (1u << 28)) == 0 || (c & (1u << 27)) == 0) return false;   // AVX, OSXSAVE
  std::uint32_t lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 6) == 6;
}

#define EROS_YLOAD(n) "vmovdqa " #n "*32(%[in]), %%ymm" #n "\n\t"
#define EROS_YSTORE(n) "vmovdqa %%ymm" #n ", " #n "*32(%[out])\n\t"

// The register trap with YMM0-15 loaded from `in` just before it and stored to `out` just
// after (vzeroupper after: the program's own SSE code runs on).
Result ymm_trap(Op op, std::uint8_t key, const Message& m, const ReceiveDesc& rd,
                const YmmRegs& in, YmmRegs& out) {
  Result r;
  register const ReceiveDesc* rdx asm("rdx") = &rd;
  register Result* r10 asm("r10") = &r;
  std::uint64_t rax = static_cast<std::uint64_t>(op);
  asm volatile(EROS_XMM_LIST(EROS_YLOAD) "syscall\n\t" EROS_XMM_LIST(EROS_YSTORE) "vzeroupper"
               : "+a"(rax)
               : "D"(std::uint64_t{key}), "S"(&m), "r"(rdx), "r"(r10), [in] "r"(&in),
                 [out] "r"(&out)
               : "rcx", "r11", "memory", EROS_XMM_LIST(EROS_CLOBBER) "cc");
  return r;
}
void ymm_first_look(YmmRegs& out) {
  asm volatile(EROS_XMM_LIST(EROS_YSTORE) "vzeroupper" : : [out] "r"(&out) : "memory");
}
}  // namespace
#endif

// Answers w0 + 1 with its own values in YMM0-15 across every Return.
void avx_server(std::byte* data, std::uint64_t) {
#if defined(EROS_BAREMETAL) && defined(__x86_64__)
  if (avx_enabled()) {
    const YmmRegs mine = ymm_pattern(kServerTag);
    YmmRegs seen;
    ymm_first_look(seen);
    expect(all_zero(seen));
    Result r = ymm_trap(Op::Return, 0, {}, rcv(data), mine, seen);
    for (;;) {
      expect(same(seen, mine));
      r = ymm_trap(Op::Return, kCaller, {.w = {r.w[0] + 1}}, rcv(data), mine, seen);
    }
  }
#endif
  vector_server(data, 0);
}

// Calls the server `param` times with its own values in YMM0-15 (and a kLongLen-byte
// string, so that the kernel's SSE copy runs while they are live).
void avx_client(std::byte* data, std::uint64_t param) {
#if defined(EROS_BAREMETAL) && defined(__x86_64__)
  if (avx_enabled()) {
    const YmmRegs mine = ymm_pattern(kClientTag);
    YmmRegs seen;
    ymm_first_look(seen);
    expect(all_zero(seen));
    for (std::uint64_t i = 0; i < param; ++i) {
      Result r = ymm_trap(Op::Call, kServer, {.w = {i}, .len = kLongLen, .str = data}, {}, mine, seen);
      expect(r.status == Status::Ok && r.w[0] == i + 1);
      expect(same(seen, mine));
    }
    return;
  }
#endif
  xmm_client(data, param, kLongLen);
}

// Sets nothing: YMM0-15 must be all zero when it first looks and after a call, never the
// server's or a client's upper halves.
void avx_snooper(std::byte* data, std::uint64_t) {
#if defined(EROS_BAREMETAL) && defined(__x86_64__)
  if (avx_enabled()) {
    YmmRegs seen;
    ymm_first_look(seen);
    expect(all_zero(seen));
    const YmmRegs zero{};
    Result r = ymm_trap(Op::Call, kServer, {.w = {40}}, {}, zero, seen);
    expect(r.status == Status::Ok && r.w[0] == 41);
    expect(all_zero(seen));
    return;
  }
#endif
  vector_snooper(data, 0);
}

// ---- STREAM in a ring-3 domain (bench-stream; scenarios/stream.hpp) -------------------
// Here because it needs SSE (double arithmetic). The arrays follow the first page of the
// data area (the series); each kernel runs 10 times (4 with kQuickParam), the first pass
// discarded as STREAM does; between chunks a Call on the number key in register kStreamNumber.
void bench_stream(std::byte* data, std::uint64_t param) {
  const bool quick = (param & kQuickParam) != 0;
  const std::uint64_t n = quick ? kStreamQuickElements : kStreamElements;
  const std::uint64_t times = quick ? 4 : 10;
  auto* a = reinterpret_cast<double*>(data + kPageBytes);
  double* b = a + kStreamElements;
  double* c = b + kStreamElements;
  const auto between = [] { user::call(kStreamNumber); };
  stream::init(a, b, c, n, between);
  std::uint64_t t[4][16];
  for (std::uint64_t pass = 0; pass < times; ++pass) {
    for (int k = 0; k < 4; ++k) {
      const std::uint64_t t0 = bench_ticks();
      stream::run(k, a, b, c, n, between);
      t[k][pass] = bench_ticks() - t0;
    }
  }
  const int errors = stream::check(a, b, c, n, times, between);
  SeriesOut out(data);
  for (int k = 0; k < 4; ++k) {
    std::uint64_t* o = out.begin(stream::kNames[k], stream::kBytesPerElement[k] * n);
    for (std::uint64_t pass = 1; pass < times; ++pass) o[pass - 1] = t[k][pass];
    out.end(times - 1);
  }
  out.timer(64);
  out.begin("errors", 0)[0] = static_cast<std::uint64_t>(errors);
  out.end(1);
  out.done();
}

}  // namespace eros::scenarios
