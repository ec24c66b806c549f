// The bare-metal kernel's start: bring the machine up, then run every scenario of
// scenarios/ with its ring-3 programs, print each trace in sim::to_text form, run the
// benchmarks, and leave QEMU through isa-debug-exit (baremetal/exit_code.hpp: Success when every
// scenario ran).
#include <new>

#include "arch/x86_64/baremetal.hpp"
#include "arch/x86_64/console.hpp"
#include "arch/x86_64/loader.hpp"
#include "arch/x86_64/user/blob.hpp"
#include "baremetal/cmdline.hpp"
#include "baremetal/report.hpp"
#include "scenarios/setup.hpp"

extern "C" {
extern std::uint8_t __user_blob_start[], __user_blob_end[], __bss_end[];
extern void (*__init_array_start[])(), (*__init_array_end[])();
extern std::uint64_t eros_multiboot_info, eros_multiboot_magic;
}

namespace eros::x86 {
namespace {

Domain domain_table[kMaxDomains + 1];
NumberObject number_table[64];
Event trace_ring[8192];
alignas(Kernel) std::uint8_t kernel_storage[sizeof(Kernel)];
X86Platform platform;

// The ring-3 image as the kernel reads it: user address -> kernel address.
template <class T>
const T* from_user(const void* p) {
  return reinterpret_cast<const T*>(__user_blob_start +
                                    (reinterpret_cast<std::uint64_t>(p) - kUserImageBase));
}

std::uint64_t data_phys[kMaxDomains + 1];   // each domain's data area (contiguous frames)
std::uint64_t data_words[kMaxDomains + 1];  // its size in 8-byte words

// The kernel's command line (Multiboot 1: QEMU's -append; Multiboot 2: GRUB's), read
// before the frames can overwrite it. Words:
//   quick          benchmark domains get kQuickParam: fewer samples, smaller arrays
//   only=A,B,...   run only the scenarios whose names begin with one of these
//   skip=A,B,...   do not run the scenarios whose names begin with one of these
char cmdline[512];
bool quick = false;

void read_cmdline(std::uint64_t magic, std::uint64_t info) {
  const char* from = nullptr;
  if (magic == kMultiboot1Magic) {
    const auto* mb = phys_to_virt<const std::uint32_t>(info);
    if ((mb[0] & 4) != 0 && mb[4] != 0) from = phys_to_virt<const char>(mb[4]);
  } else if (magic == kMultiboot2Magic) {
    const auto* base = phys_to_virt<const std::uint8_t>(info);
    const std::uint32_t total = *reinterpret_cast<const std::uint32_t*>(base);
    for (std::uint32_t off = 8; off + 8 <= total && off < 16384;) {
      const auto* tag = reinterpret_cast<const std::uint32_t*>(base + off);
      if (tag[0] == 0 || tag[1] < 8) break;
      if (tag[0] == 1) {   // the boot command line
        from = reinterpret_cast<const char*>(base + off + 8);
        break;
      }
      off += (tag[1] + 7) & ~7u;
    }
  }
  std::uint32_t i = 0;
  if (from != nullptr)
    for (; i + 1 < sizeof cmdline && from[i] != 0; ++i) cmdline[i] = from[i];
  cmdline[i] = 0;
}

void map_user_image(std::uint64_t root) {
  const std::uint64_t bytes = __user_blob_end - __user_blob_start;
  const std::uint64_t pa = kernel_virt_to_phys(__user_blob_start);
  for (std::uint64_t off = 0; off < bytes; off += kPage)
    map_page(root, kUserImageBase + off, pa + off, kPresent | kUser);   // read-only
}

// Sets up one scenario exactly as scenarios/hosted_main.cpp does on sim::System.
bool setup(const scenarios::Scenario& s, const BlobHeader& blob) {
  kernel = new (kernel_storage) Kernel(platform, KernelMemory{domain_table, kMaxDomains + 1,
                                                              number_table, 64, trace_ring, 8192});
  if (s.spaces > kMaxSpaces || s.domain_count > kMaxDomains) return false;
  tlb_flush_all();
  for (std::uint32_t sp = 0; sp < s.spaces; ++sp) {
    space_roots[sp] = new_space_root();
    map_user_image(space_roots[sp]);
  }
  const auto* specs = from_user<scenarios::DomainSpec>(s.domains);
  for (std::uint32_t i = 0; i < s.domain_count; ++i) {
    const scenarios::DomainSpec& spec = specs[i];
    if (spec.space >= s.spaces) return false;
    const DomainId id = kernel->create_domain(spec.space);
    if (id == kNoDomain) return false;
    data_phys[id] = 0;
    data_words[id] = 0;
    const std::uint64_t root = space_roots[spec.space];
    // Its data area, then its stack (a guard page below, unmapped), in its own space.
    const std::uint64_t data_va = kUserDataBase + id * kUserDataStride;
    // The data frames first, so that they are contiguous (the kernel reads a benchmark's
    // samples from them), then the page tables that map them.
    data_phys[id] = 0;
    for (std::uint32_t p = 0; p < spec.data_pages; ++p) {
      const std::uint64_t pa = alloc_frame();
      if (p == 0) data_phys[id] = pa;
    }
    data_words[id] = std::uint64_t{spec.data_pages} * kPage / 8;
    for (std::uint32_t p = 0; p < spec.data_pages; ++p)
      map_page(root, data_va + p * kPage, data_phys[id] + p * kPage,
               p + spec.ro_pages >= spec.data_pages ? kPresent | kUser
                                                    : kPresent | kWritable | kUser);
    const std::uint64_t stack_top = kUserStackTop - id * kUserStackStride;
    for (std::uint64_t p = 1; p <= kUserStackPages; ++p)
      map_page(root, stack_top - p * kPage, alloc_frame(), kPresent | kWritable | kUser);
    prepare_domain(id, root, reinterpret_cast<std::uint64_t>(blob.start), stack_top - 8,
                   reinterpret_cast<std::uint64_t>(spec.program),
                   spec.data_pages != 0 ? data_va : 0,
                   spec.param | (s.benchmark && quick ? scenarios::kQuickParam : 0));
  }
  const auto* keys = from_user<scenarios::KeySpec>(s.keys);
  for (std::uint32_t i = 0; i < s.key_count; ++i) {
    const scenarios::KeySpec& ks = keys[i];
    if (!kernel->exists(ks.domain)) return false;
    scenarios::give_key(*kernel, ks);
  }
  return true;
}

void put_char(char c) { put(c); }

void report_bench(const scenarios::Scenario& s) {
  const bool has_data = s.report != 0 && s.report <= kMaxDomains && data_phys[s.report] != 0;
  baremetal::report_bench(&put_char, s.name, s.what,
                          has_data ? phys_to_virt<const std::uint64_t>(data_phys[s.report]) : nullptr,
                          has_data ? data_words[s.report] : 0, scenarios::kSeriesMagic);
}

void print_cpu() {
  std::uint32_t brand[12] = {};
  std::uint32_t max_ext;
  asm volatile("cpuid" : "=a"(max_ext) : "a"(0x80000000) : "rbx", "rcx", "rdx");
  if (max_ext >= 0x80000004) {
    for (std::uint32_t leaf = 0; leaf < 3; ++leaf)
      asm volatile("cpuid"
                   : "=a"(brand[leaf * 4]), "=b"(brand[leaf * 4 + 1]), "=c"(brand[leaf * 4 + 2]),
                     "=d"(brand[leaf * 4 + 3])
                   : "a"(0x80000002 + leaf), "c"(0));
  }
  char text[49] = {};
  for (int i = 0; i < 48; ++i) text[i] = reinterpret_cast<const char*>(brand)[i];
  put("cpu: ");
  put(text[0] != 0 ? text : "(no brand string)");
  if (pcid_enabled) put(" (PCID on)");
  put('\n');
}

}  // namespace
}  // namespace eros::x86

