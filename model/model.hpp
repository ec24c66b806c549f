// The reference model of EROS/KeyKOS capability IPC: small, slow and written for clarity.
//
// It implements the rules of docs/semantics.md (the paper's, and where they leave a
// choice, the kernel's documented one, see docs/model.md) with plain containers: no
// fibers, no fast path, no fixed tables, no shared code with core/ or ipc/. Only the
// vocabulary (the enums naming states, key kinds, statuses, operations and event kinds,
// and the Result layout) is taken from the kernel's headers, so the two can be compared
// field by field.
//
// The model has no threads of control of its own: a driver tells it which domain invokes
// what, and the model says whether the invoker carries on or is suspended, and which
// domain runs next. How a suspended domain continues is part of the model's state
// (Resumption): it either sees its invocation return with its result, or starts the
// invocation again (a restarted staller), or, never having run, begins its program.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "capabilities/key.hpp"   // KeyKind (names only)
#include "core/domain.hpp"        // DomainState (names only)
#include "core/message.hpp"       // Op, Result, kMaxString (names and layout only)
#include "core/abi.hpp"           // Status, order codes, limits
#include "core/trace.hpp"         // EventKind (names only)

namespace eros::model {

using Id = std::uint32_t;          // a domain: 1, 2, ... in creation order; 0 names none
inline constexpr Id kNone = 0;
inline constexpr int kRegisters = 16;
inline constexpr std::uint32_t kMaxString = eros::kMaxString;   // 65,536
inline constexpr std::uint64_t kPage = 4096;

// Page permission bits.
inline constexpr std::uint8_t kRead = 1, kWrite = 2;

struct Key {
  KeyKind kind = KeyKind::Void;
  Id object = 0;               // domain, or index of a number object
  std::uint16_t badge = 0;     // keyInfo of a start key
  std::uint64_t bound = 0;     // the version (start) or call count (resume, fault) it was made with
};

// A message as the invoker describes it: addresses are in the model's address space.
struct Message {
  std::uint64_t w[4] = {};
  std::uint8_t k[4] = {};
  std::uint32_t len = 0;
  std::uint64_t str = 0;
};
struct Receive {
  std::uint64_t buf = 0;
  std::uint32_t limit = 0;
  std::uint8_t r[4] = {};
};

// One record of the trace, with the same fields and meaning as the kernel's Event.
struct Event {
  std::uint64_t step = 0;
  EventKind kind = EventKind::Call;
  Id invoker = 0;
  Id target = 0;
  KeyKind key = KeyKind::Void;
  std::uint8_t key_register = 0;
  std::uint16_t badge = 0;
  std::uint32_t sent = 0;
  std::uint32_t landed = 0;
  Status status = Status::Ok;
  std::uint8_t op = 0;   // Stall: the Op that stalled; Restart: the RestartCause
};

// What a suspended domain does when it next gets the CPU.
enum class Resumption : std::uint8_t {
  Begin,     // it never ran: start its program
  Returns,   // its invocation returns, with `result`
  Retries,   // it was stalled and restarted: it performs the same invocation (or fault) again
  FaultEnds, // its fault was answered with a restart: it goes on after it, nothing delivered
};

struct Domain {
  DomainState state = DomainState::Running;
  Key regs[kRegisters];
  Key keeper;                        // told of its faults; not a register (traced as r16)
  Result result;
  Receive rcv;                       // kept each time it blocks; limit clamped
  std::uint64_t call_count = 0;
  std::uint64_t alloc_version = 0;
  std::uint32_t space = 0;
  Id stalled_on = kNone;
  Id restarted_from = kNone;   // the domain whose stall queue restarted it, retry not yet ended
  std::deque<Id> stallers;           // FIFO of domains waiting for it to be Available
  Resumption resumption = Resumption::Begin;
};

// Memory: `pages` pages starting at kArenaBase, each with a permission per space; every
// other address is unmapped in every space.
inline constexpr std::uint64_t kArenaBase = 0x10000000;

class Model {
 public:
  Model(std::uint32_t pages, std::uint32_t spaces);

  // ---- memory ----------------------------------------------------------------------
  void set_perm(std::uint32_t space, std::uint32_t page, std::uint8_t perm);
  std::vector<std::uint8_t>& bytes() { return bytes_; }
  bool allows(std::uint32_t space, std::uint64_t addr, std::uint64_t n, std::uint8_t need) const;

  // ---- objects ---------------------------------------------------------------------
  Id spawn(std::uint32_t space);   // Running, at the tail of the ready queue
  Key start_key(Id d, std::uint16_t badge) const;
  Key domain_control_key(Id d) const;
  Key yield_key() const { return Key{KeyKind::Yield, 0, 0, 0}; }
  Key number_key(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t w3);
  void set_key(Id d, std::uint8_t reg, const Key& k) { write(mut(d), reg, k); }
  void set_keeper(Id d, const Key& k) { mut(d).keeper = k; }   // any key; only some are keepers
  const Key& keeper(Id d) const { return domains_[d].keeper; }
  const Key& key(Id d, std::uint8_t reg) const { return domains_[d].regs[reg]; }
  bool valid(const Key& k) const;
  void rescind(Id d);              // every start key of d becomes void; its stallers restart
  void halt(Id d);                 // d's program ended: every key to it is void; next runs

