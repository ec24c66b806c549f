// A kernel with one more kernel object (tests/objects/adder.*): the row is all the core
// needs; KT, unknown orders, the returnee and the host API follow from the table.
#include <catch2/catch.hpp>
#include <string>

#include "support.hpp"

using namespace eros;

TEST_CASE("an added kernel object is a kernel object of its own kind", "[objects][added]") {
  CHECK(is_kernel_object(KeyKind::Adder));
  CHECK(std::string(name(KeyKind::Adder)) == "Adder");
  CHECK(key_type::kAdder == 0x1a0);
  CHECK(static_cast<int>(KeyKind::Adder) == kKeyKindCount - 1);
}

TEST_CASE("an added kernel object answers its order, KT and unknown orders", "[objects][added][kt]") {
  sim::System sys;
  Result sum{}, type{}, unknown{};
  DomainId d = sys.spawn([&] {
    sum = user::call(1, {.w = {1, 40, 2}});
    type = user::call(1, {.w = {order::kKeyType}});
    unknown = user::call(1, {.w = {2}});
  });
  sys.set_key(d, 1, sys.object_key(KeyKind::Adder));
  sys.run();
  CHECK(sum.status == Status::Ok);
  CHECK(sum.w[1] == 42);
  CHECK(type.status == Status::Ok);
  CHECK(type.w[1] == 0x1a0);
  CHECK(unknown.status == Status::UnknownOrder);
  CHECK(sys.events()[0].key == KeyKind::Adder);
  CHECK(sim::to_text(sys.events()[0]) ==
        "0 Call d1 Adder(k1) -> 0 badge=0 sent=0 landed=0 Ok");
}

TEST_CASE("an added kernel object answers a returnee", "[objects][added][returnee]") {
  sim::System sys;
  DomainId server = sys.spawn([] {
    Result r = user::wait(test::rcv_resume());
    user::return_to(1, {.w = {1, r.w[1], 1}, .k = {0, 0, 0, 3}}, test::rcv_resume());
  });
  Result r{};
  DomainId client = sys.spawn([&] { r = user::call(2, {.w = {0, 9}}); });
  sys.set_key(server, 1, sys.object_key(KeyKind::Adder));
  sys.set_key(client, 2, sys.start_key(server));
  sys.run();
  CHECK(r.status == Status::Ok);
  CHECK(r.w[1] == 10);
}