extern "C" [[noreturn]] void eros_kmain() {
  using namespace eros;
  using namespace eros::x86;
  const std::uint64_t t_entry = X86Platform::cycles();
  serial_init();
  put("\nEROS x86_64 bare metal: long mode, 4-level paging, ring 3 via syscall/sysret\n");
  const BootInfo boot = read_boot_info(eros_multiboot_magic, eros_multiboot_info,
                                       kernel_virt_to_phys(__bss_end));
  if (boot.multiboot == 0) {
    put("not started by a Multiboot loader\n");
    exit_qemu(ExitCode::NoBootInfo);
  }
  // The command line's reading and the scenario selection are the test harness's, not the
  // boot's: their ticks are taken out of the boot figure.
  std::uint64_t harness = X86Platform::cycles();
  read_cmdline(eros_multiboot_magic, eros_multiboot_info);
  harness = X86Platform::cycles() - harness;
  for (auto** f = __init_array_start; f != __init_array_end; ++f) (**f)();
  cpu_init();
  timer_init();
  frames_init(boot.frames_start, boot.frames_end);
  screen_init(boot);
  print_boot_info(boot);
  print_cpu();
  put("memory: ");
  put_dec(boot.ram_bytes >> 20);
  put(" MB, kernel image ");
  put_dec((kernel_virt_to_phys(__bss_end) - 0x100000) >> 10);
  put(" KB, ring-3 image ");
  put_dec((__user_blob_end - __user_blob_start) >> 10);
  put(" KB\n");
  std::uint32_t len = 0;
  std::uint64_t h0 = X86Platform::cycles();
  quick = baremetal::option(cmdline, "quick", len) != nullptr;
  harness += X86Platform::cycles() - h0;

  const auto& blob = *reinterpret_cast<const BlobHeader*>(__user_blob_start);
  if (blob.magic != kBlobMagic) X86Platform::panic("no ring-3 image");
  const auto& reg = *from_user<scenarios::Registry>(blob.registry);
  const auto* list = from_user<scenarios::Scenario>(reg.list);
  const std::uint64_t mark = frames_mark();
  bool ok = true;
  std::uint64_t first_domain_ticks = 0;
  bool first = true;
  for (std::uint32_t i = 0; i < reg.count; ++i) {
    scenarios::Scenario s = list[i];
    s.name = from_user<char>(s.name);
    s.what = from_user<char>(s.what);
    h0 = X86Platform::cycles();
    const bool chosen = baremetal::selected(cmdline, s.name);
    if (first) harness += X86Platform::cycles() - h0;
    if (!chosen) continue;
    frames_reset(mark);
    if (!setup(s, blob)) {
      put("scenario ");
      put(s.name);
      put(": does not fit this kernel's tables\n");
      ok = false;
      continue;
    }
    if (first) first_domain_ticks = X86Platform::cycles() - t_entry - harness;
    first = false;
    put("--- run ");
    put(s.name);
    put('\n');
    vector_reset();
    slices_reset();
    kernel->trace.enabled = !s.benchmark;   // benchmarks run with the trace off, as in bench/repro
    run_scheduler();
    put("vector state: ");
    put_dec(vector_saves);
    put(" saves, ");
    put_dec(vector_restores);
    put(" restores; timer: ");
    put_dec(timer_ticks);
    put(" ticks, ");
    put_dec(preemptions);
    put(" preemptions\n");
    if (s.benchmark) {
      report_bench(s);
      continue;
    }
    put("=== scenario ");
    put(s.name);
    put('\n');
    for (std::uint64_t step = kernel->trace.first_kept(); step < kernel->trace.total(); ++step) {
      put_event(kernel->trace.at(step));
      put('\n');
    }
    put("=== end ");
    put(s.name);
    put('\n');
  }
  timer_stop();
  const char* source = "";
  const std::uint64_t hz = tsc_hz(&source);
  put("tsc: ");
  put_dec(hz / 1000000);
  put(" MHz = ");
  put_dec(hz);
  put(" Hz (");
  put(source);
  put(")\n");
  put("boot: kernel entry to first domain ready ");
  put_dec(first_domain_ticks);
  put(" ticks");
  if (hz != 0) {
    put(" = ");
    put_dec(first_domain_ticks * 1000000 / hz);
    put(" us at that TSC frequency");
  }
  put('\n');
  if (cmdline[0] != 0) {   // printed last: the boot count above does not depend on it
    put("command line: ");
    put(cmdline);
    put('\n');
  }
  put(ok ? "all scenarios ran\n" : "some scenarios did not run\n");
  exit_qemu(ok ? ExitCode::Success : ExitCode::NotAllRan);
}