  // ---- invocations -----------------------------------------------------------------
  enum class After : std::uint8_t { Continues, Suspended };
  // The current domain `me` invokes the key in register `kr`. Continues: `me` keeps the
  // CPU and its result is result(me). Suspended: current() is whoever runs next.
  After invoke(Id me, Op op, std::uint8_t kr, const Message& m, const Receive& rcv);
  // The current domain `me` raises a fault of `kind` (1..7), told to its keeper as the
  // words {kind, code, address, 0}. Always Suspended: `me` waits for its keeper, stalls on
  // a busy one, or halts when it has none. Restarted through its fault key, it goes on
  // (Resumption::FaultEnds) with nothing delivered.
  After fault(Id me, FaultKind kind, std::uint64_t code, std::uint64_t address);

  // ---- scheduling ------------------------------------------------------------------
  Id current() const { return current_; }
  // Nothing is running: give the CPU to the head of the ready queue (kNone if empty).
  Id dispatch();

  const Domain& domain(Id d) const { return domains_[d]; }
  Id count() const { return static_cast<Id>(domains_.size()); }   // ids 1..count-1
  bool ready(Id d) const;
  const std::deque<Id>& ready_queue() const { return ready_; }
  const std::vector<Event>& trace() const { return trace_; }

  // Deliberate mistakes, for testing that the differential driver notices and shrinks a
  // divergence (tests/differential/model_test.cpp). 0 in every real run.
  //   1: Send on a resume key forgets to consume it.   2: a tail call drops k3.
  int planted_bug = 0;

 private:
  Domain& mut(Id d) { return domains_[d]; }
  bool exists(Id d) const { return d != kNone && d < domains_.size(); }
  static void write(Domain& d, std::uint8_t reg, const Key& k) {
    if (reg != 0) d.regs[reg] = k;   // register 0 always reads void
  }
  static bool is_kernel_object(const Key& k) {
    return k.kind == KeyKind::Number || k.kind == KeyKind::DomainControl ||
           k.kind == KeyKind::Yield;
  }

  After call(Id me, std::uint8_t kr, const Message& m, const Receive& rcv);
  After return_to(Id me, std::uint8_t kr, const Message& m, const Receive& rcv);
  After send(Id me, std::uint8_t kr, const Message& m);

  // The invoker gets `s` at once and carries on.
  After finish(Id me, Op op, std::uint8_t kr, const Key& key, Status s, const Message& m);
  // A valid kernel object performs the order m.w[0] and gives its answer (status and
  // words; key_info, sent and landed 0). A key it makes goes to register `into_reg` of
  // domain `into` (kNone or register 0 drops it). `yields`: the order was kYield.
  // `invoker`: whose registers a SetKeeper copies its k0 from.
  Result perform(Id invoker, const Key& key, const Message& m, Id into, std::uint8_t into_reg,
                 bool& yields);
  // The keeper's domain, if `k` is a keeper: a valid start key or a valid resume key.
  Id keeper_of(const Key& k) const;
  // A valid fault key to X invoked (Call, Send, Return; the checks the op needs done):
  // order kRestart runs X again, any other order halts it; every copy is consumed.
  After use_fault_key(Id me, Op op, std::uint8_t kr, const Key& key, const Message& m,
                      const Receive& rcv);
  // A domain stops for good: its keys void, its stallers restarted (no dispatch).
  void stop(Id d);
  // A Return or Send on a key that is no valid start or resume key (kr in range) sends
  // "the Call answer" to the returnee named by m.k[3], if there is one.
  // The returnee: the domain whose valid resume key, or fault key (`fault`), is in k3.
  Id returnee(Id me, const Message& m, bool& fault) const;
  // The returnee X gets `answer`. Through a resume key: as the end of its Call (its resume
  // keys consumed, Running). Through a fault key: its fault key is consumed, and it restarts
  // when the answer is Ok with w0 = 0, else halts. Returns whether X runs (Running).
  bool resume_with(Id x, bool fault, const Result& answer);
  // The Call answer A(me, key, m) for a key that names no domain: the event recorded, the
  // object performed, the returnee X (if any) answered; `runs` says whether X is Running
  // after it. Returns A's status. `yields`: a performed Yield order 0.
  Status answer_returnee(Id me, Op op, std::uint8_t kr, const Key& key, const Message& m, Id x,
                         bool fault, bool& yields, bool& runs);
  Status check_source(Id me, const Message& m) const;
  Status check_dest(Id to, std::uint32_t landed) const;
  void deliver(Id from, Id to, const Message& m, std::uint32_t landed, std::uint16_t key_info,
               const Key& k3);
  void keep_receive(Id d, const Receive& rcv);
  void become_available(Id me, const Receive& rcv);
  After stall(Id me, Id target, Op op, std::uint8_t kr, const Key& key);
  void release_stallers(Id d, bool all, RestartCause why);
  void pass_on_restart(Id me);
  void make_ready(Id d) { ready_.push_back(d); }
  After switch_to(Id me, Id to);
  After dispatch_away(Id me);
  After yield(Id me);   // behind every ready domain; Continues when none is ready
  // Returns the event's index: an invocation of a kernel object is recorded before the
  // object acts (so before the restarts a rescind causes), its status set afterwards.
  std::size_t record(EventKind kind, Id invoker, std::uint8_t kr, const Key& key, Status s,
                     std::uint32_t sent, std::uint32_t landed);
  void record_plain(Event e);

  std::uint32_t pages_;
  std::uint32_t spaces_;
  std::vector<std::uint8_t> perm_;    // [space * pages + page]
  std::vector<std::uint8_t> bytes_;   // pages * 4096
  std::vector<Domain> domains_;       // [0] unused
  std::vector<std::uint64_t> numbers_;   // 4 words per number object
  std::deque<Id> ready_;
  Id current_ = kNone;
  std::vector<Event> trace_;
};

}  // namespace eros::model
