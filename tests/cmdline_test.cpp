// The bare-metal command line (baremetal/cmdline.cpp), tested hosted: options, flags and
// the only= / skip= selection of scenarios by name prefix.
#include <catch2/catch.hpp>

#include <string>

#include "baremetal/cmdline.hpp"

using namespace eros::baremetal;

namespace {
std::string value(const char* line, const char* key) {
  std::uint32_t len = 0;
  const char* v = option(line, key, len);
  return v == nullptr ? "<absent>" : std::string(v, len);
}
}  // namespace

TEST_CASE("options: key=value up to the next space, a flag alone, absent keys", "[cmdline]") {
  CHECK(value("quick only=a,b skip=c", "only") == "a,b");
  CHECK(value("quick only=a,b skip=c", "skip") == "c");
  CHECK(value("quick only=a,b", "quick") == "");
  CHECK(value("  quick   only=x  ", "only") == "x");
  CHECK(value("quickly only=x", "quick") == "<absent>");   // a longer word is not the key
  CHECK(value("qu", "quick") == "<absent>");
  CHECK(value("only=", "only") == "");
  CHECK(value("", "only") == "<absent>");
}

TEST_CASE("selection: only= keeps name prefixes, skip= drops them, empty lists do nothing",
          "[cmdline]") {
  CHECK(selected("", "pingpong-intra"));
  CHECK(selected("only=bench-", "bench-intra"));
  CHECK_FALSE(selected("only=bench-", "pingpong-intra"));
  CHECK(selected("only=fault,keeper", "keeper-loop"));
  CHECK_FALSE(selected("only=fault,keeper skip=keeper-l", "keeper-loop"));
  CHECK(selected("only=fault,keeper skip=keeper-l", "keeper-faults"));
  CHECK(selected("only= skip=", "anything"));
  CHECK_FALSE(selected("only=,", "anything"));   // a list of empty prefixes matches nothing
  CHECK_FALSE(selected("skip=end", "endless-loop"));
}
