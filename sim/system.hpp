// The hosted kernel as a library: make a system, spawn domains, give keys, run, inspect.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/kernel.hpp"

namespace eros::sim {

struct Options {
  std::uint32_t max_domains = 1024;
  std::size_t stack_bytes = kAsan ? 256 * 1024 : 64 * 1024;
  std::uint32_t max_numbers = 1024;
  std::uint32_t trace_capacity = 1 << 16;
  bool trace = true;
};

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
  Space& space(SpaceId s) { return *platform_.spaces_[s]; }

  // ---- domains and keys --------------------------------------------------------------
  // A new domain, Running and ready; `body` runs on its own fiber, and its stack is mapped
  // read-write in its space. When the body returns the domain halts. kNoDomain when full.
  DomainId spawn(std::function<void()> body, SpaceId space = kSharedSpace);
  Key start_key(DomainId d, std::uint16_t badge = 0) { return kernel_.start_key(d, badge); }
  Key domain_control_key(DomainId d) { return kernel_.domain_control_key(d); }
  Key yield_key() const { return kernel_.yield_key(); }
  Key number_key(std::uint64_t w0, std::uint64_t w1 = 0, std::uint64_t w2 = 0,
                 std::uint64_t w3 = 0) {
    return kernel_.number_key(w0, w1, w2, w3);
  }
  void set_key(DomainId d, std::uint8_t reg, const Key& k) { kernel_.domain(d).regs.write(reg, k); }
  const Key& key(DomainId d, std::uint8_t reg) const { return kernel_.domain(d).regs[reg]; }
  bool valid(const Key& k) const { return kernel_.valid(k); }
  void rescind(DomainId d) { kernel_.rescind(d); }
  // How strings land in d's receive buffer (as a DomainControl SetDelivery).
  void set_delivery(DomainId d, Delivery how) { kernel_.domain(d).delivery = how; }
  Delivery delivery(DomainId d) const { return kernel_.domain(d).delivery; }

  DomainState state(DomainId d) const { return kernel_.domain(d).state; }
  const Result& result(DomainId d) const { return kernel_.domain(d).result; }
  DomainId stalled_on(DomainId d) const { return kernel_.domain(d).stalled_on; }
  std::uint64_t call_count(DomainId d) const { return kernel_.domain(d).call_count; }

  // ---- running -----------------------------------------------------------------------
  // Run domains until none is ready; returns how many times the scheduler dispatched one.
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
