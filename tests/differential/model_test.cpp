// The reference model on its own (the paper's scenarios, driven by hand), hand-written
// programs that aim at one rule each and must agree on kernel and model, and the driver's
// own test: a bug planted in the model is found, shrunk and printed as a test.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fuzz/driver.hpp"
#include "fuzz/generate.hpp"
#include "fuzz/invariants.hpp"
#include "model/model.hpp"
#include "sim/system.hpp"

using namespace eros;
using namespace eros::fuzz;
using model::Model;

namespace {

model::Receive resume_in_r3() { return model::Receive{0, 0, {0, 0, 0, 3}}; }

int count(const std::vector<EventView>& t, EventKind k, Status s = Status::Ok) {
  return static_cast<int>(std::count_if(t.begin(), t.end(), [&](const EventView& e) {
    return e.kind == k && e.status == s;
  }));
}

// Arena pages: [guard, rw, rw, rw, guard] in one space.
Program base_program(std::uint32_t domains) {
  Program p;
  p.pages = 5;
  p.spaces = 1;
  p.perms = {0, 3, 3, 3, 0};
  p.fill = 7;
  p.space_of.assign(domains, 0);
  p.steps.resize(domains);
  p.phases.resize(1);
  return p;
}

Outcome agree(const Program& p) {
  Options o;
  o.full_memory = true;
  o.invariants = true;
  Outcome out = diff(p, o);
  INFO(out.report);
  CHECK(out.agree);
  return out;
}

}  // namespace

TEST_CASE("model: the 2-hop tail call, driven by hand", "[differential][model]") {
  Model m(3, 1);
  const model::Id c = m.spawn(0), b = m.spawn(0), a = m.spawn(0);
  m.set_key(a, 1, m.start_key(b, 0));
  m.set_key(b, 2, m.start_key(c, 33));
  CHECK(m.dispatch() == c);
  CHECK(m.invoke(c, Op::Return, 0, {}, resume_in_r3()) == Model::After::Suspended);   // wait
  CHECK(m.current() == b);
  m.invoke(b, Op::Return, 0, {}, resume_in_r3());
  CHECK(m.current() == a);
  CHECK(m.invoke(a, Op::Call, 1, {.w = {4}}, {}) == Model::After::Suspended);
  CHECK(m.current() == b);   // direct switch to the recipient
  CHECK(m.domain(a).state == DomainState::Waiting);
  CHECK(m.domain(b).result.w[0] == 4);
  CHECK(m.key(b, 3).kind == KeyKind::Resume);
  m.invoke(b, Op::Return, 2, {.w = {40}, .k = {0, 0, 0, 3}}, resume_in_r3());   // tail call
  CHECK(m.current() == c);
  CHECK(m.domain(b).state == DomainState::Available);
  CHECK(m.domain(c).result.key_info == 33);
  const model::Key a_resume = m.key(c, 3);
  CHECK(a_resume.kind == KeyKind::Resume);
  CHECK(a_resume.object == a);
  m.invoke(c, Op::Return, 3, {.w = {41}}, resume_in_r3());
  CHECK(m.current() == a);
  CHECK(m.domain(a).result.w[0] == 41);
  CHECK(m.domain(a).resumption == model::Resumption::Returns);
  CHECK_FALSE(m.valid(a_resume));   // one-shot
  CHECK(m.domain(c).state == DomainState::Available);
}

