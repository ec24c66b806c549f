// The kernel: fixed-capacity object tables, the ready queue, and the three invocations.
#pragma once
#include <cstdint>

#include "core/domain.hpp"
#include "core/objects.hpp"
#include "core/platform.hpp"
#include "core/trace.hpp"
#include "platform_impl.hpp"

namespace eros {

static_assert(PlatformInterface<Platform>, "the platform selected by include path must fit the seam");

struct NumberObject {
  std::uint64_t w[4] = {};
};

// Storage the kernel runs in, sized and provided by the platform at start-up: the kernel
// itself never allocates.
struct KernelMemory {
  Domain* domains = nullptr;        // slot 0 is reserved (kNoDomain)
  std::uint32_t domain_capacity = 0;
  NumberObject* numbers = nullptr;
  std::uint32_t number_capacity = 0;
  Event* trace = nullptr;
  std::uint32_t trace_capacity = 0;
};

class Kernel {
 public:
  Kernel(Platform& platform, KernelMemory memory);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // ---- objects -------------------------------------------------------------------
  // A new domain is Running and on the ready queue; kNoDomain when the table is full.
  DomainId create_domain(SpaceId space);
  Key start_key(DomainId d, std::uint16_t badge) const;
  // A key to a kernel object of `kind` (core/objects.def): `object` names its domain
  // (DomainControl), `w` its words (Number); a void key when it cannot be made.
  Key object_key(KeyKind kind, std::uint32_t object, const std::uint64_t (&w)[4]);
  Key domain_control_key(DomainId d) { return object_key(KeyKind::DomainControl, d, {}); }
  Key yield_key() { return object_key(KeyKind::Yield, 0, {}); }
  Key number_key(std::uint64_t w0, std::uint64_t w1 = 0, std::uint64_t w2 = 0,
                 std::uint64_t w3 = 0);   // a void key when the number table is full
  const NumberObject& number(std::uint32_t i) const { return numbers_[i]; }
  std::uint32_t number_count() const { return number_count_; }
  void rescind(DomainId d);
  // The domain's program ended: every key to it becomes void; never returns.
  [[noreturn]] void halt(Domain& d);

  // ---- keepers and faults (core/keeper.cpp) -------------------------------------------
  // The platform reports a fault of the running domain `me`, on its own context: the
  // kernel Calls its keeper on its behalf (w = kind, code, address, pc; the keeper gets a
  // fault key in r3). Returns when the keeper restarts it; halts it when it has no valid
  // keeper or the keeper says so.
  void fault(Domain& me, FaultKind kind, std::uint64_t code, std::uint64_t address,
             std::uint64_t pc);
  // Would a fault of `d` reach a keeper (a valid start or resume key in its keeper slot)?
  bool has_keeper(const Domain& d) const { return keeper_target(d.keeper) != kNoDomain; }
  void set_keeper(DomainId d, const Key& k) {
    if (exists(d)) domains_[d].keeper = k;
  }

  bool valid(const Key& k) const;
  Domain& domain(DomainId d) { return domains_[d]; }
  const Domain& domain(DomainId d) const { return domains_[d]; }
  std::uint32_t domain_count() const { return count_; }   // ids 1..count-1
  bool exists(DomainId d) const { return d != kNoDomain && d < count_; }
  // Exists and has not halted: what a key naming the domain itself needs to be made or valid.
  bool live(DomainId d) const { return exists(d) && domains_[d].state != DomainState::Halted; }

  // ---- the trap: one function per invocation ---------------------------------------
  // Each returns, on the invoker's own context, the result delivered to it.
  const Result& call(Domain& me, std::uint8_t key, const Message& m, const ReceiveDesc& rcv);
  const Result& return_to(Domain& me, std::uint8_t key, const Message& m,
                          const ReceiveDesc& rcv);
  const Result& send(Domain& me, std::uint8_t key, const Message& m);

  // ---- scheduling ------------------------------------------------------------------
  // The next ready domain, removed from the ready queue; kNoDomain when none.
  DomainId take_ready();
  bool any_ready() const { return !ready_.empty(); }

  Trace trace;
  Platform& platform() { return platform_; }

