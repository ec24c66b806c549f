// The fast path: Call and Return, inline so that the hosted trap switches fibers from the
// invoker's own frame (a switch from deeper frames costs a mispredicted return per frame).
//
// Shape (after seL4's fastpath): every check comes before the commit point; after it
// nothing can fail: copy the string, move the words and keys, set the states, record the
// event, switch. That one point is what makes transfer atomic. A failed check of a Call
// falls out to a named status with nothing changed; so does a Return's bad receive
// descriptor, but a Return whose message fails a check still resumes the recipient, with
// the status, and makes the invoker Available. Included by core/kernel.hpp.
#pragma once

namespace eros {
namespace fastpath {

// Four register numbers are all below 16 exactly when no byte has its high nibble set:
// one load and one mask instead of four loads and compares.
static_assert(kRegisterCount == 16, "the nibble test below assumes 16 registers");
inline bool registers_in_range(std::uint8_t key, const Message& m) {
  return ((four_bytes(m.k) & 0xF0F0F0F0u) | (key & 0xF0u)) == 0;
}
inline bool registers_in_range(const ReceiveDesc& r) {
  return (four_bytes(r.r) & 0xF0F0F0F0u) == 0;
}
inline bool registers_in_range(std::uint8_t key, const Message& m, const ReceiveDesc& r) {
  return (((four_bytes(m.k) | four_bytes(r.r)) & 0xF0F0F0F0u) | (key & 0xF0u)) == 0;
}
inline constexpr std::uint32_t min(std::uint32_t a, std::uint32_t b) { return a < b ? a : b; }

// The recipient copies its Result out with 16-byte loads as soon as it runs; three
// 16-byte stores let those loads be forwarded from the store buffer, where narrower
// stores would make each of them wait. `head` is status | key_info << 16 | sent << 32.
[[gnu::always_inline]] inline void write_result(Result& r, std::uint64_t head,
                                                std::uint64_t landed,
                                                const std::uint64_t (&w)[4]) {
  using Pair = std::uint64_t __attribute__((vector_size(16), aligned(1)));
  static_assert(sizeof(Result) == 3 * sizeof(Pair) && offsetof(Result, sent) == 4 &&
                    offsetof(Result, landed) == 8 && offsetof(Result, w) == 16,
                "Result is written as three 16-byte words");
  auto* out = reinterpret_cast<Pair*>(&r);
  out[0] = Pair{head, landed};
  out[1] = Pair{w[0], w[1]};
  out[2] = Pair{w[2], w[3]};
}

}  // namespace fastpath

[[gnu::always_inline]] inline Domain* Kernel::start_target(const Key& k) {
  if (k.object >= count_) [[unlikely]] return nullptr;
  Domain& d = domains_[k.object];
  return d.alloc_version == k.bound ? &d : nullptr;
}

[[gnu::always_inline]] inline Domain* Kernel::resume_target(const Key& k) {
  if (k.object >= count_) [[unlikely]] return nullptr;
  Domain& d = domains_[k.object];
  return d.call_count == k.bound ? &d : nullptr;
}

[[gnu::always_inline]] inline Status Kernel::check_source(const Domain& me, const Message& m) const {
  if (m.len == 0) return Status::Ok;   // the common case first: one test
  if (m.len > kMaxString) [[unlikely]] return Status::StringTooLong;
  if (!platform_.readable(me, m.str, m.len)) [[unlikely]] return Status::SourceFault;
  return Status::Ok;
}

[[gnu::always_inline]] inline Status Kernel::check_dest(const Domain& to, std::uint32_t landed) const {
  if (landed != 0 && !platform_.writable(to, to.rcv.buf, landed)) [[unlikely]]
    return Status::DestFault;
  return Status::Ok;
}

[[gnu::always_inline]] inline void Kernel::fill(Event* e, EventKind kind, const Domain& invoker,
                                                std::uint8_t kr, const Key& key, Status s,
                                                std::uint32_t sent, std::uint32_t landed) {
  if (e == nullptr) return;
  // Three 8-byte stores for the fields after `step`, laid out as Event declares them
  // (little-endian; the offsets are asserted in core/trace.hpp), and a fourth that clears
  // the reserved tail.
  const std::uint64_t who = invoker.id | std::uint64_t{key.object} << 32;
  const std::uint64_t bytes = sent | std::uint64_t{landed} << 32;
  const std::uint64_t what = std::uint64_t{key.kind == KeyKind::Start ? key.badge : 0u} |
                             std::uint64_t{static_cast<std::uint8_t>(kind)} << 16 |
                             std::uint64_t{static_cast<std::uint8_t>(key.kind)} << 24 |
                             std::uint64_t{static_cast<std::uint8_t>(s)} << 32 |
                             std::uint64_t{kr} << 40;
  const std::uint64_t none = 0;
  __builtin_memcpy(&e->invoker, &who, 8);
  __builtin_memcpy(&e->sent, &bytes, 8);
  __builtin_memcpy(&e->badge, &what, 8);
  __builtin_memcpy(reinterpret_cast<char*>(&e->badge) + 8, &none, 8);
}

// Commit: the string, the words, k0..k2 as named by the sender and k3 as given (made
// only when taken: its parts would otherwise hold registers across the rest).
template <class MakeK3>
[[gnu::always_inline]] inline void Kernel::deliver(const Domain& from, Domain& to, const Message& m, std::uint32_t landed,
                            std::uint16_t key_info, MakeK3 k3) {
  if (landed != 0) platform_.copy(to, to.rcv.buf, from, m.str, landed);
  // Only the keys it takes (a receive register 0 discards); `from` is never `to`, so no
  // write changes a key still to be read. Common: none at all (a client), or only k3 (a
  // server, its caller's resume key): one test each, r[0..2] together.
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "r[3] is the top byte of four_bytes(r)");
  if (const std::uint32_t r = four_bytes(to.rcv.r); r != 0) {
    if ((r & 0x00FFFFFFu) != 0) [[unlikely]] {
      if (to.rcv.r[0] != 0) to.regs.write_unchecked(to.rcv.r[0], from.regs[m.k[0]]);
      if (to.rcv.r[1] != 0) to.regs.write_unchecked(to.rcv.r[1], from.regs[m.k[1]]);
      if (to.rcv.r[2] != 0) to.regs.write_unchecked(to.rcv.r[2], from.regs[m.k[2]]);
    }
    if (const std::uint8_t r3 = static_cast<std::uint8_t>(r >> 24); r3 != 0) to.regs.write_unchecked(r3, k3());
  }
  const std::uint64_t head = static_cast<std::uint64_t>(Status::Ok) |
                             std::uint64_t{key_info} << 16 | std::uint64_t{m.len} << 32;
  fastpath::write_result(to.result, head, landed, m.w);
}

