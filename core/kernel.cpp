// Kernel objects, queues and scheduling; the invocation paths are in ipc/invoke.cpp.
#include "core/kernel.hpp"

namespace eros {

Kernel::Kernel(Platform& platform, KernelMemory memory)
    : trace(memory.trace, memory.trace_capacity),
      platform_(platform),
      domains_(memory.domains),
      capacity_(memory.domain_capacity),
      numbers_(memory.numbers),
      number_capacity_(memory.number_capacity) {}

DomainId Kernel::create_domain(SpaceId space) {
  if (count_ >= capacity_) return kNoDomain;
  DomainId id = count_++;
  Domain& d = domains_[id];
  d = Domain{};
  d.id = id;
  d.space = space;
  d.state = DomainState::Running;
  make_ready(d);
  return id;
}

Key Kernel::start_key(DomainId d, std::uint16_t badge) const {
  if (!live(d)) return Key{};
  return Key{KeyKind::Start, 0, badge, d, domains_[d].alloc_version};
}

// Yield: the invoker goes to the tail of the ready queue and the head runs; with nothing
// else ready it simply goes on.
void Kernel::yield(Domain& me) {
  if (ready_.empty()) return;
  make_ready(me);
  dispatch_away(me);
}

Key Kernel::number_key(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t w3) {
  if (number_count_ >= number_capacity_) return Key{};
  std::uint32_t i = number_count_++;
  numbers_[i] = NumberObject{{w0, w1, w2, w3}};
  return Key{KeyKind::Number, 0, 0, i, 0};
}

bool Kernel::valid(const Key& k) const {
  switch (k.kind) {
    case KeyKind::Start:
      return exists(k.object) && domains_[k.object].alloc_version == k.bound;
    case KeyKind::Resume:
    case KeyKind::Fault:
      return exists(k.object) && domains_[k.object].call_count == k.bound;
    case KeyKind::Void:
      return false;
    default:
      return valid_object(k);
  }
}

void Kernel::rescind(DomainId id) {
  if (!exists(id)) return;
  Domain& d = domains_[id];
  ++d.alloc_version;
  // Every staller holds a key that is now void: let them all restart and find out.
  release_stallers(d, /*all=*/true, RestartCause::Rescinded);
}

void Kernel::stop(Domain& d) {
  ++d.alloc_version;
  ++d.call_count;
  d.state = DomainState::Halted;
  Event e;
  e.kind = EventKind::Halt;
  e.invoker = d.id;
  e.target = d.id;
  trace.record(e);
  release_stallers(d, /*all=*/true, RestartCause::Halted);
}

void Kernel::halt(Domain& d) {
  stop(d);
  dispatch_away(d);
  Platform::panic("a halted domain was switched to");
}

// ---- queues and scheduling ---------------------------------------------------------

void Kernel::enqueue(DomainQueue& q, Domain& d) {
  d.next = kNoDomain;
  if (q.empty()) {
    q.head = d.id;
  } else {
    domains_[q.tail].next = d.id;
  }
  q.tail = d.id;
}

Domain* Kernel::dequeue(DomainQueue& q) {
  if (q.empty()) return nullptr;
  Domain& d = domains_[q.head];
  q.head = d.next;
  if (q.head == kNoDomain) q.tail = kNoDomain;
  d.next = kNoDomain;
  return &d;
}

void Kernel::make_ready(Domain& d) {
  if (d.ready) Platform::panic("invariant: a domain is on the ready queue at most once");
  d.ready = true;
  enqueue(ready_, d);
}

DomainId Kernel::take_ready() {
  Domain* d = dequeue(ready_);
  if (d == nullptr) return kNoDomain;
  d->ready = false;
  return d->id;
}

void Kernel::stall(Domain& me, Domain& target, Op op, std::uint8_t kr, const Key& key) {
  me.stalled_on = target.id;
  enqueue(target.stallers, me);
  Event e;
  e.kind = EventKind::Stall;
  e.invoker = me.id;
  e.target = target.id;
  e.key = key.kind;
  e.badge = key.badge;
  e.key_register = kr;
  e.op = static_cast<std::uint8_t>(op);
  trace.record(e);
  // A restarted staller that stalls on another domain has not taken the one that restarted
  // it: that one, if still Available, restarts its next staller.
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  dispatch_away(me);
  // Restarted: the caller starts the invocation again from its first check.
}

void Kernel::release_stallers(Domain& d, bool all, RestartCause why) {
  while (Domain* s = dequeue(d.stallers)) {
    s->stalled_on = kNoDomain;
    s->restarted_from = d.id;
    Event e;
    e.kind = EventKind::Restart;
    e.invoker = s->id;
    e.target = d.id;
    e.op = static_cast<std::uint8_t>(why);
    trace.record(e);
    make_ready(*s);
    if (!all) break;
  }
}

// A restarted staller whose retry ended without taking the domain it was stalled on (a
// failed check, a void key) passes the restart on, so no staller is left queued on an
// Available domain.
void Kernel::pass_on_restart(Domain& me) {
  Domain& d = domains_[me.restarted_from];
  me.restarted_from = kNoDomain;
  if (d.state == DomainState::Available) release_stallers(d, /*all=*/false, RestartCause::Available);
}

const Result& Kernel::passed_on(Domain& me) {
  pass_on_restart(me);
  return me.result;
}

void Kernel::dispatch_away(Domain& me) {
  Domain* next = dequeue(ready_);
  if (next == nullptr) {
    platform_.to_scheduler(me);
    return;
  }
  next->ready = false;
  platform_.switch_to(me, *next);
}

}  // namespace eros
