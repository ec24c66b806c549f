// The hosted kernel as a library: make a system, spawn domains, give keys, run, inspect.
//
// Bad arguments abort. A domain id that names no spawned domain (kNoDomain, or one not
// yet spawned; a halted domain is valid), a register outside 0..15, a space not made, a
// map/unmap range not page-aligned or past the 48-bit address range, an alloc of more
// than 2^48 bytes, a perm, Delivery or key kind outside its enum, an empty body, run()
// re-entered from one of the system's own domains, or an Options field out of range is
// the caller's programming error: the entry prints
//   eros: sim::System::set_key: register 16 out of range 0..15
// (function, argument, value, what is valid) on stderr and calls std::abort()
// (sim/usage.hpp). Kernel statuses are for what domains do; these are for the host.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/kernel.hpp"
#include "sim/usage.hpp"

namespace eros::sim {

struct Options {
  std::uint32_t max_domains = 1024;                            // 1..16,777,216
  std::size_t stack_bytes = kAsan ? 256 * 1024 : 64 * 1024;    // 8 KB..1 GB, rounded to pages
  std::uint32_t max_numbers = 1024;
  std::uint32_t trace_capacity = 1 << 16;                      // 0 or a power of two
  bool trace = true;
  // Tune the copy family for this CPU when this is the process's first tuned System: load
  // the table cached under ${XDG_CACHE_HOME:-$HOME/.cache}/eros/, or calibrate (about a
  // second) and write it there. false, or EROS_NO_CALIBRATE=1 in the environment, keeps the
  // built-in thresholds and touches no file: what is delivered is the same, only the speed
  // of long strings differs. Sanitized builds never tune (their timings mean nothing).
  bool calibrate = true;
};

inline constexpr std::uint32_t kMaxDomainsLimit = 1u << 24;
inline constexpr std::size_t kMinStackBytes = 2 * kPageSize;   // the guard page and one more
inline constexpr std::size_t kMaxStackBytes = std::size_t{1} << 30;

// Space 0, made with the system, is the shared space: domains spawned into it are
// intra-space to each other.
inline constexpr SpaceId kSharedSpace = 0;

class System {
 public:
  explicit System(Options options = {});
  ~System();
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  // ---- memory ------------------------------------------------------------------------
  SpaceId new_space();
  // Page-aligned, zeroed host memory mapped into `space` with `perm`; owned by the system.
  std::span<std::byte> alloc(SpaceId space, std::size_t bytes, Perm perm = kReadWrite);
  // Give existing host pages `perm` in `space` (share a region, make it read-only, ...).
  void map(SpaceId space, const void* addr, std::size_t bytes, Perm perm);
  void unmap(SpaceId space, const void* addr, std::size_t bytes);
  Space& space(SpaceId s) {
    check_space("sim::System::space", s, platform_.spaces_.size());
    return *platform_.spaces_[s];
  }

