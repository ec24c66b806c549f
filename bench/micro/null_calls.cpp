// null-calls: N null Call+Return round trips between two domains in one space, for an
// instruction counter (tools/roundtrip_insns.sh runs it under callgrind with N and with 0).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "eros/user.hpp"
#include "sim/system.hpp"

using namespace eros;

namespace {
int usage(const char* why) {
  std::fprintf(stderr, "null-calls: %s\nusage: null-calls N [--trace]\n", why);
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) return usage("expected a count");
  char* end = nullptr;
  const long n = std::strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || n < 0) return usage("N must be a count >= 0");
  if (argc == 3 && std::strcmp(argv[2], "--trace") != 0) return usage("unknown option");
  sim::Options o;
  o.trace = argc == 3;
  o.calibrate = false;   // no file, no second of calibration inside the count
  sim::System sys(o);
  const DomainId server = sys.spawn([] {
    const ReceiveDesc rcv{nullptr, 0, {0, 0, 0, 3}};
    for (Result r = user::wait(rcv);;) r = user::return_to(3, {}, rcv);
  });
  const DomainId client = sys.spawn([n] {
    for (long i = 0; i < n; ++i) user::call(1, {});
  });
  sys.set_key(client, 1, sys.start_key(server, 1));
  sys.run();
  return 0;
}
