// Call (CallAndWait): start keys, badges, the resume key in r3, kernel objects.
#include <catch2/catch.hpp>
#include <string>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

TEST_CASE("Call on an Available start key delivers the words and the badge", "[call][badge]") {
  sim::System sys;
  Result seen{};
  DomainState caller_during = DomainState::Available, server_during = DomainState::Available;
  DomainId client = 0;
  DomainId server = sys.spawn([&] {
    seen = user::wait(rcv_resume());
    caller_during = sys.state(client);
    server_during = sys.state(sys.current());
    user::return_to(3);
  });
  client = sys.spawn([&] { user::call(1, {.w = {10, 11, 12, 13}}); });
  sys.set_key(client, 1, sys.start_key(server, 0xBEEF));
  sys.run();
  CHECK(seen.status == Status::Ok);
  CHECK(seen.w[0] == 10);
  CHECK(seen.w[1] == 11);
  CHECK(seen.w[2] == 12);
  CHECK(seen.w[3] == 13);
  CHECK(seen.key_info == 0xBEEF);
  CHECK(caller_during == DomainState::Waiting);
  CHECK(server_during == DomainState::Running);
}

TEST_CASE("Call puts a fresh resume key to the caller in r3 and does not send k3", "[call][keys][resume]") {
  sim::System sys;
  DomainId client = 0;
  Key r3{}, r0{}, r1{}, r2{};
  DomainId server = sys.spawn([&] {
    user::wait(rcv(4, 5, 6, 7));
    DomainId me = sys.current();
    r0 = sys.key(me, 4);
    r1 = sys.key(me, 5);
    r2 = sys.key(me, 6);
    r3 = sys.key(me, 7);
    user::return_to(7);
  });
  client = sys.spawn([&] { user::call(1, {.k = {2, 3, 4, 5}}); });
  Key n2 = sys.number_key(2), n3 = sys.number_key(3), n4 = sys.number_key(4),
      n5 = sys.number_key(5);
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(client, 2, n2);
  sys.set_key(client, 3, n3);
  sys.set_key(client, 4, n4);
  sys.set_key(client, 5, n5);
  sys.run();
  CHECK(r0 == n2);
  CHECK(r1 == n3);
  CHECK(r2 == n4);
  CHECK(r3.kind == KeyKind::Resume);
  CHECK(r3.object == client);
  CHECK_FALSE(sys.valid(r3));   // consumed by the Return
  CHECK(sys.state(client) == DomainState::Halted);
}

TEST_CASE("the reply comes back into the caller's receive descriptor", "[call][return][keys]") {
  sim::System sys;
  Result reply{};
  Key got{};
  Key n9 = sys.number_key(9);
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    user::return_to(3, {.w = {77, 1, 2, 3}, .k = {2, 0, 0, 0}}, rcv_resume());
  });
  DomainId client = sys.spawn([&] {
    reply = user::call(1, {}, rcv(9, 0, 0, 0));
    got = sys.key(sys.current(), 9);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(server, 2, n9);
  sys.run();
  CHECK(reply.status == Status::Ok);
  CHECK(reply.w[0] == 77);
  CHECK(reply.w[3] == 3);
  CHECK(reply.key_info == 0);   // a resume key carries no badge
  CHECK(got == n9);
}

TEST_CASE("Call on a void key answers Void at once and changes nothing", "[call][errors]") {
  sim::System sys;
  Result r{};
  bool same = false;
  DomainId other = sys.spawn([] { user::wait(rcv_resume()); });
  sys.spawn([&] {
    auto before = test::Snapshot::of(sys);
    r = user::call(5, {.w = {1}});
    same = before == test::Snapshot::of(sys);
  });
  sys.run();
  CHECK(r.status == Status::Void);
  CHECK(same);
  CHECK(sys.state(other) == DomainState::Available);
}

TEST_CASE("a Number key answers its words with no domain switch", "[call][keys]") {
  sim::System sys;
  Result r{};
  DomainId d = sys.spawn([&] { r = user::call(1, {.w = {order::kNumberValue, 8, 8, 8}}); });
  sys.set_key(d, 1, sys.number_key(4, 5, 6, 7));
  sys.run();
  CHECK(r.status == Status::Ok);
  CHECK(r.w[0] == 4);
  CHECK(r.w[1] == 5);
  CHECK(r.w[2] == 6);
  CHECK(r.w[3] == 7);
  auto ev = sys.events();
  REQUIRE(ev.size() == 2);   // the call, then the halt
  CHECK(ev[0].kind == EventKind::Call);
  CHECK(ev[0].key == KeyKind::Number);
  CHECK(ev[0].invoker == d);
}

TEST_CASE("a domain-control key makes start keys with a chosen badge", "[keys][badge]") {
  sim::System sys;
  std::uint16_t badge_seen = 0;
  DomainId server = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    for (;;) {
      badge_seen = r.key_info;
      r = user::return_to(3, {}, rcv_resume());
    }
  });
  Result made{};
  DomainId client = sys.spawn([&] {
    made = user::call(2, {.w = {order::kMakeStart, 0x1234}}, rcv(6, 0, 0, 0));
    user::call(6);
  });
  sys.set_key(client, 2, sys.domain_control_key(server));
  sys.run();
  CHECK(made.status == Status::Ok);
  CHECK(sys.key(client, 6).kind == KeyKind::Start);
  CHECK(sys.key(client, 6).badge == 0x1234);
  CHECK(badge_seen == 0x1234);
}

