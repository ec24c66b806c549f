// Return (ReturnAndReceive): replies, one-shot resume keys, coroutine calls, tail calls.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

TEST_CASE("Return on a resume key delivers all four keys and makes the server Available",
          "[return][keys]") {
  sim::System sys;
  Key n[4] = {sys.number_key(1), sys.number_key(2), sys.number_key(3), sys.number_key(4)};
  Key got[4]{};
  DomainState server_after_reply = DomainState::Running;
  DomainId server = 0;
  server = sys.spawn([&] {
    user::wait(rcv(0, 0, 0, 3));
    user::return_to(3, {.k = {5, 6, 7, 8}}, rcv_resume());
  });
  DomainId client = sys.spawn([&] {
    user::call(1, {}, rcv(10, 11, 12, 13));
    server_after_reply = sys.state(server);
    for (int i = 0; i < 4; ++i) got[i] = sys.key(sys.current(), static_cast<std::uint8_t>(10 + i));
  });
  sys.set_key(client, 1, sys.start_key(server));
  for (int i = 0; i < 4; ++i) sys.set_key(server, static_cast<std::uint8_t>(5 + i), n[i]);
  sys.run();
  for (int i = 0; i < 4; ++i) CHECK(got[i] == n[i]);   // k3 too: a reply carries four keys
  CHECK(server_after_reply == DomainState::Available);
}

TEST_CASE("a Return consumes every copy of the resume key", "[resume][return]") {
  sim::System sys;
  Result second{};
  Key copy{};
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    DomainId me = sys.current();
    copy = sys.key(me, 3);
    sys.set_key(me, 5, copy);     // a second copy of the same resume key
    user::send(3, {.w = {1}});     // the first reply consumes all copies
    second = user::call(5, {.w = {2}});
    user::wait(rcv_resume());
  });
  Result reply{};
  DomainId client = sys.spawn([&] { reply = user::call(1); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(reply.w[0] == 1);
  CHECK(second.status == Status::Void);
  CHECK_FALSE(sys.valid(copy));
}

TEST_CASE("Return on a consumed resume key drops the reply and still makes the invoker Available",
          "[resume][return][errors]") {
  sim::System sys;
  int replies = 0;
  DomainId server = sys.spawn([&] {
    user::wait(rcv(0, 0, 0, 3));
    sys.set_key(sys.current(), 4, sys.key(sys.current(), 3));
    user::send(3, {.w = {1}});                    // consumes both copies
    user::return_to(4, {.w = {2}}, rcv_resume());  // dropped
  });
  DomainId client = sys.spawn([&] {
    user::call(1);
    ++replies;
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(replies == 1);
  CHECK(sys.state(server) == DomainState::Available);
  auto ev = sys.events();
  bool dropped = false;
  for (auto& e : ev)
    if (e.kind == EventKind::Return && e.key == KeyKind::Resume && e.status == Status::Void)
      dropped = true;
  CHECK(dropped);
}

TEST_CASE("Return on a void key is a wait: the invoker becomes Available", "[return]") {
  sim::System sys;
  DomainId d = sys.spawn([] { user::return_to(0, {.w = {5}}, rcv_resume()); });
  sys.run();
  CHECK(sys.state(d) == DomainState::Available);
}

TEST_CASE("a coroutine call on a resume key resumes the waiter with a resume key back",
          "[coroutine][resume]") {
  // A calls B; B, instead of returning, Calls on A's resume key; A receives that as its
  // reply with a resume key to B in r3, and Returns on it to finish B's call.
  sim::System sys;
  Result a_got{}, b_got{};
  DomainId a = 0, b = 0;
  DomainState b_during = DomainState::Available;
  Key b_old_copy{};
  b = sys.spawn([&] {
    user::wait(rcv_resume());
    b_old_copy = sys.key(sys.current(), 3);
    sys.set_key(sys.current(), 9, b_old_copy);
    b_got = user::call(3, {.w = {100}}, rcv_resume());   // coroutine call on A's resume key
    user::wait(rcv_resume());
  });
  a = sys.spawn([&] {
    a_got = user::call(1, {}, rcv(0, 0, 0, 4));
    b_during = sys.state(b);
    user::return_to(4, {.w = {200}});
  });
  sys.set_key(a, 1, sys.start_key(b));
  sys.run();
  CHECK(a_got.w[0] == 100);
  CHECK(a_got.key_info == 0);
  CHECK(b_during == DomainState::Waiting);
  CHECK(b_got.w[0] == 200);
  CHECK_FALSE(sys.valid(b_old_copy));             // the coroutine call consumed A's keys
  CHECK(sys.key(a, 4).kind == KeyKind::Resume);
  CHECK_FALSE(sys.valid(sys.key(a, 4)));          // and A's Return consumed B's
}

TEST_CASE("a tail call: Return on a start key passes k3 through and C replies straight to A",
          "[tailcall]") {
  sim::System sys;
  Result a_got{};
  DomainId a = 0, b = 0, c = 0;
  DomainState b_when_c_runs = DomainState::Running;
  std::uint16_t c_badge = 0;
  c = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    b_when_c_runs = sys.state(b);
    c_badge = r.key_info;
    user::return_to(3, {.w = {r.w[0] + 1}}, rcv_resume());
  });
  b = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    // Hand the request to C, passing A's resume key (r3) as k3.
    user::return_to(2, {.w = {r.w[0] * 10}, .k = {0, 0, 0, 3}}, rcv_resume());
  });
  a = sys.spawn([&] { a_got = user::call(1, {.w = {4}}); });
  sys.set_key(a, 1, sys.start_key(b));
  sys.set_key(b, 2, sys.start_key(c, 33));
  sys.run();
  CHECK(a_got.w[0] == 41);
  CHECK(b_when_c_runs == DomainState::Available);
  CHECK(c_badge == 33);
  // Three invocations carried the request and reply: Call, Return (tail), Return.
  int ipc = 0;
  for (auto& e : sys.events())
    if (e.invoker != 0 && (e.kind == EventKind::Call || e.kind == EventKind::Return) &&
        e.key != KeyKind::Void)
      ++ipc;
  CHECK(ipc == 3);
}

