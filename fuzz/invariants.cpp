// The invariants:
//  - queues: every domain is on at most one queue (the ready queue or one stall queue);
//    a stall queue holds exactly the domains whose stalled_on names its owner, in a
//    well-formed list (head..tail, no cycle); the ready queue is one well-formed list of
//    exactly the domains marked ready;
//  - states: only Running domains are ready or stalled; the domain on the CPU is Running,
//    neither ready nor stalled; an Available, Waiting or Halted domain is on no queue; a
//    Halted domain has no stallers;
//  - progress: a domain that is Available with stallers has a restarted staller still to
//    run its retry (ready, or on the CPU), so no staller is stranded;
//  - keys: register 0 is void; no key is bound to a count or version its object has not
//    reached yet; a valid resume key names a Waiting domain (so a Waiting domain has exactly
//    one live resume-key generation, and a running one none); no valid key names a halted
//    domain;
//  - keepers and faults: the keeper slot obeys the key rules as a register does; a valid
//    fault key names a Waiting domain, like a valid resume key, and never one that a valid
//    resume key also names (a domain waits for its server or for its keeper, not both).
#include "fuzz/invariants.hpp"

#include <vector>

#include "absl/strings/str_format.h"

namespace eros::fuzz {

std::string check_invariants(const Kernel& k, DomainId running) {
  const DomainId n = k.domain_count();
  std::vector<int> queued(n, 0);   // how many queues hold each domain
  std::vector<DomainId> stalled_count(n, 0);
  std::vector<std::uint8_t> waited_by(n, 0);   // bit 0: a valid resume key names it, bit 1: a fault key

  for (DomainId d = 1; d < n; ++d) {
    const Domain& D = k.domain(d);
    if (D.id != d) return absl::StrFormat("d%u: id field says %u", d, D.id);
    const bool busy_state = D.state == DomainState::Running;
    if (D.ready && !busy_state) return absl::StrFormat("d%u is ready but %s", d, name(D.state));
    if (D.stalled_on != kNoDomain) {
      if (!busy_state) return absl::StrFormat("d%u is stalled but %s", d, name(D.state));
      if (!k.exists(D.stalled_on)) return absl::StrFormat("d%u stalled on nonexistent d%u", d, D.stalled_on);
      if (D.ready) return absl::StrFormat("d%u is both ready and stalled on d%u", d, D.stalled_on);
      ++stalled_count[D.stalled_on];
    }
    if (D.state == DomainState::Halted && !D.stallers.empty())
      return absl::StrFormat("halted d%u has stallers", d);

    // Its stall queue.
    DomainId last = kNoDomain;
    DomainId length = 0;
    for (DomainId s = D.stallers.head; s != kNoDomain; s = k.domain(s).next) {
      if (!k.exists(s)) return absl::StrFormat("d%u's stall queue holds nonexistent d%u", d, s);
      if (++length > n) return absl::StrFormat("d%u's stall queue has a cycle", d);
      if (k.domain(s).stalled_on != d)
        return absl::StrFormat("d%u is on d%u's stall queue but stalled_on = d%u", s, d,
                               k.domain(s).stalled_on);
      if (++queued[s] > 1) return absl::StrFormat("d%u is on two queues", s);
      last = s;
    }
    if (last != D.stallers.tail)
      return absl::StrFormat("d%u's stall queue tail is d%u, its last member d%u", d, D.stallers.tail, last);

    // Its keys, and its keeper (reported as r16).
    if (D.regs[0].kind != KeyKind::Void) return absl::StrFormat("d%u's register 0 is not void", d);
    for (int r = 0; r <= kRegisterCount; ++r) {
      const Key& key = r < kRegisterCount ? D.regs[r] : D.keeper;
      if (static_cast<int>(key.kind) >= kKeyKindCount)
        return absl::StrFormat("d%u r%d has key kind %d", d, r, static_cast<int>(key.kind));
      const bool names_domain = key.kind == KeyKind::Start || key.kind == KeyKind::Resume ||
                                key.kind == KeyKind::Fault || key.kind == KeyKind::DomainControl;
      if (!names_domain) continue;
      if (!k.exists(key.object))
        return absl::StrFormat("d%u r%d: %s key to nonexistent d%u", d, r, name(key.kind), key.object);
      const Domain& T = k.domain(key.object);
      if (key.kind == KeyKind::Start && key.bound > T.alloc_version)
        return absl::StrFormat("d%u r%d: start key bound to future version %llu of d%u", d, r,
                               static_cast<unsigned long long>(key.bound), key.object);
      if ((key.kind == KeyKind::Resume || key.kind == KeyKind::Fault) && key.bound > T.call_count)
        return absl::StrFormat("d%u r%d: %s key bound to future call count of d%u", d, r,
                               key.kind == KeyKind::Resume ? "resume" : "fault", key.object);
      if (k.valid(key) && T.state == DomainState::Halted)
        return absl::StrFormat("d%u r%d: valid %s key to halted d%u", d, r, name(key.kind), key.object);
      if ((key.kind == KeyKind::Resume || key.kind == KeyKind::Fault) && k.valid(key)) {
        if (T.state != DomainState::Waiting)
          return absl::StrFormat("d%u r%d: valid %s key to d%u, which is %s", d, r,
                                 key.kind == KeyKind::Resume ? "resume" : "fault", key.object,
                                 name(T.state));
        waited_by[key.object] |= key.kind == KeyKind::Resume ? 1 : 2;
        if (waited_by[key.object] == 3)
          return absl::StrFormat("d%u r%d: d%u is named by a valid resume key and a valid fault key",
                                 d, r, key.object);
      }
    }
  }
  for (DomainId d = 1; d < n; ++d) {
    DomainId length = 0;
    for (DomainId s = k.domain(d).stallers.head; s != kNoDomain; s = k.domain(s).next) ++length;
    if (length != stalled_count[d])
      return absl::StrFormat("d%u's stall queue holds %u domains, %u say they stall on it", d,
                             length, stalled_count[d]);
  }

  // The ready queue: the ready domains, linked through next into one list.
  std::vector<DomainId> ready;
  std::vector<int> has_pred(n, 0);
  for (DomainId d = 1; d < n; ++d) {
    const Domain& D = k.domain(d);
    if (!D.ready) continue;
    ready.push_back(d);
    if (queued[d] != 0) return absl::StrFormat("ready d%u is also on a stall queue", d);
    if (D.next != kNoDomain) {
      if (!k.exists(D.next) || !k.domain(D.next).ready)
        return absl::StrFormat("ready d%u links to d%u, which is not ready", d, D.next);
      if (++has_pred[D.next] > 1) return absl::StrFormat("two ready domains link to d%u", D.next);
    }
  }
  if (!ready.empty()) {
    DomainId head = kNoDomain;
    for (DomainId d : ready)
      if (has_pred[d] == 0) {
        if (head != kNoDomain) return "the ready queue is not one list";
        head = d;
      }
    if (head == kNoDomain) return "the ready queue has a cycle";
    std::size_t walked = 0;
    for (DomainId d = head; d != kNoDomain; d = k.domain(d).next)
      if (++walked > ready.size()) return "the ready queue has a cycle";
    if (walked != ready.size()) return "the ready queue is not one list";
  }
  if (k.any_ready() != !ready.empty()) return "any_ready() disagrees with the ready flags";

  if (running != kNoDomain) {
    const Domain& R = k.domain(running);
    if (R.state != DomainState::Running)
      return absl::StrFormat("d%u is on the CPU but %s", running, name(R.state));
    if (R.ready || R.stalled_on != kNoDomain)
      return absl::StrFormat("d%u is on the CPU and on a queue", running);
  }
  for (DomainId d = 1; d < n; ++d) {
    const Domain& D = k.domain(d);
    if (D.state != DomainState::Available || D.stallers.empty()) continue;
    bool pending = false;
    for (DomainId x = 1; x < n && !pending; ++x) {
      const Domain& X = k.domain(x);
      pending = X.restarted_from == d && (X.ready || x == running);
    }
    if (!pending)
      return absl::StrFormat("d%u is Available with stallers and none of them restarted", d);
  }
  return {};
}

}  // namespace eros::fuzz
