// Keepers and faults: a fault becomes a Call on the domain's keeper, made on its behalf;
// the keeper answers on the fault key it receives (KeyKOS's domain keeper).
#include "core/kernel.hpp"

namespace eros {

void Kernel::fault(Domain& me, FaultKind kind, std::uint64_t code, std::uint64_t address,
                   std::uint64_t pc) {
  for (;;) {
    const Key keeper = me.keeper;
    const DomainId keeper_id = keeper_target(keeper);
    Domain* to = keeper_id != kNoDomain ? &domains_[keeper_id] : nullptr;
    if (Event* e = trace.next()) {
      e->kind = EventKind::Fault;
      e->invoker = me.id;
      e->target = keeper.object;
      e->sent = e->landed = 0;
      e->key = keeper.kind;
      e->badge = keeper.kind == KeyKind::Start ? keeper.badge : 0;
      e->key_register = kKeeperSlot;
      e->op = static_cast<std::uint8_t>(kind);
      e->status = to != nullptr ? Status::Ok : Status::Void;
    }
    if (to == nullptr) {
      if (me.restarted_from != kNoDomain) pass_on_restart(me);
      halt(me);
    }
    if (keeper.kind == KeyKind::Start && to->state != DomainState::Available) {
      // Traced as the fault, then the stall; restarted, it is told again from the start.
      stall(me, *to, Op::Call, kKeeperSlot, keeper);
      continue;
    }
    Message m{};
    m.w[0] = static_cast<std::uint64_t>(kind);
    m.w[1] = code;
    m.w[2] = address;
    m.w[3] = pc;
    deliver(me, *to, m, 0, keeper.kind == KeyKind::Start ? keeper.badge : 0,
            [&] { return Key{KeyKind::Fault, 0, 0, me.id, me.call_count}; });
    if (keeper.kind == KeyKind::Resume) ++to->call_count;
    to->state = DomainState::Running;
    me.state = DomainState::Waiting;
    if (me.restarted_from != kNoDomain) pass_on_restart(me);
    platform_.switch_to(me, *to);
    return;   // restarted: nothing was delivered to it
  }
}

// The keeper (or whoever holds the fault key) decides: kRestart runs the domain again,
// any other order halts it. Either way the key and every copy of it are consumed. A Return
// on it makes the invoker Available and, on a restart, runs the domain next; a Call or Send
// on it is answered at once, the restarted domain joining the ready queue.
const Result& Kernel::use_fault_key(Domain& me, Op op, std::uint8_t kr, const Key& key,
                                    Domain& x, const Message& m, const ReceiveDesc& rcv) {
  record(event_of(op), me, kr, key, Status::Ok, m.len, 0);
  ++x.call_count;
  const bool restart = m.w[0] == order::kRestart;
  if (restart) {
    x.state = DomainState::Running;
  } else {
    stop(x);
  }
  if (op == Op::Return) {
    if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
    become_available(me, rcv);
    if (restart) {
      platform_.switch_to(me, x);
    } else {
      dispatch_away(me);
    }
    return me.result;
  }
  // As a Send readies its recipient: before a pending restart of the invoker is passed on.
  if (restart) make_ready(x);
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  me.result = Result{Status::Ok, 0, m.len, 0, {}};
  return me.result;
}

}  // namespace eros
