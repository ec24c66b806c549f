// Runs every scenario on the hosted platform (sim::System, fibers) and prints each trace
// in sim::to_text form between markers, exactly as the bare-metal image prints it on COM1:
//
//   === scenario NAME
//   <one line per event>
//   === end NAME
//
//   eros-scenarios [--bench [--quick]]   benchmarks (not compared) are run only with
//                                        --bench; --quick as the kernel's command line
//
// A benchmark prints its raw samples exactly as the kernel does (baremetal/report.hpp),
// in host TSC ticks: `tools/bench_stats.py LOG` gives their statistics.
#include <cstdio>
#include <cstring>
#include <vector>

#include "baremetal/report.hpp"
#include "scenarios/load.hpp"
#include "scenarios/scenarios.hpp"
#include "sim/system.hpp"

using namespace eros;

namespace {

void put(char c) { std::putchar(c); }

// The hosted host of scenarios/load.hpp: a space is System::new_space, a domain a fiber
// whose data area is System::alloc'd in its space.
struct Host {
  sim::System& sys;
  std::vector<std::byte*> data{nullptr};   // by DomainId
  std::vector<std::uint64_t> words{0};     // its size in 8-byte words

  Kernel& kernel() { return sys.kernel(); }
  bool new_space(std::uint32_t index) { return index == 0 || sys.new_space() == index; }
  DomainId spawn(const scenarios::DomainSpec& spec, std::uint64_t param) {
    std::byte* area = spec.data_pages == 0
                          ? nullptr
                          : sys.alloc(spec.space, spec.data_pages * scenarios::kPageBytes).data();
    if (area != nullptr && spec.ro_pages != 0)
      sys.map(spec.space, area + (spec.data_pages - spec.ro_pages) * scenarios::kPageBytes,
              spec.ro_pages * scenarios::kPageBytes, sim::kRead);
    const DomainId id = sys.spawn([program = spec.program, area, param] { program(area, param); },
                                  spec.space);
    if (data.size() <= id) {
      data.resize(id + 1, nullptr);
      words.resize(id + 1, 0);
    }
    data[id] = area;
    words[id] = area == nullptr ? 0 : std::uint64_t{spec.data_pages} * scenarios::kPageBytes / 8;
    return id;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bool bench = argc > 1 && std::strcmp(argv[1], "--bench") == 0;
  const bool quick = argc > 2 && std::strcmp(argv[2], "--quick") == 0;
  if (argc > 1 + int{bench} + int{quick}) {
    std::fprintf(stderr, "eros-scenarios: unexpected argument '%s'\n"
                         "usage: eros-scenarios [--bench [--quick]]\n", argv[1 + int{bench} + int{quick}]);
    return 2;
  }
  const scenarios::Registry& reg = scenarios::registry;
  for (std::uint32_t i = 0; i < reg.count; ++i) {
    const scenarios::Scenario& s = reg.list[i];
    if ((s.benchmark && !bench) || s.hardware_only) continue;
    sim::System sys;
    Host host{sys};
    if (!scenarios::load(s, quick, host)) {
      std::fprintf(stderr, "eros-scenarios: scenario %s does not fit sim::System\n", s.name);
      return 1;
    }
    std::byte* report = s.report < host.data.size() ? host.data[s.report] : nullptr;
    sys.run();
    if (!s.benchmark) {
      std::printf("=== scenario %s\n%s=== end %s\n", s.name, sys.trace_text().c_str(), s.name);
    } else {
      // The bare-metal kernel's raw sample lines (baremetal/report.hpp), in host TSC ticks:
      // tools/bench_stats.py derives the statistics of both platforms the same way.
      baremetal::report_bench(&put, s.name, s.what, reinterpret_cast<const std::uint64_t*>(report),
                              report != nullptr ? host.words[s.report] : 0, scenarios::kSeriesMagic);
    }
  }
  return 0;
}