TEST_CASE("a tail call to a busy domain stalls the invoker, which is not Available meanwhile",
          "[tailcall][stall]") {
  // Z's call keeps C busy (C is Waiting on D) while A calls B and B tail-calls C.
  sim::System sys;
  DomainId b = 0, c = 0, d = 0, z = 0, a = 0, e = 0;
  DomainState b_while_stalled = DomainState::Available;
  DomainId b_stalled_on = 0;
  Result a_got{};
  c = sys.spawn([&] {
    user::wait(rcv_resume());                 // Z's call
    user::call(1, {}, rcv(0, 0, 0, 0));       // C is busy until D answers
    b_while_stalled = sys.state(b);
    b_stalled_on = sys.stalled_on(b);
    Result r = user::return_to(3, {}, rcv_resume());   // answer Z; B's tail call lands next
    for (;;) r = user::return_to(3, {.w = {r.w[0] + 1}}, rcv_resume());
  });
  b = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    user::return_to(2, {.w = {r.w[0]}, .k = {0, 0, 0, 3}}, rcv_resume());
  });
  d = sys.spawn([&] {
    user::wait(rcv_resume());        // C's call: C's resume key in r3
    user::wait(rcv(0, 0, 0, 4));     // keep it; E's call comes with its own in r4
    user::send(3);                   // resume C
    user::return_to(4);              // answer E
  });
  z = sys.spawn([&] { user::call(1); });
  a = sys.spawn([&] { a_got = user::call(1, {.w = {7}}); });
  e = sys.spawn([&] { user::call(1); });
  sys.set_key(c, 1, sys.start_key(d));
  sys.set_key(z, 1, sys.start_key(c));
  sys.set_key(a, 1, sys.start_key(b));
  sys.set_key(b, 2, sys.start_key(c));
  sys.set_key(e, 1, sys.start_key(d));
  sys.run();
  CHECK(b_while_stalled == DomainState::Running);
  CHECK(b_stalled_on == c);
  CHECK(a_got.w[0] == 8);
  CHECK(sys.state(b) == DomainState::Available);
}
