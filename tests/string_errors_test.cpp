// Strings, truncation, and every status: a failed check of a Call or Send changes nothing;
// a Return's message check fails to its recipient, resumed with the status.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "support.hpp"

using namespace eros;
using test::rcv;
using test::rcv_resume;

namespace {

void fill(std::span<std::byte> s, std::uint8_t seed) {
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = std::byte(static_cast<std::uint8_t>(seed + i * 7));
}

// What a receiving server got, and its id (unused: each test below keeps its own).
struct Receiver {
  Result got{};
  DomainId id = 0;
};

}  // namespace

TEST_CASE("strings of every size class land intact", "[string]") {
  for (std::uint32_t n : {0u, 1u, 15u, 4095u, 4096u, 4097u, 10000u, 65535u, 65536u}) {
    sim::System sys;
    auto src = sys.alloc(sim::kSharedSpace, 65536 + 64);
    auto dst = sys.alloc(sim::kSharedSpace, 65536 + 64);
    fill(src, static_cast<std::uint8_t>(n));
    Result got{};
    DomainId server = sys.spawn([&] {
      got = user::wait(rcv_resume(dst.data() + 3, 65536));
      user::return_to(3);
    });
    DomainId client = sys.spawn([&] { user::call(1, {.len = n, .str = src.data() + 5}); });
    sys.set_key(client, 1, sys.start_key(server));
    sys.run();
    INFO("n = " << n);
    CHECK(got.sent == n);
    CHECK(got.landed == n);
    CHECK(std::equal(src.begin() + 5, src.begin() + 5 + n, dst.begin() + 3));
    CHECK(dst[3 + n] == std::byte{0});   // nothing past the string
  }
}

TEST_CASE("streaming delivery lands the same bytes; SetDelivery chooses it", "[string][delivery]") {
  for (std::uint32_t n : {1u, 33u, 255u, 256u, 4097u, 65536u}) {
    sim::System sys;
    auto src = sys.alloc(sim::kSharedSpace, 65536 + 64);
    auto dst = sys.alloc(sim::kSharedSpace, 65536 + 128);
    fill(src, static_cast<std::uint8_t>(n + 1));
    Result got{}, set{}, bad{};
    DomainId server = sys.spawn([&] {
      got = user::wait(rcv_resume(dst.data() + 7, 65536));
      user::return_to(3);
    });
    DomainId client = sys.spawn([&] {
      set = user::call(2, {.w = {order::kSetDelivery, 1}});
      bad = user::call(2, {.w = {order::kSetDelivery, 2}});
      user::call(1, {.len = n, .str = src.data() + 5});
    });
    sys.set_key(client, 1, sys.start_key(server));
    sys.set_key(client, 2, sys.domain_control_key(server));
    sys.run();
    INFO("n = " << n);
    CHECK(set.status == Status::Ok);
    CHECK(bad.status == Status::BadArgument);
    CHECK(sys.delivery(server) == Delivery::streaming);   // the bad value changed nothing
    CHECK(got.landed == n);
    CHECK(std::equal(src.begin() + 5, src.begin() + 5 + n, dst.begin() + 7));
    CHECK(dst[6] == std::byte{0});
    CHECK(dst[7 + n] == std::byte{0});
  }
}

