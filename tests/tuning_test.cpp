// The copy tuning a sim::System does on start-up: on by default (load the cached table or
// calibrate and write it), off with Options::calibrate = false or EROS_NO_CALIBRATE=1.
//
// Each case runs its System in a forked child with XDG_CACHE_HOME and HOME pointed at a
// fresh directory. This executable never makes a System in its own process, so every
// child's is the first in its process (the tuning is done once per process).
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/copy/tuning_host.hpp"
#include "death.hpp"
#include "support.hpp"

using namespace eros;
using test::ChildEnd;
using test::in_child;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed with the object.
struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "eros-tuning-test-XXXXXX").string();
    path = mkdtemp(t.data()) != nullptr ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(path))
      if (e.is_regular_file()) out.push_back(e.path().string());
    return out;
  }
};

// The child's environment: the cache in `dir`, no explicit tuning file.
void cache_in(const std::string& dir, bool no_calibrate_env) {
  setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  setenv("HOME", dir.c_str(), 1);
  unsetenv("EROS_TUNING_FILE");
  if (no_calibrate_env) setenv("EROS_NO_CALIBRATE", "1", 1);
  else unsetenv("EROS_NO_CALIBRATE");
}

// A 40,000-byte string through a Call: it must land intact whichever table is in force.
bool delivers(sim::System& sys) {
  constexpr std::uint32_t n = 40000;
  auto src = sys.alloc(sim::kSharedSpace, n);
  auto dst = sys.alloc(sim::kSharedSpace, n);
  for (std::uint32_t i = 0; i < n; ++i) src[i] = static_cast<std::byte>(i * 7 + 3);
  Result got{};
  const DomainId server = sys.spawn([&] {
    got = user::wait(test::rcv_resume(dst.data(), n));
    user::return_to(3);
  });
  const DomainId client = sys.spawn([&] { user::call(1, {.len = n, .str = src.data()}); });
  sys.set_key(client, 1, sys.start_key(server));
  sys.run();
  return got.status == Status::Ok && got.landed == n &&
         std::memcmp(src.data(), dst.data(), n) == 0;
}

// Exit codes of a child: 0, or what went wrong.
constexpr int kNotDelivered = 1, kWrongSource = 2;
int run_and_report(const sim::Options& o, const char* expect_source) {
  sim::System sys(o);
  if (!delivers(sys)) return kNotDelivered;
  const std::string want = std::string("\"source\":\"") + expect_source + "\"";
  return copy::tuning_json().find(want) != std::string::npos ? 0 : kWrongSource;
}

}  // namespace

TEST_CASE("Options::calibrate = false keeps the built-in table and writes no file", "[tuning]") {
  TempDir dir;
  REQUIRE(!dir.path.empty());
  const ChildEnd end = in_child([&] {
    cache_in(dir.path, /*no_calibrate_env=*/false);
    return run_and_report(sim::Options{.calibrate = false}, "default");
  });
  INFO("child stderr: " << end.err);
  CHECK(end.signal == 0);
  CHECK(end.code == 0);
  CHECK(dir.files().empty());
  CHECK(fs::is_empty(dir.path));   // not even the eros/ directory
}

TEST_CASE("EROS_NO_CALIBRATE=1 keeps the built-in table and writes no file", "[tuning]") {
  TempDir dir;
  REQUIRE(!dir.path.empty());
  const ChildEnd end = in_child([&] {
    cache_in(dir.path, /*no_calibrate_env=*/true);
    return run_and_report(sim::Options{}, "default");
  });
  INFO("child stderr: " << end.err);
  CHECK(end.signal == 0);
  CHECK(end.code == 0);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("the first System calibrates and caches the table; the next process loads it", "[tuning]") {
  TempDir dir;
  REQUIRE(!dir.path.empty());
  // Sanitized builds never tune: their timings mean nothing.
  const char* first = sim::kAsan ? "default" : "calibrated";
  const char* second = sim::kAsan ? "default" : "loaded";
  ChildEnd end = in_child([&] {
    cache_in(dir.path, false);
    return run_and_report(sim::Options{}, first);
  });
  INFO("child stderr: " << end.err);
  CHECK(end.signal == 0);
  CHECK(end.code == 0);
  const std::string expected = dir.path + "/eros/copy-tuning-" + copy::cpu_key() + ".txt";
  if (sim::kAsan) {
    CHECK(fs::is_empty(dir.path));
  } else {
    CHECK(dir.files() == std::vector<std::string>{expected});
    copy::Tuning t;
    std::string err;
    CHECK(copy::load_tuning(expected, &t, &err));
    INFO(err);
  }
  end = in_child([&] {
    cache_in(dir.path, false);
    return run_and_report(sim::Options{}, second);
  });
  CHECK(end.signal == 0);
  CHECK(end.code == 0);
  if (!sim::kAsan) CHECK(dir.files() == std::vector<std::string>{expected});
}