  // ---- domains and keys --------------------------------------------------------------
  // A new domain, Running and ready; `body` runs on its own fiber, and its stack is mapped
  // read-write in its space. When the body returns the domain halts. kNoDomain when full.
  DomainId spawn(std::function<void()> body, SpaceId space = kSharedSpace);
  // Of a halted domain: a void key.
  Key start_key(DomainId d, std::uint16_t badge = 0) {
    check_domain("sim::System::start_key", d);
    return kernel_.start_key(d, badge);
  }
  Key domain_control_key(DomainId d) {
    check_domain("sim::System::domain_control_key", d);
    return kernel_.domain_control_key(d);
  }
  Key yield_key() { return kernel_.yield_key(); }
  // A key of any kernel-object kind (core/objects.def): object = its domain
  // (DomainControl), w = its words (Number); a void key when it cannot be made.
  Key object_key(KeyKind kind, std::uint32_t object = 0, const std::uint64_t (&w)[4] = {}) {
    if (!is_kernel_object(kind)) [[unlikely]]
      out_of_range("sim::System::object_key", "key kind", static_cast<unsigned>(kind),
                   kFirstObjectKind, kKeyKindCount - 1);
    return kernel_.object_key(kind, object, w);
  }
  Key number_key(std::uint64_t w0, std::uint64_t w1 = 0, std::uint64_t w2 = 0,
                 std::uint64_t w3 = 0) {
    return kernel_.number_key(w0, w1, w2, w3);
  }
  // Register 0 stays void: a write to it is discarded. Any key value may be written (a
  // stale or forged one acts as void when invoked) except a kind outside KeyKind.
  void set_key(DomainId d, std::uint8_t reg, const Key& k) {
    check_domain("sim::System::set_key", d);
    check_register("sim::System::set_key", reg);
    check_key_kind("sim::System::set_key", k);
    kernel_.domain(d).regs.write(reg, k);
  }
  const Key& key(DomainId d, std::uint8_t reg) const {
    check_domain("sim::System::key", d);
    check_register("sim::System::key", reg);
    return kernel_.domain(d).regs[reg];
  }
  bool valid(const Key& k) const { return kernel_.valid(k); }
  // The key told of d's faults (as a DomainControl kSetKeeper): a start or resume key;
  // any other key means no keeper, and a fault halts d.
  void set_keeper(DomainId d, const Key& k) {
    check_domain("sim::System::set_keeper", d);
    check_key_kind("sim::System::set_keeper", k);
    kernel_.set_keeper(d, k);
  }
  const Key& keeper(DomainId d) const {
    check_domain("sim::System::keeper", d);
    return kernel_.domain(d).keeper;
  }
  // The hosted platform's faults: the running domain raises `kind` (what bare metal's
  // exceptions report), told to its keeper with w = {kind, code, address, 0}. Returns when
  // its keeper restarts it; when it is halted instead, its body never goes on. Called
  // from outside a domain of this system, it aborts.
  void raise_fault(FaultKind kind, std::uint64_t code = 0, std::uint64_t address = 0);
  void rescind(DomainId d) {
    check_domain("sim::System::rescind", d);
    kernel_.rescind(d);
  }
  // How strings land in d's receive buffer (as a DomainControl SetDelivery).
  void set_delivery(DomainId d, Delivery how) {
    check_domain("sim::System::set_delivery", d);
    if (how > Delivery::streaming) [[unlikely]]
      out_of_range("sim::System::set_delivery", "delivery", static_cast<unsigned>(how), 0,
                   static_cast<unsigned>(Delivery::streaming));
    kernel_.domain(d).delivery = how;
  }
  Delivery delivery(DomainId d) const {
    check_domain("sim::System::delivery", d);
    return kernel_.domain(d).delivery;
  }

  DomainState state(DomainId d) const {
    check_domain("sim::System::state", d);
    return kernel_.domain(d).state;
  }
  const Result& result(DomainId d) const {
    check_domain("sim::System::result", d);
    return kernel_.domain(d).result;
  }
  DomainId stalled_on(DomainId d) const {
    check_domain("sim::System::stalled_on", d);
    return kernel_.domain(d).stalled_on;
  }
  std::uint64_t call_count(DomainId d) const {
    check_domain("sim::System::call_count", d);
    return kernel_.domain(d).call_count;
  }

  // ---- running -----------------------------------------------------------------------
  // Run domains until none is ready. Returns how many times a domain was put on the CPU:
  // from the scheduler, or straight from another domain (a Call or Return switches to its
  // recipient; a domain that blocks or halts switches to the next ready one).
  std::size_t run();
  // The system whose domains are running on this thread, and the domain on the CPU.
  static System* active() { return t_active_; }
  DomainId current() const { return platform_.current(); }

  // ---- trace -------------------------------------------------------------------------
  std::vector<Event> events() const;
  std::string trace_text() const;       // one line per event, stable across runs
  std::string trace_json() const;       // Chrome / Perfetto trace-event JSON
  void set_tracing(bool on) { kernel_.trace.enabled = on; }

  Kernel& kernel() { return kernel_; }

  static constinit thread_local System* t_active_;

 private:
  void check_domain(std::string_view fn, DomainId d) const {
    sim::check_domain(fn, d, kernel_.domain_count());
  }
  static void check_key_kind(std::string_view fn, const Key& k) {
    if (static_cast<unsigned>(k.kind) >= kKeyKindCount) [[unlikely]]
      out_of_range(fn, "key kind", static_cast<unsigned>(k.kind), 0, kKeyKindCount - 1);
  }
  static const Options& checked(const Options& o);
  static void fiber_entry(transfer_t t);
  [[noreturn]] void run_body(DomainId d);

  Options options_;
  std::vector<Domain> domains_;
  std::vector<NumberObject> numbers_;
  std::vector<Event> trace_ring_;
  std::vector<std::function<void()>> bodies_;
  std::vector<std::unique_ptr<std::byte[], void (*)(std::byte*)>> memory_;
  std::byte* stacks_ = nullptr;
  std::size_t stacks_bytes_ = 0;
  SimPlatform platform_;
  Kernel kernel_;
};

// Text form of one event, as trace_text() writes it.
std::string to_text(const Event& e);

}  // namespace eros::sim
