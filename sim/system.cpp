// The hosted kernel: storage, fibers, the scheduler loop and trace rendering.
#include "sim/system.hpp"

#include "core/trace_text.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/copy/tuning_host.hpp"

#if defined(EROS_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace eros {

void SimPlatform::panic(const char* why) noexcept {
  std::fprintf(stderr, "eros kernel panic: %s\n", why);
  std::abort();
}

namespace {
using boost::context::detail::fcontext_t;
using boost::context::detail::jump_fcontext;
using boost::context::detail::make_fcontext;
using boost::context::detail::transfer_t;

void clear_mxcsr_flags() {
  std::uint32_t m;
  asm volatile("stmxcsr %0" : "=m"(m));
  m &= ~0x3fu;
  asm volatile("ldmxcsr %0" : : "m"(m));
}
void plain_peer(transfer_t t) {
  for (;;) t = jump_fcontext(t.fctx, nullptr);
}
void inexact_peer(transfer_t t) {
  volatile double x = 1.0;
  x = x / 3.0;   // sets the precision flag in this context's MXCSR only
  for (;;) t = jump_fcontext(t.fctx, nullptr);
}
// Best of several rounds of switch pairs with a peer fiber, in TSC ticks per pair.
std::uint64_t ticks_per_pair(void (*peer)(transfer_t)) {
  std::vector<char> stack(64 * 1024);
  clear_mxcsr_flags();
  fcontext_t c = make_fcontext(stack.data() + stack.size(), stack.size(), peer);
  c = jump_fcontext(c, nullptr).fctx;
  std::uint64_t best = ~std::uint64_t{0};
  for (int round = 0; round < 5; ++round) {
    std::uint64_t t0 = __builtin_ia32_rdtsc();
    for (int i = 0; i < 2000; ++i) c = jump_fcontext(c, nullptr).fctx;
    std::uint64_t t = (__builtin_ia32_rdtsc() - t0) / 2000;
    best = t < best ? t : best;
  }
  return best;   // the peer's stack is dropped with it; it never returns
}
}  // namespace

void SimPlatform::calibrate_fp_status() {
  static bool done = false;
  if (done) return;
  done = true;
  if (const char* force = std::getenv("EROS_CLEAR_FP_STATUS")) {
    clear_fp_status_on_switch = force[0] == '1';
    return;
  }
  std::uint64_t plain = ticks_per_pair(plain_peer), inexact = ticks_per_pair(inexact_peer);
  clear_fp_status_on_switch = inexact * 2 > plain * 3;   // more than 1.5x slower
}