TEST_CASE("model: a call to a busy domain stalls, and restarts when it is Available",
          "[differential][model]") {
  Model m(3, 1);
  const model::Id s = m.spawn(0), x = m.spawn(0), y = m.spawn(0);
  m.set_key(x, 1, m.start_key(s, 1));
  m.set_key(y, 1, m.start_key(s, 2));
  m.dispatch();
  m.invoke(s, Op::Return, 0, {}, resume_in_r3());   // s waits; x runs
  m.invoke(x, Op::Send, 1, {.w = {1}}, {});          // s Running and ready; x continues
  CHECK(m.domain(s).state == DomainState::Running);
  CHECK(m.invoke(x, Op::Call, 1, {}, {}) == Model::After::Suspended);   // busy: stall
  CHECK(m.domain(x).stalled_on == s);
  CHECK(m.domain(x).resumption == model::Resumption::Retries);
  CHECK(m.current() == y);
  m.invoke(y, Op::Call, 1, {}, {});                  // stalls behind x
  CHECK(m.current() == s);
  m.invoke(s, Op::Return, 0, {}, resume_in_r3());    // Available: x (only) restarts
  CHECK(m.domain(x).stalled_on == model::kNone);
  CHECK(m.domain(y).stalled_on == s);
  CHECK(m.current() == x);
  CHECK(m.invoke(x, Op::Call, 1, {}, {}) == Model::After::Suspended);   // again: delivered
  CHECK(m.current() == s);
  CHECK(m.domain(s).result.key_info == 1);
}

TEST_CASE("differential: Call, Return and one-shot resume keys", "[differential]") {
  Program p = base_program(2);
  p.phases[0] = {{Setup::Start, 2, 1, 1, 7, 0}};
  p.steps[0] = {Step{.op = Op::Return, .key = 0, .limit = 100, .r = {0, 0, 0, 3}},
                Step{.op = Op::Send, .key = 3, .w = {1}},                       // consumes
                Step{.op = Op::Return, .key = 3, .w = {2}, .r = {0, 0, 0, 3}}};   // dropped
  p.steps[1] = {Step{.op = Op::Call, .key = 1, .w = {9}, .len = 50, .str = {Base::Arena, 4096}},
                Step{.op = Op::Call, .key = 1}};
  const Outcome o = agree(p);
  CHECK(count(o.trace, EventKind::Return, Status::Void) == 2);   // the wait, and the dropped reply
}

TEST_CASE("differential: stalls, FIFO restarts, and a rescind from outside", "[differential]") {
  Program p = base_program(4);
  p.phases[0] = {{Setup::Start, 2, 1, 1, 1, 0}, {Setup::Start, 3, 1, 1, 2, 0},
                 {Setup::Start, 4, 1, 1, 3, 0}, {Setup::Start, 1, 1, 2, 0, 0}};
  // d1 takes d2's call and keeps it open while calling d2 back (busy itself): d3, d4 stall.
  p.steps[0] = {Step{.op = Op::Return, .key = 0, .r = {0, 0, 0, 5}},
                Step{.op = Op::Send, .key = 1},
                Step{.op = Op::Return, .key = 5}};
  p.steps[1] = {Step{.op = Op::Call, .key = 1}, Step{.op = Op::Return, .key = 0}};
  p.steps[2] = {Step{.op = Op::Call, .key = 1, .w = {3}}};
  p.steps[3] = {Step{.op = Op::Call, .key = 1, .w = {4}}};
  p.phases.push_back({{Setup::Rescind, 1, 0, 1, 0, 0}});
  const Outcome o = agree(p);
  CHECK(count(o.trace, EventKind::Stall) >= 2);
  CHECK(count(o.trace, EventKind::Restart) >= 2);
}

TEST_CASE("differential: coroutine call, tail call to a busy domain, halts", "[differential]") {
  Program p = base_program(3);
  p.phases[0] = {{Setup::Start, 1, 1, 2, 0, 0}, {Setup::Start, 2, 2, 3, 5, 0},
                 {Setup::Start, 3, 1, 2, 0, 0}};
  p.steps[0] = {Step{.op = Op::Call, .key = 1, .r = {0, 0, 0, 4}},
                Step{.op = Op::Return, .key = 4, .w = {200}}};
  p.steps[1] = {Step{.op = Op::Return, .key = 0, .r = {0, 0, 0, 3}},
                Step{.op = Op::Call, .key = 3, .w = {100}, .r = {0, 0, 0, 3}},   // coroutine
                Step{.op = Op::Return, .key = 2, .k = {0, 0, 0, 3}}};            // tail call
  p.steps[2] = {Step{.op = Op::Call, .key = 1}};
  const Outcome o = agree(p);
  CHECK(count(o.trace, EventKind::Halt) >= 1);
}

