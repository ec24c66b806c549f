// The event trace: what it records, and that one program always gives the same bytes.
#include <catch2/catch.hpp>

#include <cstring>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

namespace {

// A busy little program: a tail-call pipeline, stalls, sends, a fault and a rescind.
std::vector<Event> run_program(std::string* text = nullptr, std::string* json = nullptr) {
  sim::System sys;
  auto buf = sys.alloc(sim::kSharedSpace, 8192);
  DomainId atm = sys.spawn([] {
    for (Result r = user::wait(rcv_resume());;) r = user::return_to(3, {.w = {r.w[0] + 1}}, rcv_resume());
  });
  DomainId ip = sys.spawn([] {
    for (Result r = user::wait(rcv_resume());;)
      r = user::return_to(2, {.w = {r.w[0]}, .k = {0, 0, 0, 3}}, rcv_resume());
  });
  std::vector<DomainId> clients;
  for (int i = 0; i < 4; ++i) {
    DomainId c = sys.spawn([&buf, i] {
      user::call(1, {.w = {static_cast<std::uint64_t>(i)}, .len = 100, .str = buf.data()});
      user::send(1, {.w = {7}});
      user::call(5, {.len = 10, .str = nullptr});
      if (i == 3) user::call(2, {.w = {order::kRescind}});
      user::call(1);
    });
    clients.push_back(c);
  }
  for (DomainId c : clients) {
    sys.set_key(c, 1, sys.start_key(ip, static_cast<std::uint16_t>(c)));
    sys.set_key(c, 2, sys.domain_control_key(atm));
  }
  sys.set_key(ip, 2, sys.start_key(atm, 9));
  sys.run();
  if (text) *text = sys.trace_text();
  if (json) *json = sys.trace_json();
  return sys.events();
}

}  // namespace

TEST_CASE("the same program twice gives byte-identical traces", "[trace]") {
  std::string t1, t2, j1, j2;
  auto a = run_program(&t1, &j1);
  auto b = run_program(&t2, &j2);
  REQUIRE(a.size() == b.size());
  CHECK(a.size() > 20);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(Event)) == 0);
  CHECK(t1 == t2);
  CHECK(j1 == j2);
}

TEST_CASE("the trace records each invocation with who, what, which key, bytes and status",
          "[trace]") {
  sim::System sys;
  auto buf = sys.alloc(sim::kSharedSpace, 4096);
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume(buf.data(), 40));
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { user::call(1, {.len = 100, .str = buf.data()}); });
  sys.set_key(client, 1, sys.start_key(server, 0x77));
  sys.run();
  auto ev = sys.events();
  REQUIRE(ev.size() == 4);
  CHECK(ev[0].kind == EventKind::Return);   // the server's wait
  CHECK(ev[0].key == KeyKind::Void);
  const Event& call = ev[1];
  CHECK(call.step == 1);
  CHECK(call.kind == EventKind::Call);
  CHECK(call.invoker == client);
  CHECK(call.target == server);
  CHECK(call.key == KeyKind::Start);
  CHECK(call.key_register == 1);
  CHECK(call.badge == 0x77);
  CHECK(call.sent == 100);
  CHECK(call.landed == 40);
  CHECK(call.status == Status::Ok);
  CHECK(ev[2].kind == EventKind::Return);
  CHECK(ev[2].key == KeyKind::Resume);
  CHECK(ev[2].target == client);
  CHECK(ev[3].kind == EventKind::Halt);
  CHECK(ev[3].invoker == client);
}

TEST_CASE("the trace renders as Chrome trace-event JSON", "[trace]") {
  std::string json;
  auto ev = run_program(nullptr, &json);
  CHECK(json.rfind("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 0) == 0);
  std::size_t records = 0;
  for (std::size_t p = 0; (p = json.find("\"ph\":\"X\"", p)) != std::string::npos; ++p) ++records;
  CHECK(records == ev.size());
  CHECK(json.find("\"status\":\"SourceFault\"") != std::string::npos);
}

TEST_CASE("the trace ring keeps the newest events when it is full", "[trace]") {
  sim::Options o;
  o.trace_capacity = 8;
  sim::System sys(o);
  DomainId d = sys.spawn([] {
    for (int i = 0; i < 20; ++i) user::call(1);
  });
  sys.set_key(d, 1, sys.number_key(1));
  sys.run();
  auto ev = sys.events();
  REQUIRE(ev.size() == 8);
  CHECK(ev.front().step == 13);
  CHECK(ev.back().kind == EventKind::Halt);
  CHECK(sys.kernel().trace.total() == 21);
}