TEST_CASE("streaming delivery into an overlapping buffer copies as if read first", "[string][delivery]") {
  sim::System sys;
  auto mem = sys.alloc(sim::kSharedSpace, 16384);
  fill(mem, 9);
  const std::vector<std::byte> before(mem.begin(), mem.end());
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume(mem.data() + 100, 8000));
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { user::call(1, {.len = 8000, .str = mem.data()}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_delivery(server, Delivery::streaming);
  sys.run();
  CHECK(std::equal(before.begin(), before.begin() + 8000, mem.begin() + 100));
}

TEST_CASE("a string longer than the receive limit is truncated silently", "[string][truncate]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 8192);
  auto dst = sys.alloc(sim::kSharedSpace, 8192);
  fill(src, 1);
  Result got{}, reply{};
  DomainId server = sys.spawn([&] {
    got = user::wait(rcv_resume(dst.data(), 100));
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { reply = user::call(1, {.len = 5000, .str = src.data()}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(reply.status == Status::Ok);
  CHECK(got.status == Status::Ok);
  CHECK(got.sent == 5000);
  CHECK(got.landed == 100);
  CHECK(std::equal(src.begin(), src.begin() + 100, dst.begin()));
  CHECK(dst[100] == std::byte{0});
}

TEST_CASE("a receive limit above 65,536 is clamped", "[truncate]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 70000);
  auto dst = sys.alloc(sim::kSharedSpace, 70000);
  std::uint32_t limit_kept = 0;
  Result got{};
  DomainId server = sys.spawn([&] {
    got = user::wait(rcv_resume(dst.data(), 1u << 30));
    limit_kept = sys.kernel().domain(sys.current()).rcv.limit;
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { user::call(1, {.len = 65536, .str = src.data()}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(limit_kept == kMaxString);
  CHECK(got.landed == 65536);
}

TEST_CASE("a string over 65,536 bytes is StringTooLong and changes nothing", "[string][errors][atomic]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 70000);
  auto dst = sys.alloc(sim::kSharedSpace, 70000);
  Result r{};
  bool same = false;
  DomainId server = sys.spawn([&] { user::wait(rcv_resume(dst.data(), 65536)); });
  DomainId client = sys.spawn([&] {
    auto before = test::Snapshot::of(sys, dst);
    r = user::call(1, {.len = 65537, .str = src.data()});
    same = before == test::Snapshot::of(sys, dst);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::StringTooLong);
  CHECK(same);
  CHECK(sys.state(server) == DomainState::Available);
}

TEST_CASE("register numbers out of range are BadRegister and change nothing", "[errors][atomic]") {
  sim::System sys;
  std::vector<Status> statuses;
  bool all_same = true;
  DomainId server = sys.spawn([&] { user::wait(rcv_resume()); });
  DomainId client = sys.spawn([&] {
    auto before = test::Snapshot::of(sys);
    statuses.push_back(user::call(16).status);
    statuses.push_back(user::call(255).status);
    statuses.push_back(user::call(1, {.k = {0, 0, 16, 0}}).status);
    statuses.push_back(user::call(1, {}, rcv(0, 0, 0, 200)).status);
    statuses.push_back(user::send(1, {.k = {99, 0, 0, 0}}));
    statuses.push_back(user::return_to(1, {}, rcv(17, 0, 0, 0)).status);   // fails back to us
    all_same = before == test::Snapshot::of(sys);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(statuses == std::vector<Status>(6, Status::BadRegister));
  CHECK(all_same);
}

TEST_CASE("an unreadable source string is SourceFault and changes nothing", "[errors][atomic]") {
  sim::System sys;
  auto page = sys.alloc(sim::kSharedSpace, 3 * 4096);
  auto dst = sys.alloc(sim::kSharedSpace, 4096 * 4);
  fill(dst, 9);
  sys.unmap(sim::kSharedSpace, page.data() + 4096, 4096);   // a hole in the middle
  std::vector<Status> statuses;
  bool same = false;
  DomainId server = sys.spawn([&] { user::wait(rcv_resume(dst.data(), 16384)); });
  DomainId client = sys.spawn([&] {
    auto before = test::Snapshot::of(sys, dst);
    statuses.push_back(user::call(1, {.len = 3 * 4096, .str = page.data()}).status);   // straddles
    statuses.push_back(user::call(1, {.len = 1, .str = page.data() + 4096}).status);
    statuses.push_back(user::call(1, {.len = 8, .str = nullptr}).status);
    statuses.push_back(user::call(1, {.len = 8, .str = reinterpret_cast<void*>(0xffff800000000000)}).status);
    statuses.push_back(user::call(1, {.len = 16, .str = reinterpret_cast<void*>(~std::uintptr_t{7})}).status);
    statuses.push_back(user::send(1, {.len = 1, .str = page.data() + 4096}));
    same = before == test::Snapshot::of(sys, dst);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(statuses == std::vector<Status>(6, Status::SourceFault));
  CHECK(same);
  CHECK(sys.state(server) == DomainState::Available);
}

TEST_CASE("a source without read permission is SourceFault; read-only is enough", "[errors]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 4096, sim::kWrite);   // write-only
  auto ro = sys.alloc(sim::kSharedSpace, 4096, sim::kRead);
  auto dst = sys.alloc(sim::kSharedSpace, 4096);
  Status a = Status::Ok, b = Status::Void;
  DomainId server = sys.spawn([&] {
    Result r = user::wait(rcv_resume(dst.data(), 4096));
    for (;;) r = user::return_to(3, {}, rcv_resume(dst.data(), 4096));
  });
  DomainId client = sys.spawn([&] {
    a = user::call(1, {.len = 10, .str = src.data()}).status;
    b = user::call(1, {.len = 10, .str = ro.data()}).status;
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(a == Status::SourceFault);
  CHECK(b == Status::Ok);
}

TEST_CASE("an unwritable receive buffer is DestFault to the caller and changes nothing",
          "[errors][atomic]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 8192);
  auto dst = sys.alloc(sim::kSharedSpace, 8192, sim::kRead);   // read-only to the receiver
  fill(src, 3);
  Result r{};
  bool same = false;
  DomainId server = sys.spawn([&] { user::wait(rcv_resume(dst.data(), 8192)); });
  DomainId client = sys.spawn([&] {
    auto before = test::Snapshot::of(sys, dst);
    r = user::call(1, {.w = {1}, .len = 5000, .str = src.data()});
    same = before == test::Snapshot::of(sys, dst);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::DestFault);
  CHECK(same);
  CHECK(sys.state(server) == DomainState::Available);
  CHECK(sys.result(server).w[0] == 0);   // nothing was delivered
}

TEST_CASE("only the bytes that land must be writable", "[errors][truncate]") {
  sim::System sys;
  auto src = sys.alloc(sim::kSharedSpace, 8192);
  auto dst = sys.alloc(sim::kSharedSpace, 8192);
  sys.map(sim::kSharedSpace, dst.data() + 4096, 4096, sim::kRead);
  Result r{};
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume(dst.data(), 4096));   // limit stops at the read-only page
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { r = user::call(1, {.len = 8192, .str = src.data()}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::Ok);
}

TEST_CASE("a Return whose string fails its check resumes the caller with the status",
          "[return][errors][atomic]") {
  sim::System sys;
  auto hole = sys.alloc(sim::kSharedSpace, 4096);
  sys.unmap(sim::kSharedSpace, hole.data(), 4096);
  auto dst = sys.alloc(sim::kSharedSpace, 4096);
  fill(dst, 4);
  std::vector<std::byte> dst_before(dst.begin(), dst.end());
  Key n = sys.number_key(1);
  Result reply{};
  Key r5{};
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume());
    user::return_to(3, {.w = {42}, .k = {2, 0, 0, 0}, .len = 10, .str = hole.data()}, rcv_resume());
  });
  DomainId client = sys.spawn([&] {
    reply = user::call(1, {}, rcv(5, 0, 0, 0, dst.data(), 4096));
    r5 = sys.key(sys.current(), 5);
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.set_key(server, 2, n);
  sys.run();
  CHECK(reply.status == Status::SourceFault);
  CHECK(reply.w[0] == 42);
  CHECK(reply.landed == 0);
  CHECK(r5.kind == KeyKind::Void);   // no key moved
  CHECK(std::equal(dst.begin(), dst.end(), dst_before.begin()));
  CHECK(sys.state(server) == DomainState::Available);
}

TEST_CASE("a Return with an out-of-range key register drops the reply", "[return][errors]") {
  sim::System sys;
  DomainId d = sys.spawn([] { user::return_to(40, {.w = {1}}, rcv_resume()); });
  sys.run();
  CHECK(sys.state(d) == DomainState::Available);
  auto ev = sys.events();
  REQUIRE(!ev.empty());
  CHECK(ev.back().status == Status::BadRegister);
}

TEST_CASE("inter-space domains: a buffer mapped only in another space is a fault", "[errors]") {
  sim::System sys;
  SpaceId a = sys.new_space(), b = sys.new_space();
  auto in_a = sys.alloc(a, 4096);
  auto in_b = sys.alloc(b, 4096);
  fill(in_a, 5);
  Status wrong_space = Status::Ok, right_space = Status::Void;
  Result got{};
  DomainId server = sys.spawn([&] {
    got = user::wait(rcv_resume(in_b.data(), 4096));
    user::return_to(3, {}, rcv_resume(in_b.data(), 4096));
  }, b);
  DomainId client = sys.spawn([&] {
    wrong_space = user::call(1, {.len = 16, .str = in_b.data()}).status;   // not ours
    right_space = user::call(1, {.len = 16, .str = in_a.data()}).status;
  }, a);
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(wrong_space == Status::SourceFault);
  CHECK(right_space == Status::Ok);
  CHECK(std::equal(in_a.begin(), in_a.begin() + 16, in_b.begin()));
}

TEST_CASE("pages shared between spaces carry strings both ways", "[string]") {
  sim::System sys;
  SpaceId a = sys.new_space(), b = sys.new_space();
  auto shared = sys.alloc(a, 4096);
  sys.map(b, shared.data(), 4096, sim::kReadWrite);
  auto src = sys.alloc(b, 4096);
  fill(src, 6);
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume(shared.data(), 4096));
    user::return_to(3);
  }, a);
  DomainId client = sys.spawn([&] { user::call(1, {.len = 64, .str = src.data()}); }, b);
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(std::equal(src.begin(), src.begin() + 64, shared.begin()));
}

TEST_CASE("overlapping source and destination copy as if the source were read first",
          "[string][atomic]") {
  sim::System sys;
  auto buf = sys.alloc(sim::kSharedSpace, 3 * 4096);
  std::vector<std::byte> expect(5000);
  fill(buf, 8);
  std::copy(buf.begin() + 100, buf.begin() + 5100, expect.begin());
  DomainId server = sys.spawn([&] {
    user::wait(rcv_resume(buf.data() + 300, 5000));   // overlaps the source, ahead of it
    user::return_to(3);
  });
  DomainId client = sys.spawn([&] { user::call(1, {.len = 5000, .str = buf.data() + 100}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK(std::equal(expect.begin(), expect.end(), buf.begin() + 300));
}

TEST_CASE("rescind voids every start key and releases the stallers", "[rescind]") {
  sim::System sys;
  Key old_key{};
  Status before = Status::Void, after = Status::Ok, fresh = Status::Void;
  DomainId server = sys.spawn([&] {
    Result r = user::wait(rcv_resume());
    for (;;) r = user::return_to(3, {}, rcv_resume());
  });
  DomainId client = sys.spawn([&] {
    before = user::call(1).status;
    user::call(2, {.w = {order::kRescind}});
    after = user::call(1).status;
    user::call(2, {.w = {order::kMakeStart, 5}}, rcv(3, 0, 0, 0));
    fresh = user::call(3).status;
  });
  old_key = sys.start_key(server);
  sys.set_key(client, 1, old_key);
  sys.set_key(client, 2, sys.domain_control_key(server));
  sys.run();
  CHECK(before == Status::Ok);
  CHECK(after == Status::Void);
  CHECK(fresh == Status::Ok);
  CHECK_FALSE(sys.valid(old_key));
}

TEST_CASE("every key to a halted domain is void", "[rescind][keys]") {
  sim::System sys;
  DomainId d = sys.spawn([] {});
  Key start = sys.start_key(d), control = sys.domain_control_key(d);
  Status s = Status::Ok;
  DomainId c = sys.spawn([&] { s = user::call(1).status; });
  sys.set_key(c, 1, start);
  sys.run();
  CHECK(sys.state(d) == DomainState::Halted);
  CHECK(s == Status::Void);
  CHECK_FALSE(sys.valid(start));
  CHECK_FALSE(sys.valid(control));
}

TEST_CASE("a domain doing inexact floating point leaves others' MXCSR flags alone", "[fp]") {
  sim::System sys;
  std::uint32_t seen_by_client = 0xffff;
  DomainId server = sys.spawn([&] {
    volatile double x = 1.0;
    Result r = user::wait(rcv_resume());
    for (;;) {
      x = x / 3.0;   // sets the precision flag here
      r = user::return_to(3, {}, rcv_resume());
    }
  });
  DomainId client = sys.spawn([&] {
    std::uint32_t m = 0x1f80;
    asm volatile("ldmxcsr %0" : : "m"(m));
    user::call(1);
    asm volatile("stmxcsr %0" : "=m"(m));
    seen_by_client = m;
  });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  CHECK((seen_by_client & 0xffc0) == 0x1f80);   // control bits are the client's own
  if (SimPlatform::clear_fp_status_on_switch) CHECK((seen_by_client & 0x3f) == 0);
}
