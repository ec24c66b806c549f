// The invocation path off the fast path: failures, coroutine calls, kernel objects, Send.
#include "core/kernel.hpp"

namespace eros {

// Ends an invocation at once, the invoker still running: a failed check, a void key, or
// an operation whose answer is only a status.
const Result& Kernel::finish(Event* slot, Domain& me, Op op, std::uint8_t kr, const Key& key,
                             Status s, std::uint32_t len) {
  me.result = Result{s, 0, len, 0, {}};
  fill(slot, event_of(op), me, kr, key, s, len, 0);
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  return me.result;
}

// Kernel::call past its register test: `key` is me.regs[kr], read again each time round
// (the loop comes round after a stall, with the same message); the invoker's registers do
// not change before the commit.
const Result& Kernel::call_key(Domain& me, std::uint8_t kr, const Key& key, const Message& m,
                               const ReceiveDesc& rcv) {
  for (;;) {
    if (Status s = check_source(me, m); s != Status::Ok) [[unlikely]]
      return finish(me, Op::Call, kr, key, s, m.len);
    if (key.kind != KeyKind::Start) [[unlikely]] {
      if (key.kind == KeyKind::Number && m.w[0] == order::kNumberValue &&
          key.object < number_count_) [[likely]]
        return call_number(me, kr, key, m);
      return call_slow(me, kr, key, m, rcv);
    }
    Domain* to = start_target(key);
    if (to == nullptr) [[unlikely]]
      return finish(me, Op::Call, kr, key, Status::Void, m.len);
    if (to->state != DomainState::Available) [[unlikely]] {
      stall(me, *to, Op::Call, kr, key);
      continue;
    }
    const std::uint32_t landed = fastpath::min(m.len, to->rcv.limit);
    if (Status s = check_dest(*to, landed); s != Status::Ok) [[unlikely]]
      return finish(me, Op::Call, kr, key, s, m.len);

    return commit_call(me, *to, kr, key, m, rcv, landed);   // nothing after this can fail
  }
}

// A Call naming a register out of range (Kernel::call's first test).
const Result& Kernel::call_bad_register(Domain& me, std::uint8_t kr, const Message& m) {
  return finish(me, Op::Call, kr, Key{}, Status::BadRegister, m.len);
}

// Call on a kernel object's key (the message passed its checks in Kernel::call): the object
// acts if the key is live, else the answer is Void. Out of line and small, so that it
// saves few registers. Six arguments, all in registers: the key is copied here, as a
// MakeStart may overwrite the register it came from.
const Result& Kernel::call_object(Domain& me, std::uint8_t kr, const Key& in_register,
                                  const Message& m, const ReceiveDesc& rcv) {
  const Key key = in_register;
  if (!object_live(key)) return finish(me, Op::Call, kr, key, Status::Void, m.len);
  Event* slot = trace.next_unfilled();   // the Call is traced before what it causes
  ObjectCall c{me, key, m, me.result, &me, rcv.r[0]};
  me.result.status = invoke_object(c);
  fill(slot, EventKind::Call, me, kr, key, me.result.status, m.len, 0);
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  if (c.yield) yield(me);
  return me.result;
}

// Call on anything but a start key: one call site on the fast path (so that the compiler
// does not hoist its arguments' set-up in front of the number key's test), two sibling
// calls here.
const Result& Kernel::call_slow(Domain& me, std::uint8_t kr, const Key& key, const Message& m,
                                const ReceiveDesc& rcv) {
  if (is_kernel_object(key)) return call_object(me, kr, key, m, rcv);
  return call_domain_key(me, kr, key, m, rcv);
}

// Call on a resume key (a coroutine call), a fault key, or a void or stale key.
const Result& Kernel::call_domain_key(Domain& me, std::uint8_t kr, const Key& in_register,
                                      const Message& m, const ReceiveDesc& rcv) {
  const Key key = in_register;   // a copy, as the fast path's key is not
  if (key.kind == KeyKind::Fault) [[unlikely]] {
    if (Domain* x = resume_target(key)) return use_fault_key(me, Op::Call, kr, key, *x, m, rcv);
  }
  Domain* to = key.kind == KeyKind::Resume ? resume_target(key) : nullptr;
  if (to == nullptr) return finish(me, Op::Call, kr, key, Status::Void, m.len);
  const std::uint32_t landed = fastpath::min(m.len, to->rcv.limit);
  if (Status s = check_dest(*to, landed); s != Status::Ok) [[unlikely]]
    return finish(me, Op::Call, kr, key, s, m.len);

  return commit_call(me, *to, kr, key, m, rcv, landed);   // the coroutine call
}

// The answer at once to a Call on a key that names no domain, checked in a Call's order:
// the message's registers, its string, then the key.
[[gnu::always_inline]] inline bool Kernel::answer_at_once(Domain& me, const Key& key, const Message& m, Domain* keys_to,
                            std::uint8_t key_into, Result& out) {
  Status s = fastpath::registers_in_range(0, m) ? check_source(me, m) : Status::BadRegister;
  if (s == Status::Ok && !(is_kernel_object(key) && valid_object(key))) s = Status::Void;
  if (s != Status::Ok) {
    out = Result{s, 0, m.len, 0, {}};
    return false;
  }
  ObjectCall c{me, key, m, out, keys_to, key_into};
  out.status = invoke_object(c);
  return c.yield;
}

// A Return on a void, stale or consumed key, or a kernel object: the answer a Call would
// have had goes to the returnee (a valid resume key in k3), or is dropped. Out of line, so
// that the fast path's registers are not spent on it.
const Result& Kernel::return_at_once(Domain& me, std::uint8_t kr, const Message& m,
                                     const ReceiveDesc& rcv) {
  const bool key_in_range = register_in_range(kr);
  const Key key = key_in_range ? me.regs[kr] : Key{};   // a copy: a MakeStart may overwrite it
  Event* slot = trace.next_unfilled();   // before what a kernel object causes
  Domain* x = nullptr;   // no returnee when the key register itself is out of range
  bool fault_key = false;
  Result dropped{Status::BadRegister, 0, 0, 0, {}};
  if (key_in_range) x = returnee(me, m, fault_key);
  Result& answer = x != nullptr && !fault_key ? x->result : dropped;
  if (key_in_range)
    answer_at_once(me, key, m, fault_key ? nullptr : x, x != nullptr ? x->rcv.r[0] : 0, answer);
  fill(slot, EventKind::Return, me, kr, key, answer.status, m.len, 0);
  const bool runs = x != nullptr && resume_returnee(*x, fault_key, answer);
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  become_available(me, rcv);
  if (runs) {
    platform_.switch_to(me, *x);
  } else {
    dispatch_away(me);
  }
  return me.result;
}


// ---- Send ---------------------------------------------------------------------------

const Result& Kernel::send(Domain& me, std::uint8_t kr, const Message& m) {
  for (;;) {
    if (!fastpath::registers_in_range(kr, m)) [[unlikely]]
      return finish(me, Op::Send, kr, Key{}, Status::BadRegister, m.len);
    const Key key = me.regs[kr];
    if (Status s = check_source(me, m); s != Status::Ok) [[unlikely]]
      return finish(me, Op::Send, kr, key, s, m.len);
    Domain* to = nullptr;
    std::uint16_t key_info = 0;
    if (key.kind == KeyKind::Start) {
      to = start_target(key);
      key_info = key.badge;
      if (to != nullptr && to->state != DomainState::Available) {
        stall(me, *to, Op::Send, kr, key);
        continue;
      }
    } else if (key.kind == KeyKind::Resume) {
      to = resume_target(key);
    } else if (key.kind == KeyKind::Fault) {
      if (Domain* x = resume_target(key))
        return use_fault_key(me, Op::Send, kr, key, *x, m, ReceiveDesc{});
    }
    if (to == nullptr) {
      // Void, stale or consumed key, or a kernel object: its answer goes to the returnee
      // (a valid resume key in k3), which becomes ready, or is dropped.
      Event* slot = trace.next_unfilled();   // the Send is traced before what it causes
      bool fault_key = false;
      Domain* x = returnee(me, m, fault_key);
      Result dropped;
      Result& answer = x != nullptr && !fault_key ? x->result : dropped;
      const bool yields = answer_at_once(me, key, m, fault_key ? nullptr : x,
                                         x != nullptr ? x->rcv.r[0] : 0, answer);
      // Ready before finish passes a pending restart on; the slot keeps the Send first.
      if (x != nullptr && resume_returnee(*x, fault_key, answer)) make_ready(*x);
      const Result& r = finish(slot, me, Op::Send, kr, key, answer.status, m.len);
      if (yields) yield(me);
      return r;
    }
    const std::uint32_t landed = fastpath::min(m.len, to->rcv.limit);
    if (Status s = check_dest(*to, landed); s != Status::Ok) [[unlikely]]
      return finish(me, Op::Send, kr, key, s, m.len);

    // Commit point: the recipient becomes ready; the invoker keeps running.
    deliver(me, *to, m, landed, key_info, [&] { return me.regs[m.k[3]]; });
    if (key.kind == KeyKind::Resume) ++to->call_count;
    to->state = DomainState::Running;
    make_ready(*to);
    record(EventKind::Send, me, kr, key, Status::Ok, m.len, landed);
    if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
    me.result = Result{Status::Ok, 0, m.len, landed, {}};
    return me.result;
  }
}

}  // namespace eros