// A Return whose message failed a check: the recipient is still resumed, with the words
// and a status saying why; no key and no byte of the string is moved.
inline void Kernel::deliver_status(Domain& to, const Message& m, std::uint16_t key_info, Status s) {
  to.result = Result{s, key_info, m.len, 0, {m.w[0], m.w[1], m.w[2], m.w[3]}};
}

[[gnu::always_inline]] inline void Kernel::become_available(Domain& me, const ReceiveDesc& rcv) {
  me.state = DomainState::Available;
  keep_receive(me, rcv);
  if (!me.stallers.empty()) [[unlikely]] release_stallers(me, /*all=*/false, RestartCause::Available);
}

// ---- Call ---------------------------------------------------------------------------

// The null system call (a number key) is answered here, in the trap's own function and
// without a stack frame; everything else is call_key, a tail call with the frame it needs
// (a switch clobbers every register it keeps). A number key with a string goes there too.
[[gnu::always_inline]] inline const Result& Kernel::call(Domain& me, std::uint8_t kr, const Message& m, const ReceiveDesc& rcv) {
  if (!fastpath::registers_in_range(kr, m, rcv)) [[unlikely]] return call_bad_register(me, kr, m);
  const Key& key = me.regs[kr];
  if (key.kind == KeyKind::Number && m.len == 0 && m.w[0] == order::kNumberValue &&
      key.object < number_count_)
    return call_number(me, kr, key, m);
  return call_key(me, kr, key, m, rcv);
}

// A Call on a number key with its order, the null system call: answered at once with its
// four words, as core/objects/number.cpp would (every other field 0), without leaving the
// fast path.
[[gnu::always_inline]] inline const Result& Kernel::call_number(Domain& me, std::uint8_t kr,
                                                                const Key& key,
                                                                const Message& m) {
  fastpath::write_result(me.result, static_cast<std::uint64_t>(Status::Ok), 0,
                         numbers_[key.object].w);
  record(EventKind::Call, me, kr, key, Status::Ok, m.len, 0);
  if (me.restarted_from != kNoDomain) [[unlikely]] return passed_on(me);   // a tail call: no frame
  return me.result;
}

