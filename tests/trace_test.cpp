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

namespace {

// w waits; s Calls w; w yields so that a can stall on the busy s; then w either rescinds s
// through its domain-control key or replies at once, and s's body ends (it halts).
std::string restart_program(bool rescind) {
  sim::System sys;
  const DomainId w = sys.spawn([rescind] {
    user::wait(rcv_resume());
    user::call(4);                                        // yield: a runs and stalls on s
    if (rescind) user::call(2, {.w = {order::kRescind}});
    user::return_to(3);
  });
  const DomainId s = sys.spawn([] { user::call(1); });
  const DomainId a = sys.spawn([] { user::call(1); });
  sys.set_key(s, 1, sys.start_key(w));
  sys.set_key(w, 2, sys.domain_control_key(s));
  sys.set_key(w, 4, sys.yield_key());
  sys.set_key(a, 1, sys.start_key(s));
  sys.run();
  return sys.trace_text();
}

std::size_t line_of(const std::string& text, const std::string& part) {
  std::size_t line = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (text.substr(pos, end - pos).find(part) != std::string::npos) return line;
    ++line;
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return std::string::npos;
}

}  // namespace

TEST_CASE("a restart names its cause, after the invocation that caused it", "[trace][stall]") {
  SECTION("rescinded by a domain-control Call: the Call comes first") {
    const std::string t = restart_program(true);
    INFO(t);
    const std::size_t call = line_of(t, "Call d1 DomainControl(k2) -> 2");
    const std::size_t restart = line_of(t, "Restart d3 (d2 rescinded)");
    REQUIRE(call != std::string::npos);
    REQUIRE(restart != std::string::npos);
    CHECK(call < restart);
    CHECK(t.find("Available)") == std::string::npos);   // d2 was Waiting, never Available
  }
  SECTION("halted: the staller restarts and finds its key void") {
    const std::string t = restart_program(false);
    INFO(t);
    const std::size_t halt = line_of(t, "Halt d2");
    const std::size_t restart = line_of(t, "Restart d3 (d2 halted)");
    REQUIRE(halt != std::string::npos);
    REQUIRE(restart != std::string::npos);
    CHECK(halt < restart);
    CHECK(t.find("Call d3 Start(k1) -> 2 badge=0 sent=0 landed=0 Void") != std::string::npos);
  }
  SECTION("the domain became Available") {
    sim::System sys;
    const DomainId s = sys.spawn([] {
      user::wait(rcv_resume());
      user::call(4);   // yield while serving a: b stalls
      user::return_to(3);
    });
    const DomainId a = sys.spawn([] { user::call(1); });
    const DomainId b = sys.spawn([] { user::call(1); });
    sys.set_key(a, 1, sys.start_key(s));
    sys.set_key(b, 1, sys.start_key(s));
    sys.set_key(s, 4, sys.yield_key());
    sys.run();
    const std::string t = sys.trace_text();
    INFO(t);
    CHECK(line_of(t, "Restart d3 (d1 Available)") != std::string::npos);
  }
}
