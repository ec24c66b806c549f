// Send (fork) and stall queues.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

TEST_CASE("Send delivers and the invoker keeps running; the recipient runs later", "[send]") {
  sim::System sys;
  std::vector<int> order;
  Result got{};
  Key n = sys.number_key(5);
  Key r3{};
  DomainId server = sys.spawn([&] {
    got = user::wait(rcv(0, 0, 0, 3));
    r3 = sys.key(sys.current(), 3);
    order.push_back(2);
    user::wait(rcv_resume());
  });
  DomainState sender_state = DomainState::Waiting;
  DomainId sender = sys.spawn([&] {
    Status s = user::send(1, {.w = {9}, .k = {0, 0, 0, 2}});
    sender_state = sys.state(sys.current());
    order.push_back(s == Status::Ok ? 1 : -1);
  });
  sys.set_key(sender, 1, sys.start_key(server, 3));
  sys.set_key(sender, 2, n);
  sys.run();
  CHECK(order == std::vector<int>{1, 2});
  CHECK(sender_state == DomainState::Running);
  CHECK(got.w[0] == 9);
  CHECK(got.key_info == 3);
  CHECK(r3 == n);   // Send makes no resume key: r3 receives k3 as given
}

TEST_CASE("Send on a resume key delivers the reply and consumes the key", "[send][resume]") {
  sim::System sys;
  Result reply{};
  Key resume{};
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    resume = sys.key(sys.current(), 3);
    user::send(3, {.w = {11}});
    user::wait(rcv_resume());
  });
  DomainId client = sys.spawn([&] { reply = user::call(1); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(reply.w[0] == 11);
  CHECK_FALSE(sys.valid(resume));
  CHECK(sys.state(client) == DomainState::Halted);
}

TEST_CASE("Send on a void key reports Void", "[send][errors]") {
  sim::System sys;
  Status s = Status::Ok;
  sys.spawn([&] { s = user::send(4); });
  sys.run();
  CHECK(s == Status::Void);
}

TEST_CASE("stalled invokers restart in FIFO order when the domain becomes Available",
          "[stall]") {
  // S calls D and D keeps S's call open (Waiting on W) while A, B, C call S in turn.
  sim::System sys;
  std::vector<std::uint64_t> served;
  DomainId s = 0, w = 0;
  std::vector<DomainId> stalled;
  w = sys.spawn([&] {
    user::wait(rcv_resume());              // S's call
    user::wait(rcv(0, 0, 0, 4));           // keep S's resume key; T's call arrives
    user::send(3);                         // now release S
    user::return_to(4);
  });
  s = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    served.push_back(r.w[0]);
    user::call(1, {}, rcv(0, 0, 0, 0));    // busy until W answers
    r = user::return_to(3, {}, rcv_resume());
    for (;;) {
      served.push_back(r.w[0]);
      r = user::return_to(3, {}, rcv_resume());
    }
  });
  DomainId first = sys.spawn([] { user::call(1, {.w = {100}}); });
  for (std::uint64_t i = 1; i <= 3; ++i) {
    DomainId c = sys.spawn([i] { user::call(1, {.w = {i}}); });
    sys.set_key(c, 1, sys.start_key(s));
    stalled.push_back(c);
  }
  DomainId t = sys.spawn([&] { user::call(1); });
  sys.set_key(s, 1, sys.start_key(w));
  sys.set_key(first, 1, sys.start_key(s));
  sys.set_key(t, 1, sys.start_key(w));
  sys.run();
  CHECK(served == std::vector<std::uint64_t>{100, 1, 2, 3});
  int stalls = 0, restarts = 0;
  for (auto& e : sys.events()) {
    stalls += e.kind == EventKind::Stall;
    restarts += e.kind == EventKind::Restart;
  }
  CHECK(stalls == 3);
  CHECK(restarts == 3);
}

TEST_CASE("a stalled invocation starts again from the first check", "[stall][rescind]") {
  // While C is stalled on busy S, S's start keys are rescinded: C's restart finds a void key.
  sim::System sys;
  DomainId s = 0, w = 0, c = 0, r = 0;
  Result c_got{};
  w = sys.spawn([&] {
    user::wait(rcv_resume());
    user::wait(rcv(0, 0, 0, 4));
    user::send(3);
    user::return_to(4);
  });
  s = sys.spawn([&] {
    user::wait(rcv_resume());
    user::call(1, {}, rcv(0, 0, 0, 0));
    for (Result x = user::return_to(3, {}, rcv_resume());;) x = user::return_to(3, {}, rcv_resume());
  });
  DomainId first = sys.spawn([] { user::call(1); });
  c = sys.spawn([&] { c_got = user::call(1, {.w = {5}}); });
  r = sys.spawn([&] {
    user::call(2, {.w = {order::kRescind}});   // rescind S while C is stalled on it
    user::call(1);                             // then let W release S
  });
  sys.set_key(s, 1, sys.start_key(w));
  sys.set_key(first, 1, sys.start_key(s));
  sys.set_key(c, 1, sys.start_key(s));
  sys.set_key(r, 1, sys.start_key(w));
  sys.set_key(r, 2, sys.domain_control_key(s));
  sys.run();
  CHECK(c_got.status == Status::Void);
  CHECK(sys.state(c) == DomainState::Halted);
}

TEST_CASE("Send to a busy domain stalls the sender until it is Available", "[send][stall]") {
  sim::System sys;
  std::vector<std::uint64_t> got;
  DomainId server = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    for (;;) {
      got.push_back(r.w[0]);
      r = user::wait(rcv_resume());
    }
  });
  DomainId a = sys.spawn([] {
    user::send(1, {.w = {1}});   // server becomes Running, queued behind us
    user::send(1, {.w = {2}});   // still busy: stall
  });
  sys.set_key(a, 1, sys.start_key(server));
  sys.run();
  CHECK(got == std::vector<std::uint64_t>{1, 2});
  bool stalled = false;
  for (auto& e : sys.events()) stalled |= e.kind == EventKind::Stall && e.invoker == a;
  CHECK(stalled);
}

TEST_CASE("Yield runs every ready domain first; with none ready it returns at once", "[yield][send]") {
  sim::System sys;
  std::vector<int> order;
  Result yielded{};
  Status sent = Status::Void;
  DomainId a = sys.spawn([&] {
    order.push_back(1);
    yielded = user::call(1, {.w = {order::kYield, 77}});   // b and c are ready: both run before a goes on
    order.push_back(4);
  });
  sys.spawn([&] { order.push_back(2); });
  DomainId c = sys.spawn([&] {
    order.push_back(3);
    sent = user::send(1);   // a is ready again: it runs (and ends) first
    order.push_back(5);
  });
  sys.set_key(a, 1, sys.yield_key());
  sys.set_key(c, 1, sys.yield_key());
  sys.run();
  CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(yielded.status == Status::Ok);
  CHECK(sent == Status::Ok);

  sim::System alone;
  Result r{};
  bool after = false;
  DomainId d = alone.spawn([&] {
    r = user::call(1);
    after = true;
  });
  alone.set_key(d, 1, alone.yield_key());
  alone.run();
  CHECK(r.status == Status::Ok);
  CHECK(after);
}