// The commit of a Call on a start key or (a coroutine call) on a resume key: deliver with
// a new resume key to the invoker in the recipient's r3, and switch to the recipient.
[[gnu::always_inline]] inline const Result& Kernel::commit_call(Domain& me, Domain& to,
                                                                std::uint8_t kr, const Key& key,
                                                                const Message& m,
                                                                const ReceiveDesc& rcv,
                                                                std::uint32_t landed) {
  const bool coroutine = key.kind == KeyKind::Resume;
  deliver(me, to, m, landed, coroutine ? 0 : key.badge,
          [&] { return Key{KeyKind::Resume, 0, 0, me.id, me.call_count}; });
  if (coroutine) ++to.call_count;   // every copy of the waiter's resume key is consumed
  to.state = DomainState::Running;
  me.state = DomainState::Waiting;
  keep_receive(me, rcv);
  record(EventKind::Call, me, kr, key, Status::Ok, m.len, landed);
  if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
  platform_.switch_to(me, to);
  return me.result;
}

// KeyKOS's returnee: the domain whose valid resume key (or fault key: a resume key marked
// as a restart) the invoker passes as k3.
inline Domain* Kernel::returnee(const Domain& me, const Message& m, bool& fault_key) {
  if (!register_in_range(m.k[3])) return nullptr;
  const Key& k3 = me.regs[m.k[3]];
  fault_key = k3.kind == KeyKind::Fault;
  return k3.kind == KeyKind::Resume || fault_key ? resume_target(k3) : nullptr;
}

// The returnee has its answer: every copy of its key is consumed. A resume key's domain has
// the answer as its reply and runs; a fault key's domain restarts when the answer is Ok
// with w0 = kRestart (a page-mapping object's "mapped"), else it halts. Whether it runs.
inline bool Kernel::resume_returnee(Domain& x, bool fault_key, const Result& answer) {
  ++x.call_count;
  if (fault_key && (answer.status != Status::Ok || answer.w[0] != order::kRestart)) {
    stop(x);
    return false;
  }
  x.state = DomainState::Running;
  return true;
}

// ---- Return -------------------------------------------------------------------------

[[gnu::always_inline]] inline const Result& Kernel::return_to(Domain& me, std::uint8_t kr, const Message& m,
                                const ReceiveDesc& rcv) {
  for (;;) {
    // The invoker's own receive descriptor is checked first and fails back to it: it is
    // still running and has given nothing away.
    if (!fastpath::registers_in_range(rcv)) [[unlikely]]
      return finish(me, Op::Return, kr, Key{}, Status::BadRegister, m.len);
    const bool key_in_range = register_in_range(kr);
    const Key key = key_in_range ? me.regs[kr] : Key{};
    Domain* to = nullptr;
    std::uint16_t key_info = 0;
    if (key.kind == KeyKind::Resume) [[likely]] {
      to = resume_target(key);
    } else if (key.kind == KeyKind::Start) {
      // Tail call: hand the reply on to another domain, k3 passed through.
      to = start_target(key);
      key_info = key.badge;
      if (to != nullptr && to->state != DomainState::Available) {
        stall(me, *to, Op::Return, kr, key);
        continue;
      }
    } else if (key.kind == KeyKind::Fault) {
      if (Domain* x = resume_target(key)) return use_fault_key(me, Op::Return, kr, key, *x, m, rcv);
    }
    // A kernel object, a void or stale key: out of line.
    if (to == nullptr) [[unlikely]] return return_at_once(me, kr, m, rcv);

    Status s = fastpath::registers_in_range(kr, m) ? check_source(me, m) : Status::BadRegister;
    const std::uint32_t landed = s == Status::Ok ? fastpath::min(m.len, to->rcv.limit) : 0;
    if (s == Status::Ok) s = check_dest(*to, landed);

    // Commit point. A failed check is reported to the recipient, which is resumed anyway.
    if (s == Status::Ok) [[likely]] {
      deliver(me, *to, m, landed, key_info, [&] { return me.regs[m.k[3]]; });
    } else {
      deliver_status(*to, m, key_info, s);
    }
    if (key.kind == KeyKind::Resume) ++to->call_count;   // consume every copy
    to->state = DomainState::Running;
    record(EventKind::Return, me, kr, key, s, m.len, s == Status::Ok ? landed : 0);
    if (me.restarted_from != kNoDomain) [[unlikely]] pass_on_restart(me);
    become_available(me, rcv);
    platform_.switch_to(me, *to);
    return me.result;
  }
}

}  // namespace eros