TEST_CASE("differential: strings — truncation, overlap, shared pages, every fault",
          "[differential][string]") {
  Program p = base_program(3);
  p.spaces = 2;
  p.perms = {0, 3, 1, 2, 0,    // space 0: rw, read-only, write-only
             0, 3, 0, 3, 0};   // space 1: page 1 shared, page 3 shared
  p.space_of = {0, 0, 1};
  p.phases[0] = {{Setup::Start, 2, 1, 1, 0, 0}, {Setup::Start, 3, 1, 1, 0, 0}};
  p.steps[0] = {Step{.op = Op::Return, .key = 0, .buf = {Base::Arena, 4096 + 300}, .limit = 5000, .r = {0, 0, 0, 3}}};
  for (int i = 0; i < 8; ++i)
    p.steps[0].push_back(Step{.op = Op::Return, .key = 3, .len = 4,
                              .str = {Base::Arena, 2 * 4096}, .buf = {Base::Arena, 4096 + 300},
                              .limit = 5000, .r = {0, 0, 0, 3}});
  p.steps[1] = {
      Step{.op = Op::Call, .key = 1, .len = 5000, .str = {Base::Arena, 4096 + 100}},   // overlap
      Step{.op = Op::Call, .key = 1, .len = 65537, .str = {Base::Arena, 4096}},        // too long
      Step{.op = Op::Call, .key = 1, .len = 8, .str = {Base::Null, 0}},
      Step{.op = Op::Call, .key = 1, .len = 16, .str = {Base::Wrap, 0}},
      Step{.op = Op::Call, .key = 1, .len = 8, .str = {Base::Arena, 3 * 4096}},        // write-only
      Step{.op = Op::Call, .key = 1, .len = 9000, .str = {Base::Arena, 4096}},         // truncated
  };
  p.steps[2] = {Step{.op = Op::Call, .key = 1, .len = 64, .str = {Base::Arena, 3 * 4096}},   // shared
                Step{.op = Op::Call, .key = 1, .len = 64, .str = {Base::Arena, 2 * 4096}}};  // unmapped here
  const Outcome o = agree(p);
  CHECK(count(o.trace, EventKind::Call, Status::StringTooLong) == 1);
  CHECK(count(o.trace, EventKind::Call, Status::SourceFault) >= 3);
  CHECK(count(o.trace, EventKind::Return, Status::SourceFault) == 0);
}

TEST_CASE("the driver finds a bug planted in the model, and shrinks it", "[differential][driver]") {
  for (int bug : {1, 2}) {
    Options o;
    o.planted_bug = bug;
    bool found = false;
    for (std::uint64_t s = 1; s < 3000 && !found; ++s) {
      SeedEntropy e(s);
      const Program p = generate(e);
      const Outcome out = diff(p, o);
      if (out.agree) continue;
      found = true;
      const Program small = shrink(p, o, 1500);
      const Outcome again = diff(small, o);
      INFO("planted bug " << bug << "\n" << repro_test(small, again, "planted"));
      CHECK_FALSE(again.agree);
      CHECK(small.step_count() <= 8);
      CHECK(small.step_count() < p.step_count());
      CHECK(repro_test(small, again, "x").find("TEST_CASE(\"x\"") != std::string::npos);
      CHECK(diff(small).agree);   // without the planted bug they agree
    }
    CHECK(found);
  }
}

