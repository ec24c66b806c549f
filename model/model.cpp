// The reference model: each rule of docs/semantics.md written out once, in the order a
// reader checks it.
#include "model/model.hpp"

#include <algorithm>
#include <cstring>

namespace eros::model {

Model::Model(std::uint32_t pages, std::uint32_t spaces)
    : pages_(pages),
      spaces_(spaces),
      perm_(static_cast<std::size_t>(pages) * spaces, 0),
      bytes_(static_cast<std::size_t>(pages) * kPage, 0),
      domains_(1) {}

// ---- memory ----------------------------------------------------------------------------

void Model::set_perm(std::uint32_t space, std::uint32_t page, std::uint8_t perm) {
  perm_[static_cast<std::size_t>(space) * pages_ + page] = perm;
}

bool Model::allows(std::uint32_t space, std::uint64_t addr, std::uint64_t n,
                   std::uint8_t need) const {
  const std::uint64_t last = addr + n - 1;
  if (last < addr) return false;   // the range wraps around the address space
  for (std::uint64_t a = addr / kPage * kPage; a <= last; a += kPage) {
    if (a < kArenaBase || a >= kArenaBase + pages_ * kPage) return false;   // unmapped
    const std::uint64_t page = (a - kArenaBase) / kPage;
    if ((perm_[static_cast<std::size_t>(space) * pages_ + page] & need) != need) return false;
  }
  return true;
}

// ---- objects -----------------------------------------------------------------------------

Id Model::spawn(std::uint32_t space) {
  Domain d;
  d.space = space;
  d.state = DomainState::Running;
  d.resumption = Resumption::Begin;
  domains_.push_back(d);
  Id id = static_cast<Id>(domains_.size() - 1);
  make_ready(id);
  return id;
}

Key Model::start_key(Id d, std::uint16_t badge) const {
  if (!exists(d) || domains_[d].state == DomainState::Halted) return Key{};
  return Key{KeyKind::Start, d, badge, domains_[d].alloc_version};
}

Key Model::domain_control_key(Id d) const {
  if (!exists(d) || domains_[d].state == DomainState::Halted) return Key{};
  return Key{KeyKind::DomainControl, d, 0, 0};
}

Key Model::number_key(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t w3) {
  numbers_.insert(numbers_.end(), {w0, w1, w2, w3});
  return Key{KeyKind::Number, static_cast<Id>(numbers_.size() / 4 - 1), 0, 0};
}

bool Model::valid(const Key& k) const {
  switch (k.kind) {
    case KeyKind::Void: return false;
    case KeyKind::Start: return exists(k.object) && domains_[k.object].alloc_version == k.bound;
    case KeyKind::Resume: return exists(k.object) && domains_[k.object].call_count == k.bound;
    // A fault key is one-shot like a resume key: it dies with the faulted domain's wait.
    case KeyKind::Fault: return exists(k.object) && domains_[k.object].call_count == k.bound;
    case KeyKind::Number: return k.object < numbers_.size() / 4;
    case KeyKind::DomainControl:
      return exists(k.object) && domains_[k.object].state != DomainState::Halted;
    case KeyKind::Yield: return true;
  }
  return false;
}

void Model::rescind(Id d) {
  if (!exists(d)) return;
  mut(d).alloc_version += 1;      // every start key made before is now void
  release_stallers(d, /*all=*/true, RestartCause::Rescinded);  // they hold such keys: let them find out
}

void Model::stop(Id d) {
  Domain& me = mut(d);
  me.alloc_version += 1;   // its start keys are void
  me.call_count += 1;      // and its resume and fault keys
  me.state = DomainState::Halted;
  Event e;
  e.kind = EventKind::Halt;
  e.invoker = d;
  e.target = d;
  record_plain(e);
  release_stallers(d, /*all=*/true, RestartCause::Halted);
}

void Model::halt(Id d) {
  stop(d);
  dispatch_away(d);
}

bool Model::ready(Id d) const {
  return std::find(ready_.begin(), ready_.end(), d) != ready_.end();
}

// ---- scheduling ----------------------------------------------------------------------------

Id Model::dispatch() {
  if (ready_.empty()) {
    current_ = kNone;
  } else {
    current_ = ready_.front();
    ready_.pop_front();
  }
  return current_;
}

Model::After Model::switch_to(Id, Id to) {
  current_ = to;
  return After::Suspended;
}

Model::After Model::dispatch_away(Id) {
  dispatch();
  return After::Suspended;
}

Model::After Model::yield(Id me) {
  if (ready_.empty()) return After::Continues;
  mut(me).resumption = Resumption::Returns;   // with the result it was just given
  make_ready(me);
  return dispatch_away(me);
}

void Model::release_stallers(Id d, bool all, RestartCause why) {
  Domain& target = mut(d);
  while (!target.stallers.empty()) {
    Id s = target.stallers.front();
    target.stallers.pop_front();
    mut(s).stalled_on = kNone;
    mut(s).restarted_from = d;
    mut(s).resumption = Resumption::Retries;
    Event e;
    e.kind = EventKind::Restart;
    e.op = static_cast<std::uint8_t>(why);
    e.invoker = s;
    e.target = d;
    record_plain(e);
    make_ready(s);
    if (!all) break;
  }
}

// When a restarted staller's invocation ends, the domain that restarted it, if still
// Available, restarts its next staller: a retry that fails must not strand the rest.
void Model::pass_on_restart(Id me) {
  const Id d = domains_[me].restarted_from;
  if (d == kNone) return;
  mut(me).restarted_from = kNone;
  if (domains_[d].state == DomainState::Available)
    release_stallers(d, /*all=*/false, RestartCause::Available);
}

Model::After Model::stall(Id me, Id target, Op op, std::uint8_t kr, const Key& key) {
  mut(me).stalled_on = target;
  mut(me).resumption = Resumption::Retries;
  mut(target).stallers.push_back(me);
  Event e;
  e.kind = EventKind::Stall;
  e.invoker = me;
  e.target = target;
  e.key = key.kind;
  e.badge = key.badge;
  e.key_register = kr;
  e.op = static_cast<std::uint8_t>(op);
  record_plain(e);
  pass_on_restart(me);   // a retry that stalls elsewhere did not take the restarter
  return dispatch_away(me);
}

void Model::keep_receive(Id d, const Receive& rcv) {
  Receive& r = mut(d).rcv;
  r = rcv;
  r.limit = std::min(rcv.limit, kMaxString);
}

void Model::become_available(Id me, const Receive& rcv) {
  mut(me).state = DomainState::Available;
  mut(me).resumption = Resumption::Returns;
  keep_receive(me, rcv);
  release_stallers(me, /*all=*/false, RestartCause::Available);   // the first staller tries again
}

// ---- the trace ---------------------------------------------------------------------------

void Model::record_plain(Event e) {
  e.step = trace_.size();
  trace_.push_back(e);
}

std::size_t Model::record(EventKind kind, Id invoker, std::uint8_t kr, const Key& key, Status s,
                          std::uint32_t sent, std::uint32_t landed) {
  Event e;
  e.kind = kind;
  e.invoker = invoker;
  e.target = key.object;
  e.key = key.kind;
  e.key_register = kr;
  e.badge = key.kind == KeyKind::Start ? key.badge : 0;
  e.sent = sent;
  e.landed = landed;
  e.status = s;
  record_plain(e);
  return trace_.size() - 1;
}

// ---- checks and delivery ---------------------------------------------------------------------

Status Model::check_source(Id me, const Message& m) const {
  if (m.len > kMaxString) return Status::StringTooLong;
  if (m.len > 0 && !allows(domains_[me].space, m.str, m.len, kRead)) return Status::SourceFault;
  return Status::Ok;
}

Status Model::check_dest(Id to, std::uint32_t landed) const {
  const Domain& d = domains_[to];
  if (landed > 0 && !allows(d.space, d.rcv.buf, landed, kWrite)) return Status::DestFault;
  return Status::Ok;
}

void Model::deliver(Id from, Id to, const Message& m, std::uint32_t landed,
                    std::uint16_t key_info, const Key& k3) {
  Domain& src = mut(from);
  Domain& dst = mut(to);
  if (landed > 0) {   // as if the whole source were read first: memmove
    std::memmove(&bytes_[dst.rcv.buf - kArenaBase], &bytes_[m.str - kArenaBase], landed);
  }
  const Key k0 = src.regs[m.k[0]], k1 = src.regs[m.k[1]], k2 = src.regs[m.k[2]];
  write(dst, dst.rcv.r[0], k0);
  write(dst, dst.rcv.r[1], k1);
  write(dst, dst.rcv.r[2], k2);
  write(dst, dst.rcv.r[3], k3);
  dst.result = Result{Status::Ok, key_info, m.len, landed, {m.w[0], m.w[1], m.w[2], m.w[3]}};
}

Model::After Model::finish(Id me, Op op, std::uint8_t kr, const Key& key, Status s,
                           const Message& m) {
  mut(me).result = Result{s, 0, m.len, 0, {}};
  record(static_cast<EventKind>(op), me, kr, key, s, m.len, 0);
  pass_on_restart(me);
  return After::Continues;
}

// A kernel object's answer: the order is w0; KT and an order it does not define change
// nothing (no key made, no yield, no rescind).
Result Model::perform(Id invoker, const Key& key, const Message& m, Id into,
                      std::uint8_t into_reg, bool& yields) {
  Result answer{Status::Ok, 0, 0, 0, {}};
  yields = false;
  const std::uint64_t order = m.w[0];
  switch (key.kind) {
    case KeyKind::Number:
      if (order == order::kNumberValue) {
        for (int i = 0; i < 4; ++i) answer.w[i] = numbers_[key.object * 4 + i];
      } else if (order == order::kKeyType) {
        answer.w[1] = key_type::kNumber;
      } else {
        answer.status = Status::UnknownOrder;
      }
      return answer;
    case KeyKind::Yield:
      if (order == order::kYield) yields = true;
      else if (order == order::kKeyType) answer.w[1] = key_type::kYield;
      else answer.status = Status::UnknownOrder;
      return answer;
    case KeyKind::DomainControl:
      if (order == order::kMakeStart) {
        const Key made = start_key(key.object, static_cast<std::uint16_t>(m.w[1]));
        if (into != kNone) write(mut(into), into_reg, made);
      } else if (order == order::kRescind) {
        rescind(key.object);
      } else if (order == order::kSetKeeper) {   // a copy of the invoker's k0, whatever it is
        mut(key.object).keeper = domains_[invoker].regs[m.k[0]];
      } else if (order == order::kSetDelivery) {   // how strings land: invisible here
        if (m.w[1] > 1) answer.status = Status::BadArgument;
      } else if (order == order::kKeyType) {
        answer.w[1] = key_type::kDomainControl;
      } else {
        answer.status = Status::UnknownOrder;
      }
      return answer;
    default:
      break;
  }
  answer.status = Status::Void;   // not reached: only valid kernel objects are performed
  return answer;
}

static bool in_range(std::uint8_t r) { return r < kRegisters; }
static bool keys_in_range(std::uint8_t kr, const Message& m) {
  return in_range(kr) && in_range(m.k[0]) && in_range(m.k[1]) && in_range(m.k[2]) &&
         in_range(m.k[3]);
}
static bool receive_in_range(const Receive& r) {
  return in_range(r.r[0]) && in_range(r.r[1]) && in_range(r.r[2]) && in_range(r.r[3]);
}

// ---- the returnee ------------------------------------------------------------------------

Id Model::returnee(Id me, const Message& m, bool& fault) const {
  fault = false;
  if (!in_range(m.k[3])) return kNone;
  const Key& k = domains_[me].regs[m.k[3]];
  if (!valid(k)) return kNone;
  fault = k.kind == KeyKind::Fault;
  return k.kind == KeyKind::Resume || fault ? k.object : kNone;
}

bool Model::resume_with(Id x, bool fault, const Result& answer) {
  Domain& d = mut(x);
  d.call_count += 1;   // every copy of its resume (or fault) key consumed
  if (fault) {
    if (answer.status != Status::Ok || answer.w[0] != order::kRestart) {
      stop(x);
      return false;
    }
    d.state = DomainState::Running;
    d.resumption = Resumption::FaultEnds;   // nothing delivered
    return true;
  }
  d.result = answer;
  d.state = DomainState::Running;
  d.resumption = Resumption::Returns;
  return true;
}

// The Call answer A(me, key, m): registers, string length, source, key (void), then the
// object performed. The event is recorded before the object acts.
Status Model::answer_returnee(Id me, Op op, std::uint8_t kr, const Key& key, const Message& m,
                              Id x, bool fault, bool& yields, bool& runs) {
  yields = false;
  runs = false;
  const EventKind kind = static_cast<EventKind>(op);
  Result answer{Status::Ok, 0, m.len, 0, {}};
  if (!keys_in_range(kr, m)) answer.status = Status::BadRegister;
  else if (Status s = check_source(me, m); s != Status::Ok) answer.status = s;
  else if (!is_kernel_object(key) || !valid(key)) answer.status = Status::Void;

  if (answer.status != Status::Ok) {
    // As before the returnee rule: a Send with a bad register records no key.
    const bool keyless = op == Op::Send && answer.status == Status::BadRegister;
    record(kind, me, kr, keyless ? Key{} : key, answer.status, m.len, 0);
  } else {
    const std::size_t event = record(kind, me, kr, key, Status::Ok, m.len, 0);
    // A made key goes to a resume returnee's receive register r0; a fault key takes none.
    const bool takes_keys = x != kNone && !fault;
    answer = perform(me, key, m, takes_keys ? x : kNone, takes_keys ? domains_[x].rcv.r[0] : 0,
                     yields);
    trace_[event].status = answer.status;
  }
  if (x != kNone) runs = resume_with(x, fault, answer);
  return answer.status;
}

// ---- the invocations -------------------------------------------------------------------------

Model::After Model::invoke(Id me, Op op, std::uint8_t kr, const Message& m, const Receive& rcv) {
  switch (op) {
    case Op::Call: return call(me, kr, m, rcv);
    case Op::Return: return return_to(me, kr, m, rcv);
    case Op::Send: return send(me, kr, m);
  }
  return After::Continues;
}

// Call: registers, string length, source, key, busy target (stall), destination; deliver.
Model::After Model::call(Id me, std::uint8_t kr, const Message& m, const Receive& rcv) {
  if (!keys_in_range(kr, m) || !receive_in_range(rcv))
    return finish(me, Op::Call, kr, Key{}, Status::BadRegister, m);
  const Key key = domains_[me].regs[kr];
  if (Status s = check_source(me, m); s != Status::Ok) return finish(me, Op::Call, kr, key, s, m);

  if (is_kernel_object(key) && valid(key)) {   // answered at once, no switch
    const std::size_t event = record(EventKind::Call, me, kr, key, Status::Ok, m.len, 0);
    bool yields = false;
    mut(me).result = perform(me, key, m, me, rcv.r[0], yields);
    trace_[event].status = domains_[me].result.status;
    pass_on_restart(me);
    return yields ? yield(me) : After::Continues;
  }
  if (key.kind == KeyKind::Fault && valid(key)) return use_fault_key(me, Op::Call, kr, key, m, rcv);
  if (!valid(key) || (key.kind != KeyKind::Start && key.kind != KeyKind::Resume))
    return finish(me, Op::Call, kr, key, Status::Void, m);

  const Id to = key.object;
  if (key.kind == KeyKind::Start && domains_[to].state != DomainState::Available)
    return stall(me, to, Op::Call, kr, key);
  const std::uint32_t landed = std::min(m.len, domains_[to].rcv.limit);
  if (Status s = check_dest(to, landed); s != Status::Ok) return finish(me, Op::Call, kr, key, s, m);

  // Deliver, with a new resume key to the invoker in the recipient's r3 (k3 is not sent).
  const Key resume{KeyKind::Resume, me, 0, domains_[me].call_count};
  deliver(me, to, m, landed, key.kind == KeyKind::Start ? key.badge : 0, resume);
  if (key.kind == KeyKind::Resume) mut(to).call_count += 1;   // coroutine call: consumed
  mut(to).state = DomainState::Running;
  mut(me).state = DomainState::Waiting;
  mut(me).resumption = Resumption::Returns;
  keep_receive(me, rcv);
  record(EventKind::Call, me, kr, key, Status::Ok, m.len, landed);
  pass_on_restart(me);
  return switch_to(me, to);
}

// Return: own receive registers, then the recipient (void → dropped; busy start → stall),
// then the message; a failed message check still resumes the recipient, with the status.
Model::After Model::return_to(Id me, std::uint8_t kr, const Message& m, const Receive& rcv) {
  if (!receive_in_range(rcv)) return finish(me, Op::Return, kr, Key{}, Status::BadRegister, m);
  const Key key = in_range(kr) ? domains_[me].regs[kr] : Key{};
  // A fault key's Return delivers nothing: the message is not checked.
  if (key.kind == KeyKind::Fault && valid(key)) return use_fault_key(me, Op::Return, kr, key, m, rcv);
  Id to = kNone;
  std::uint16_t key_info = 0;
  if (key.kind == KeyKind::Resume && valid(key)) {
    to = key.object;
  } else if (key.kind == KeyKind::Start && valid(key)) {   // tail call
    to = key.object;
    key_info = key.badge;
    if (domains_[to].state != DomainState::Available) return stall(me, to, Op::Return, kr, key);
  }

  if (to == kNone) {   // no recipient: the Call answer goes to the returnee, if any
    Id x = kNone;
    bool runs = false;
    if (!in_range(kr)) {
      record(EventKind::Return, me, kr, key, Status::BadRegister, m.len, 0);
    } else {
      bool fault = false;
      x = returnee(me, m, fault);
      bool yields = false;   // a Return does not yield: the invoker becomes Available
      answer_returnee(me, Op::Return, kr, key, m, x, fault, yields, runs);
    }
    pass_on_restart(me);
    become_available(me, rcv);
    return runs ? switch_to(me, x) : dispatch_away(me);
  }

  Status s = keys_in_range(kr, m) ? check_source(me, m) : Status::BadRegister;
  const std::uint32_t landed = s == Status::Ok ? std::min(m.len, domains_[to].rcv.limit) : 0;
  if (s == Status::Ok) s = check_dest(to, landed);
  if (s == Status::Ok) {
    const Key k3 = planted_bug == 2 && key.kind == KeyKind::Start ? Key{} : domains_[me].regs[m.k[3]];
    deliver(me, to, m, landed, key_info, k3);   // k3 passed through
  } else {
    mut(to).result = Result{s, key_info, m.len, 0, {m.w[0], m.w[1], m.w[2], m.w[3]}};
  }
  if (key.kind == KeyKind::Resume) mut(to).call_count += 1;   // every copy consumed
  mut(to).state = DomainState::Running;
  record(EventKind::Return, me, kr, key, s, m.len, s == Status::Ok ? landed : 0);
  pass_on_restart(me);
  become_available(me, rcv);
  return switch_to(me, to);
}

// Send: as Call, but no resume key, and the invoker keeps running; the recipient is ready.
// On a key that is no valid start or resume key, the Call answer goes to the returnee.
Model::After Model::send(Id me, std::uint8_t kr, const Message& m) {
  if (!in_range(kr)) return finish(me, Op::Send, kr, Key{}, Status::BadRegister, m);
  const Key key = domains_[me].regs[kr];
  // A Send's failed check goes back to the Sender, whatever the key: nothing else happens.
  if (!keys_in_range(kr, m)) return finish(me, Op::Send, kr, Key{}, Status::BadRegister, m);
  if (Status s = check_source(me, m); s != Status::Ok) return finish(me, Op::Send, kr, key, s, m);
  if (key.kind == KeyKind::Fault && valid(key)) return use_fault_key(me, Op::Send, kr, key, m, {});
  if (!valid(key) || (key.kind != KeyKind::Start && key.kind != KeyKind::Resume)) {
    bool fault = false, yields = false, runs = false;
    const Id x = returnee(me, m, fault);
    const Status s = answer_returnee(me, Op::Send, kr, key, m, x, fault, yields, runs);
    mut(me).result = Result{s, 0, m.len, 0, {}};
    if (runs) make_ready(x);   // ahead of the invoker, should it yield
    pass_on_restart(me);
    return yields ? yield(me) : After::Continues;
  }

  const Id to = key.object;
  if (key.kind == KeyKind::Start && domains_[to].state != DomainState::Available)
    return stall(me, to, Op::Send, kr, key);
  const std::uint32_t landed = std::min(m.len, domains_[to].rcv.limit);
  if (Status s = check_dest(to, landed); s != Status::Ok) return finish(me, Op::Send, kr, key, s, m);

  deliver(me, to, m, landed, key.kind == KeyKind::Start ? key.badge : 0,
          domains_[me].regs[m.k[3]]);
  if (key.kind == KeyKind::Resume && planted_bug != 1) mut(to).call_count += 1;
  mut(to).state = DomainState::Running;
  mut(to).resumption = Resumption::Returns;
  make_ready(to);
  record(EventKind::Send, me, kr, key, Status::Ok, m.len, landed);
  pass_on_restart(me);
  mut(me).result = Result{Status::Ok, 0, m.len, landed, {}};
  return After::Continues;
}

// ---- keepers and faults -------------------------------------------------------------------

// Only a domain can take a fault: a valid start key (busy or not) or a valid resume key.
// A kernel object, a void, stale or consumed key, or a fault key is no keeper.
Id Model::keeper_of(const Key& k) const {
  if ((k.kind == KeyKind::Start || k.kind == KeyKind::Resume) && valid(k)) return k.object;
  return kNone;
}

Model::After Model::fault(Id me, FaultKind kind, std::uint64_t code, std::uint64_t address) {
  const Key keeper = domains_[me].keeper;
  const Id to = keeper_of(keeper);
  Event e;
  e.kind = EventKind::Fault;
  e.invoker = me;
  e.target = keeper.object;
  e.key = keeper.kind;
  e.badge = keeper.kind == KeyKind::Start ? keeper.badge : 0;
  e.key_register = kKeeperSlot;
  e.op = static_cast<std::uint8_t>(kind);
  e.status = to != kNone ? Status::Ok : Status::Void;
  record_plain(e);

  if (to == kNone) {   // nobody to tell: the domain halts
    pass_on_restart(me);
    halt(me);
    return After::Suspended;
  }
  // A busy start keeper: wait for it as a Call would; restarted, the fault is raised again.
  if (keeper.kind == KeyKind::Start && domains_[to].state != DomainState::Available)
    return stall(me, to, Op::Call, kKeeperSlot, keeper);

  // Told as a Call with no string and no keys but the fault key in r3.
  Domain& k = mut(to);
  const std::uint16_t key_info = keeper.kind == KeyKind::Start ? keeper.badge : 0;
  k.result = Result{Status::Ok, key_info, 0, 0, {static_cast<std::uint64_t>(kind), code, address, 0}};
  for (int i = 0; i < 3; ++i) write(k, k.rcv.r[i], Key{});
  write(k, k.rcv.r[3], Key{KeyKind::Fault, me, 0, domains_[me].call_count});
  if (keeper.kind == KeyKind::Resume) k.call_count += 1;   // the keeper's Call is answered
  k.state = DomainState::Running;
  k.resumption = Resumption::Returns;
  mut(me).state = DomainState::Waiting;   // its receive descriptor stays as it was
  mut(me).resumption = Resumption::FaultEnds;
  pass_on_restart(me);
  return switch_to(me, to);
}

Model::After Model::use_fault_key(Id me, Op op, std::uint8_t kr, const Key& key, const Message& m,
                                  const Receive& rcv) {
  const Id x = key.object;
  record(static_cast<EventKind>(op), me, kr, key, Status::Ok, m.len, 0);
  mut(x).call_count += 1;   // every copy of the fault key consumed
  const bool restart = m.w[0] == order::kRestart;
  if (restart) {
    mut(x).state = DomainState::Running;
    mut(x).resumption = Resumption::FaultEnds;
    // A Call or Send leaves the invoker on the CPU: x joins the ready queue now, before
    // any staller the invoker's pending restart releases (as a Send's recipient does).
    if (op != Op::Return) make_ready(x);
  } else {
    stop(x);
  }
  pass_on_restart(me);
  if (op == Op::Return) {
    become_available(me, rcv);
    return restart ? switch_to(me, x) : dispatch_away(me);
  }
  mut(me).result = Result{Status::Ok, 0, m.len, 0, {}};
  return After::Continues;
}

}  // namespace eros::model
