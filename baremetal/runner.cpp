// The bare-metal scenario loop, machine-independent: the kernel's tables, the set-up of
// each scenario's spaces and domains through the machine, the trace and report printing.
#include "baremetal/runner.hpp"

#include <new>

#include "baremetal/blob.hpp"
#include "baremetal/cmdline.hpp"
#include "baremetal/frames.hpp"
#include "baremetal/layout.hpp"
#include "baremetal/machine.hpp"
#include "baremetal/print.hpp"
#include "baremetal/report.hpp"
#include "baremetal/slices.hpp"
#include "core/trace_text.hpp"
#include "scenarios/load.hpp"

namespace eros::baremetal {

Kernel* kernel = nullptr;

namespace {

Domain domain_table[kMaxDomains + 1];
NumberObject number_table[64];
Event trace_ring[8192];
alignas(Kernel) std::uint8_t kernel_storage[sizeof(Kernel)];
Platform platform;

std::uint64_t data_phys[kMaxDomains + 1];   // each domain's data area (contiguous frames)
std::uint64_t data_words[kMaxDomains + 1];  // its size in 8-byte words

// The ring-3 image as the kernel reads it: user address -> kernel address.
const std::uint8_t* image_base = nullptr;
template <class T>
const T* from_user(const void* p) {
  return reinterpret_cast<const T*>(image_base +
                                    (reinterpret_cast<std::uint64_t>(p) - kUserImageBase));
}

// The bare-metal host of scenarios/load.hpp: spaces are page tables, a domain's data area
// is contiguous frames at kUserDataBase + id * kUserDataStride (the kernel reads a
// benchmark's samples from them), its stack four pages below kUserStackTop - id *
// kUserStackStride with an unmapped guard page below.
struct Host {
  const BlobHeader& blob;
  std::uint64_t roots[kMaxSpaces] = {};

  Kernel& kernel() { return *baremetal::kernel; }
  bool new_space(std::uint32_t index) {
    if (index >= kMaxSpaces) return false;
    roots[index] = machine::new_space(index);
    return true;
  }
  DomainId spawn(const scenarios::DomainSpec& spec, std::uint64_t param) {
    const DomainId id = kernel().create_domain(spec.space);
    if (id == kNoDomain) return kNoDomain;
    const std::uint64_t root = roots[spec.space];
    const std::uint64_t data_va = kUserDataBase + id * kUserDataStride;
    // The data frames first, so that they are contiguous, then the tables that map them.
    data_phys[id] = 0;
    for (std::uint32_t p = 0; p < spec.data_pages; ++p) {
      const std::uint64_t pa = alloc_frame();
      if (p == 0) data_phys[id] = pa;
    }
    data_words[id] = std::uint64_t{spec.data_pages} * kPage / 8;
    for (std::uint32_t p = 0; p < spec.data_pages; ++p)
      machine::map_user(root, data_va + p * kPage, data_phys[id] + p * kPage,
                        p + spec.ro_pages < spec.data_pages);
    const std::uint64_t stack_top = kUserStackTop - id * kUserStackStride;
    for (std::uint64_t p = 1; p <= kUserStackPages; ++p)
      machine::map_user(root, stack_top - p * kPage, alloc_frame(), true);
    machine::prepare_domain(id, root, reinterpret_cast<std::uint64_t>(blob.start), stack_top - 8,
                            reinterpret_cast<std::uint64_t>(spec.program),
                            spec.data_pages != 0 ? data_va : 0, param);
    return id;
  }
};

bool setup(const scenarios::Scenario& s, const BlobHeader& blob, bool quick) {
  kernel = new (kernel_storage) Kernel(platform, KernelMemory{domain_table, kMaxDomains + 1,
                                                              number_table, 64, trace_ring, 8192});
  if (s.spaces > kMaxSpaces || s.domain_count > kMaxDomains) return false;
  machine::begin_scenario();
  Host host{blob};
  return scenarios::load(s, quick, host);
}

void report(const scenarios::Scenario& s) {
  const bool has_data = s.report != 0 && s.report <= kMaxDomains && data_phys[s.report] != 0;
  report_bench(&machine::put, s.name, s.what,
               has_data ? frame_ptr<const std::uint64_t>(data_phys[s.report]) : nullptr,
               has_data ? data_words[s.report] : 0, scenarios::kSeriesMagic);
}

void print_trace(const scenarios::Scenario& s) {
  print(&machine::put, "=== scenario {}\n", s.name);
  char line[kEventTextMax];
  for (std::uint64_t step = kernel->trace.first_kept(); step < kernel->trace.total(); ++step) {
    event_text(kernel->trace.at(step), line);
    print(&machine::put, "{}\n", line);
  }
  print(&machine::put, "=== end {}\n", s.name);
}

}  // namespace

RunOutcome run_scenarios(const std::uint8_t* image, const char* cmdline, std::uint64_t t_entry,
                         std::uint64_t harness) {
  image_base = image;
  std::uint32_t len = 0;
  std::uint64_t h0 = Platform::cycles();
  const bool quick = option(cmdline, "quick", len) != nullptr;
  harness += Platform::cycles() - h0;

  const auto& blob = *reinterpret_cast<const BlobHeader*>(image);
  if (blob.magic != kBlobMagic) Platform::panic("no ring-3 image");
  const auto& reg = *from_user<scenarios::Registry>(blob.registry);
  const auto* list = from_user<scenarios::Scenario>(reg.list);
  const std::uint64_t mark = frames_mark();
  RunOutcome out{true, 0};
  bool first = true;
  for (std::uint32_t i = 0; i < reg.count; ++i) {
    scenarios::Scenario s = list[i];
    s.name = from_user<char>(s.name);
    s.what = from_user<char>(s.what);
    s.domains = from_user<scenarios::DomainSpec>(s.domains);
    s.keys = from_user<scenarios::KeySpec>(s.keys);
    h0 = Platform::cycles();
    const bool chosen = selected(cmdline, s.name);
    if (first) harness += Platform::cycles() - h0;
    if (!chosen) continue;
    frames_reset(mark);
    if (!setup(s, blob, quick)) {
      print(&machine::put, "scenario {}: does not fit this kernel's tables\n", s.name);
      out.all_ran = false;
      continue;
    }
    if (first) out.first_domain_ticks = Platform::cycles() - t_entry - harness;
    first = false;
    print(&machine::put, "--- run {}\n", s.name);
    kernel->trace.enabled = !s.benchmark;   // benchmarks run with the trace off, as in bench/repro
    slices::reset();
    machine::run_domains();
    const machine::VectorCounters v = machine::vector_counters();
    print(&machine::put, "vector state: {} saves, {} restores; timer: {} ticks, {} preemptions\n",
          v.saves, v.restores, slices::ticks(), slices::preemptions());
    if (s.benchmark)
      report(s);
    else
      print_trace(s);
  }
  return out;
}

}  // namespace eros::baremetal