namespace sim {

void sanitizer_start_switch([[maybe_unused]] void** fake_stack,
                            [[maybe_unused]] const FiberStack& to) {
#if defined(EROS_ASAN)
  __sanitizer_start_switch_fiber(fake_stack, to.bottom, to.size);
#endif
}
void sanitizer_finish_switch([[maybe_unused]] void* fake_stack) {
#if defined(EROS_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}
void sanitizer_unpoison([[maybe_unused]] void* p, [[maybe_unused]] std::size_t n) {
#if defined(EROS_ASAN)
  __asan_unpoison_memory_region(p, n);
#endif
}

constinit thread_local System* System::t_active_ = nullptr;

namespace {

std::byte* alloc_pages(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) SimPlatform::panic("out of host memory");
  return static_cast<std::byte*>(p);
}

// Guard pages cost one mapping each; Linux allows about 65,000 per process.
constexpr std::uint32_t kMaxGuardedStacks = 16384;

// EROS_NO_CALIBRATE=1: no System in this process tunes the copy family.
bool calibration_disabled_by_env() {
  const char* e = std::getenv("EROS_NO_CALIBRATE");
  return e != nullptr && e[0] == '1' && e[1] == '\0';
}
}  // namespace

const Options& System::checked(const Options& o) {
  constexpr const char* fn = "sim::System::System";
  if (o.max_domains < 1 || o.max_domains > kMaxDomainsLimit)
    out_of_range(fn, "Options::max_domains", o.max_domains, 1, kMaxDomainsLimit);
  if (o.stack_bytes < kMinStackBytes || o.stack_bytes > kMaxStackBytes)
    out_of_range(fn, "Options::stack_bytes", o.stack_bytes, kMinStackBytes, kMaxStackBytes);
  if ((o.trace_capacity & (o.trace_capacity - 1)) != 0)
    usage_error(fn, absl::StrFormat("Options::trace_capacity %u out of range: 0 or a power of two",
                                    o.trace_capacity));
  return o;
}

System::System(Options options)
    : options_(checked(options)),
      domains_(options.max_domains + 1),
      numbers_(options.max_numbers),
      trace_ring_(options.trace_capacity),
      bodies_(options.max_domains + 1),
      platform_(),
      kernel_(platform_, KernelMemory{domains_.data(), static_cast<std::uint32_t>(domains_.size()),
                                      numbers_.data(), options.max_numbers, trace_ring_.data(),
                                      options.trace_capacity}) {
  options_.stack_bytes = (options_.stack_bytes + kPageSize - 1) & ~(kPageSize - 1);
  stacks_bytes_ = options_.stack_bytes * domains_.size();
  stacks_ = alloc_pages(stacks_bytes_);
  platform_.fibers_.resize(domains_.size());
  SimPlatform::calibrate_fp_status();
  // The copy family's thresholds for this CPU, measured once and kept in a file. Timings
  // under a sanitizer mean nothing, so sanitized builds keep the built-in defaults.
  if constexpr (!kAsan)
    if (options.calibrate && !calibration_disabled_by_env()) copy::ensure_tuned();
  kernel_.trace.enabled = options.trace;
  new_space();   // kSharedSpace
}

System::~System() {
  if (t_active_ == this) t_active_ = nullptr;
  munmap(stacks_, stacks_bytes_);
  for (void* p : platform_.fresh_pages_) munmap(p, kPageSize);
}


SpaceId System::new_space() {
  platform_.spaces_.push_back(std::make_unique<Space>());
  return static_cast<SpaceId>(platform_.spaces_.size() - 1);
}

std::span<std::byte> System::alloc(SpaceId s, std::size_t bytes, Perm perm) {
  constexpr const char* fn = "sim::System::alloc";
  check_space(fn, s, platform_.spaces_.size());
  check_perm(fn, perm);
  // Rounding up past SIZE_MAX would wrap to a one-page block behind a huge span.
  if (bytes > kSpaceTop) out_of_range(fn, "bytes", bytes, 0, kSpaceTop);
  std::size_t rounded = (bytes + kPageSize - 1) & ~(kPageSize - 1);
  if (rounded == 0) rounded = kPageSize;
  auto* p = static_cast<std::byte*>(std::aligned_alloc(kPageSize, rounded));
  if (p == nullptr) SimPlatform::panic("out of host memory");
  std::memset(p, 0, rounded);
  memory_.emplace_back(p, [](std::byte* q) { std::free(q); });
  space(s).map(p, rounded, perm);
  return {p, bytes};
}

void System::map(SpaceId s, const void* addr, std::size_t bytes, Perm perm) {
  constexpr const char* fn = "sim::System::map";
  check_space(fn, s, platform_.spaces_.size());
  check_page_range(fn, addr, bytes);
  check_perm(fn, perm);
  platform_.spaces_[s]->map(addr, bytes, perm);
}
void System::unmap(SpaceId s, const void* addr, std::size_t bytes) {
  constexpr const char* fn = "sim::System::unmap";
  check_space(fn, s, platform_.spaces_.size());
  check_page_range(fn, addr, bytes);
  platform_.spaces_[s]->unmap(addr, bytes);
}

DomainId System::spawn(std::function<void()> body, SpaceId s) {
  constexpr const char* fn = "sim::System::spawn";
  check_space(fn, s, platform_.spaces_.size());
  if (!body) usage_error(fn, "body is empty");
  DomainId id = kernel_.create_domain(s);
  if (id == kNoDomain) return kNoDomain;
  bodies_[id] = std::move(body);
  std::byte* bottom = stacks_ + options_.stack_bytes * id;
  if (options_.max_domains <= kMaxGuardedStacks) mprotect(bottom, kPageSize, PROT_NONE);
  SimPlatform::Fiber& f = platform_.fibers_[id];
  f.stack = FiberStack{bottom, options_.stack_bytes};
  f.ctx = boost::context::detail::make_fcontext(bottom + options_.stack_bytes, options_.stack_bytes,
                                                &System::fiber_entry);
  // The domain's stack is its own memory: buffers on it may be sent and received into.
  platform_.spaces_[s]->map(bottom + kPageSize, options_.stack_bytes - kPageSize, kReadWrite);
  // A domain halted in mid-body (a fault with no keeper) never unwinds, so its frames'
  // redzones stay poisoned, on these pages or, once unmapped, on whatever a later System
  // maps there: a new fiber starts on a clean stack.
  sanitizer_unpoison(bottom + kPageSize, options_.stack_bytes - kPageSize);
  return id;
}

void System::fiber_entry(transfer_t t) {
  sanitizer_finish_switch(nullptr);
  *static_cast<fcontext_t*>(t.data) = t.fctx;
  System* self = t_active_;
  self->run_body(self->platform_.current());
}

void System::raise_fault(FaultKind kind, std::uint64_t code, std::uint64_t address) {
  constexpr const char* fn = "sim::System::raise_fault";
  if (t_active_ != this || current() == kNoDomain)
    usage_error(fn, "called from outside a domain of this system");
  const auto k = static_cast<unsigned>(kind);
  if (k == 0 || k >= kFaultKindCount) out_of_range(fn, "fault kind", k, 1, kFaultKindCount - 1);
  kernel_.fault(kernel_.domain(current()), kind, code, address, /*pc=*/0);
}

void System::run_body(DomainId id) {
  bodies_[id]();
  kernel_.halt(kernel_.domain(id));
}

std::size_t System::run() {
  // The scheduler's context would be overwritten by the domain's own.
  if (t_active_ == this) usage_error("sim::System::run", "called from a domain of this system");
  System* outer = t_active_;
  t_active_ = this;
  if constexpr (kAsan) {
    pthread_attr_t attr;
    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstack(&attr, &platform_.scheduler_.stack.bottom, &platform_.scheduler_.stack.size);
    pthread_attr_destroy(&attr);
  }
  const std::uint64_t before = platform_.switches();
  for (DomainId d; (d = kernel_.take_ready()) != kNoDomain;) platform_.run_from_scheduler(d);
  t_active_ = outer;
  return static_cast<std::size_t>(platform_.switches() - before);
}

// ---- trace rendering -----------------------------------------------------------------

std::vector<Event> System::events() const {
  std::vector<Event> out;
  for (std::uint64_t s = kernel_.trace.first_kept(); s < kernel_.trace.total(); ++s)
    out.push_back(kernel_.trace.at(s));
  return out;
}

std::string to_text(const Event& e) {
  char line[kEventTextMax];
  return std::string(line, event_text(e, line));
}

std::string System::trace_text() const {
  std::string out;
  for (const Event& e : events()) absl::StrAppend(&out, to_text(e), "\n");
  return out;
}

std::string System::trace_json() const {
  // Trace-event format: one complete event per record on the invoker's track, one
  // microsecond per step, so the order reads left to right in chrome://tracing or Perfetto.
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  for (const Event& e : events()) {
    absl::StrAppendFormat(
        &out,
        "%s{\"name\":\"%s %s\",\"cat\":\"ipc\",\"ph\":\"X\",\"ts\":%llu,\"dur\":1,\"pid\":1,"
        "\"tid\":%u,\"args\":{\"target\":%u,\"key_register\":%u,\"badge\":%u,\"sent\":%u,"
        "\"landed\":%u,\"status\":\"%s\"}}",
        first ? "" : ",\n", name(e.kind), name(e.key), static_cast<unsigned long long>(e.step),
        e.invoker, e.target, e.key_register, e.badge, e.sent, e.landed, name(e.status));
    first = false;
  }
  out += "\n]}\n";
  return out;
}

}  // namespace sim
}  // namespace eros

// The page-mapping object's pages. At most 65,536 (256 MB), as bare metal keeps frames back.
bool eros::SimPlatform::map_fresh(Domain& d, std::uint64_t va) noexcept {
  constexpr std::size_t kMaxFreshPages = 65536;
  if (va < sim::kPageSize || va >= sim::kSpaceTop || fresh_pages_.size() >= kMaxFreshPages) return false;
  sim::Space& space = *spaces_[d.space];
  const auto* at = reinterpret_cast<const void*>(va);
  if (space.allows(at, 1, sim::kRead) || space.allows(at, 1, sim::kWrite)) return false;
  void* p = mmap(reinterpret_cast<void*>(va), sim::kPageSize, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED) return false;
  if (p != at) {   // a kernel without MAP_FIXED_NOREPLACE takes it as a hint
    munmap(p, sim::kPageSize);
    return false;
  }
  fresh_pages_.push_back(p);
  space.map(at, sim::kPageSize, sim::kReadWrite);
  return true;
}