TEST_CASE("differential: a restarted staller that fails passes the restart on",
          "[differential][stall]") {
  // When D becomes Available the first domain on its stall queue, if any, restarts its
  // invocation (docs/semantics.md). If that one fails a check instead of taking D (here
  // DestFault: D's buffer is unmapped), D is still Available: the next staller restarts,
  // so no staller is left queued on an Available domain.
  Program p = base_program(3);
  p.phases[0] = {{Setup::Start, 1, 1, 3, 0, 0}, {Setup::Start, 2, 1, 3, 0, 0}};
  p.steps[0] = {Step{.op = Op::Call, .key = 1, .len = 10, .str = {Base::Arena, 4096}}};
  p.steps[1] = {Step{.op = Op::Call, .key = 1, .len = 10, .str = {Base::Arena, 4096}}};
  p.steps[2] = {Step{.op = Op::Return, .key = 0, .buf = {Base::Arena, 4 * 4096}, .limit = 100,
                     .r = {0, 0, 0, 3}}};
  const Outcome o = agree(p);
  CHECK(count(o.trace, EventKind::Stall) == 2);
  CHECK(count(o.trace, EventKind::Restart) == 2);
  CHECK(count(o.trace, EventKind::Call, Status::DestFault) == 2);
}

TEST_CASE("the invariant checker notices broken kernel states", "[differential][invariants]") {
  auto broken = [](auto&& damage) {
    sim::System sys;
    const DomainId a = sys.spawn([] {}), b = sys.spawn([] {});
    REQUIRE(check_invariants(sys.kernel(), kNoDomain).empty());
    damage(sys, a, b);
    return check_invariants(sys.kernel(), kNoDomain);
  };
  auto says = [](const std::string& v, const char* what) {
    INFO(v);
    CHECK(v.find(what) != std::string::npos);
  };
  says(broken([](sim::System& s, DomainId a, DomainId b) {
         s.set_key(a, 5, Key{KeyKind::Resume, 0, 0, b, s.call_count(b)});   // b is Running
       }), "valid resume key");
  says(broken([](sim::System& s, DomainId, DomainId b) {
         s.kernel().domain(b).state = DomainState::Waiting;   // but still on the ready queue
       }), "is ready but Waiting");
  says(broken([](sim::System& s, DomainId a, DomainId b) {
         Domain& d = s.kernel().domain(b);
         d.ready = false;
         d.stalled_on = a;   // on no stall queue
       }), "say they stall on it");
  says(broken([](sim::System& s, DomainId a, DomainId b) {
         s.set_key(a, 6, Key{KeyKind::Start, 0, 1, b, s.kernel().domain(b).alloc_version + 1});
       }), "future version");
  says(broken([](sim::System& s, DomainId a, DomainId) {
         s.kernel().domain(a).regs.slot[0] = Key{KeyKind::Number, 0, 0, 0, 0};
       }), "register 0");
}

TEST_CASE("sanitize keeps every kind of setup step", "[differential][generator]") {
  // A kind sanitize folded away would never reach a run (the yield key once did not).
  for (unsigned k = 0; k < kSetupKinds; ++k) {
    Program p;
    p.steps = {{}, {}};
    p.space_of = {0, 0};
    p.phases = {{SetupOp{static_cast<Setup>(k), 1, 2, 2, 5, 3}}};
    p.sanitize();
    REQUIRE(p.phases.size() == 1);
    CHECK(static_cast<unsigned>(p.phases[0][0].what) == k);
  }
  // And the generator makes every kind, over a few hundred seeds.
  std::vector<int> seen(kSetupKinds, 0);
  for (std::uint64_t s = 1; s <= 400; ++s) {
    SeedEntropy e(s);
    for (const auto& ph : generate(e).phases)
      for (const SetupOp& op : ph) ++seen[static_cast<unsigned>(op.what)];
  }
  for (unsigned k = 0; k < kSetupKinds; ++k) {
    INFO("setup kind " << k);
    CHECK(seen[k] > 0);
  }
}