 private:
  Domain* start_target(const Key& k);
  Domain* resume_target(const Key& k);
  // A keeper is a valid start key (its domain may be busy: the fault stalls on it) or a
  // valid resume key (a coroutine call). A kernel object would answer at once and the
  // fault repeat; a void, stale or fault key reaches nobody. kNoDomain: not a keeper.
  DomainId keeper_target(const Key& k) const {
    if (k.object >= count_) return kNoDomain;
    const Domain& d = domains_[k.object];
    if (k.kind == KeyKind::Start) return d.alloc_version == k.bound ? d.id : kNoDomain;
    if (k.kind == KeyKind::Resume) return d.call_count == k.bound ? d.id : kNoDomain;
    return kNoDomain;
  }
  const Result& use_fault_key(Domain& me, Op op, std::uint8_t kr, const Key& key, Domain& x,
                              const Message& m, const ReceiveDesc& rcv);
  // A domain stops for good: every key to it becomes void, its stallers restart.
  void stop(Domain& d);
  bool is_kernel_object(const Key& k) const { return eros::is_kernel_object(k.kind); }
  // A kernel object's kind, naming a live object (the kind checked inline, so that a caller
  // that has checked it already pays once).
  bool valid_object(const Key& k) const { return is_kernel_object(k) && object_live(k); }
  bool object_live(const Key& k) const;   // k is of a kernel object's kind
  Status invoke_object(ObjectCall& c);
  // What a Call on a key that names no domain answers at once (a failed check of the
  // message, Void, or a kernel object's answer), written to `out`; a key the object makes
  // goes to `keys_to`'s receive register r[0]. Returns whether the invoker yields after.
  bool answer_at_once(Domain& me, const Key& key, const Message& m, Domain* keys_to,
                      std::uint8_t key_into, Result& out);
  // A Return or Send on such a key answers the domain whose valid resume key is in k3.
  Domain* returnee(const Domain& me, const Message& m, bool& fault_key);
  [[gnu::noinline]] const Result& return_at_once(Domain& me, std::uint8_t kr,
                                                 const Message& m, const ReceiveDesc& rcv);
  bool resume_returnee(Domain& x, bool fault_key, const Result& answer);
  const Result& commit_call(Domain& me, Domain& to, std::uint8_t kr, const Key& key,
                            const Message& m, const ReceiveDesc& rcv, std::uint32_t landed);
  [[gnu::noinline]] const Result& call_key(Domain& me, std::uint8_t kr, const Key& key,
                                           const Message& m, const ReceiveDesc& rcv);
  [[gnu::noinline]] const Result& call_bad_register(Domain& me, std::uint8_t kr,
                                                    const Message& m);
  [[gnu::noinline]] const Result& call_slow(Domain& me, std::uint8_t kr, const Key& key,
                                            const Message& m, const ReceiveDesc& rcv);
  [[gnu::noinline]] const Result& call_domain_key(Domain& me, std::uint8_t kr,
                                                  const Key& in_register, const Message& m,
                                                  const ReceiveDesc& rcv);
  [[gnu::noinline]] const Result& call_object(Domain& me, std::uint8_t kr, const Key& in_register,
                                              const Message& m, const ReceiveDesc& rcv);
  const Result& call_number(Domain& me, std::uint8_t kr, const Key& key, const Message& m);

  Status check_source(const Domain& me, const Message& m) const;
  Status check_dest(const Domain& to, std::uint32_t landed) const;
  // k3() makes the key given as k3, only when the recipient takes one there.
  template <class MakeK3>
  void deliver(const Domain& from, Domain& to, const Message& m, std::uint32_t landed,
               std::uint16_t key_info, MakeK3 k3);
  void deliver_status(Domain& to, const Message& m, std::uint16_t key_info, Status s);

  void enqueue(DomainQueue& q, Domain& d);
  Domain* dequeue(DomainQueue& q);
  void make_ready(Domain& d);
  void stall(Domain& me, Domain& target, Op op, std::uint8_t kr, const Key& key);
  void become_available(Domain& me, const ReceiveDesc& rcv);
  void release_stallers(Domain& d, bool all, RestartCause why);
  void pass_on_restart(Domain& me);
  [[gnu::noinline]] const Result& passed_on(Domain& me);   // pass_on_restart, then me.result
  void dispatch_away(Domain& me);
  void yield(Domain& me);
  const Result& finish(Domain& me, Op op, std::uint8_t kr, const Key& key, Status s,
                       std::uint32_t len) {
    return finish(trace.next_unfilled(), me, op, kr, key, s, len);
  }
  const Result& finish(Event* slot, Domain& me, Op op, std::uint8_t kr, const Key& key,
                       Status s, std::uint32_t len);
  void record(EventKind kind, const Domain& invoker, std::uint8_t kr, const Key& key,
              Status s, std::uint32_t sent, std::uint32_t landed) {
    fill(trace.next_unfilled(), kind, invoker, kr, key, s, sent, landed);
  }
  // Fills a slot taken earlier (null: tracing is off): an invocation of a kernel object
  // takes its slot before the object acts, so that it is traced before what it causes.
  void fill(Event* e, EventKind kind, const Domain& invoker, std::uint8_t kr, const Key& key,
            Status s, std::uint32_t sent, std::uint32_t landed);

  Platform& platform_;
  Domain* domains_;
  std::uint32_t capacity_;
  std::uint32_t count_ = 1;          // slot 0 reserved
  NumberObject* numbers_;
  std::uint32_t number_capacity_;
  std::uint32_t number_count_ = 0;
  DomainQueue ready_;
};

constexpr std::uint32_t clamp_limit(std::uint32_t limit) {
  return limit < kMaxString ? limit : kMaxString;
}

// Field by field: the invoker has just built `rcv` with narrow stores, and one wide load
// of it would wait for them to leave the store buffer.
inline std::uint32_t four_bytes(const std::uint8_t (&b)[4]) {
  std::uint32_t v;
  __builtin_memcpy(&v, b, sizeof v);
  return v;
}

inline void keep_receive(Domain& me, const ReceiveDesc& rcv) {
  me.rcv.buf = rcv.buf;
  me.rcv.limit = clamp_limit(rcv.limit);
  const std::uint32_t r = four_bytes(rcv.r);
  __builtin_memcpy(me.rcv.r, &r, sizeof r);
}


}  // namespace eros

#include "ipc/fastpath.hpp"