TEST_CASE("an unknown order code on a kernel object is UnknownOrder", "[keys][errors]") {
  sim::System sys;
  Result r{};
  DomainId target = sys.spawn([] { user::wait({}); });
  DomainId d = sys.spawn([&] { r = user::call(1, {.w = {12345}}); });
  sys.set_key(d, 1, sys.domain_control_key(target));
  sys.run();
  CHECK(r.status == Status::UnknownOrder);
}

TEST_CASE("register 0 always reads void and discards writes", "[keys]") {
  sim::System sys;
  Result r{};
  Key r0_after{};
  Key n = sys.number_key(1);
  DomainId server = sys.spawn([&] {
    user::wait(rcv(0, 0, 0, 3));   // k0 of the caller is received into register 0
    r0_after = sys.key(sys.current(), 0);
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] {
    user::call(1, {.k = {2, 0, 0, 0}});
    r = user::call(0);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(client, 2, n);
  sys.set_key(client, 0, n);   // discarded
  sys.run();
  CHECK(r0_after.kind == KeyKind::Void);
  CHECK(sys.key(client, 0).kind == KeyKind::Void);
  CHECK(r.status == Status::Void);
}

TEST_CASE("Send and Return on a kernel object perform it and drop the answer", "[send][return][keys]") {
  sim::System sys;
  DomainId target = sys.spawn([] {
    for (Result r = user::wait(rcv_resume());;) r = user::return_to(3, {}, rcv_resume());
  });
  Status via_send = Status::Void, after_send = Status::Ok;
  DomainId d = sys.spawn([&] {
    via_send = user::send(2, {.w = {order::kMakeStart, 1}});   // the new key is dropped
    after_send = user::call(1).status;
    user::send(2, {.w = {order::kRescind}});                      // performed
  });
  DomainId e = sys.spawn([&] {
    user::return_to(2, {.w = {order::kMakeStart, 1}}, rcv(5, 0, 0, 0));   // answer dropped too
  });
  Key start = sys.start_key(target);
  sys.set_key(d, 1, start);
  sys.set_key(d, 2, sys.domain_control_key(target));
  sys.set_key(e, 2, sys.domain_control_key(target));
  sys.run();
  CHECK(via_send == Status::Ok);
  CHECK(after_send == Status::Ok);
  CHECK_FALSE(sys.valid(start));                       // the Send's Rescind happened
  CHECK(sys.key(e, 5).kind == KeyKind::Void);          // the Return's MakeStart answer dropped
  CHECK(sys.state(e) == DomainState::Available);
}

TEST_CASE("is_kernel_object names the rows of core/objects.def and no other kind", "[keys]") {
  // The kinds that name a domain come first; every kind after them is a row of the table.
  CHECK_FALSE(is_kernel_object(KeyKind::Void));
  CHECK_FALSE(is_kernel_object(KeyKind::Start));
  CHECK_FALSE(is_kernel_object(KeyKind::Resume));
  CHECK_FALSE(is_kernel_object(KeyKind::Fault));
  CHECK(is_kernel_object(KeyKind::Number));
  CHECK(is_kernel_object(KeyKind::DomainControl));
  CHECK(is_kernel_object(KeyKind::Yield));
  CHECK(is_kernel_object(KeyKind::PageMap));
  CHECK_FALSE(is_kernel_object(static_cast<KeyKind>(kKeyKindCount)));
  CHECK(std::string(name(static_cast<KeyKind>(kKeyKindCount - 1))) == "PageMap");
}
