// The machine's smoke test (its own image, eros-aarch64-smoke.bin): the banner, the CPU,
// memory and command line, then one EL0 program that times 1,000 null
// svc round trips with PMCCNTR, computes through timer ticks, is demand-paged, writes a
// read-only page, uses FP and runs an undefined instruction, and exits through an svc.
#include "arch/aarch64/context.hpp"
#include "arch/aarch64/machine.hpp"
#include "arch/aarch64/pmu.hpp"
#include "baremetal/cmdline.hpp"
#include "baremetal/print.hpp"

extern "C" {
extern const std::uint8_t eros_smoke_start[];
}

namespace eros::arm64 {
namespace {

using baremetal::hex;
using baremetal::print;

constexpr std::uint64_t kCodeVa = 0x400000, kDataVa = 0x10000000, kReadOnlyVa = 0x10100000,
                        kUnmappedVa = 0x10200000, kStackTop = 0x7FFF0000;
constexpr std::uint64_t kDataPages = 3;
constexpr std::uint16_t kAsid = 1;
constexpr std::uint64_t kReadOnlyMagic = 0x1234;

alignas(16) std::uint8_t user_kstack[16384];
std::uint64_t kernel_sp = 0, user_sp = 0;
std::uint64_t root = 0, data_pa = 0;
std::uint64_t svcs = 0, demand_maps = 0, readonly_faults = 0, fp_traps = 0, undefined = 0,
              user_ticks = 0;
bool exited = false;

}  // namespace

void on_user_fault(Frame& f, UserFault kind, std::uint64_t address, bool write) {
  if (kind == UserFault::translation && address >= kUnmappedVa && address < kUnmappedVa + kPage) {
    ++demand_maps;   // demand paging's mechanism: a fresh page, and the store again
    map_page(root, address & ~(kPage - 1), alloc_frame(), kMapWrite);
    return;
  }
  if (kind == UserFault::fp_access) {
    ++fp_traps;
    EROS_SYSREG_WRITE(cpacr_el1, 3u << 20);   // FPEN: no traps
    isb();
    return;
  }
  if (kind == UserFault::undefined) {
    print(put_char, "fault: EL0 {} at pc={}: ", fault_name(kind), hex(f.elr));
  } else {
    print(put_char, "fault: EL0 {} at {} ({}) pc={}: ", fault_name(kind), hex(address),
          write ? "write" : "read", hex(f.elr));
  }
  if (kind == UserFault::permission) {
    ++readonly_faults;
    put("reported, the store skipped\n");
    f.elr += 4;
    return;
  }
  if (kind == UserFault::undefined) {
    ++undefined;
    put("reported, skipped\n");
    f.elr += 4;
    return;
  }
  put("the program is stopped\n");
  switch_stack(&user_sp, kernel_sp);
}

void on_tick(bool from_user) {
  if (from_user) ++user_ticks;
}

}  // namespace eros::arm64

// The smoke test's two system calls take el0_svc's slow path (x8 = 0: null, 1: exit); the
// register form's operations are the kernel's, not here.
namespace {
const void* no_core(std::uint64_t, const void*) { eros::arm64::panic("no core in the smoke test"); }
}  // namespace
extern "C" const void* eros_svc_call(std::uint64_t key, const void* m) { return no_core(key, m); }
extern "C" const void* eros_svc_return(std::uint64_t key, const void* m) { return no_core(key, m); }
extern "C" const void* eros_svc_send(std::uint64_t key, const void* m) { return no_core(key, m); }
extern "C" void eros_svc_slow(eros::arm64::SvcFrame* f) {
  using namespace eros::arm64;
  ++svcs;
  if (f->x8 == 1) {
    exited = true;
    switch_stack(&user_sp, kernel_sp);
  }
}

extern "C" [[noreturn]] void eros_kmain(std::uint64_t dtb_pa, std::uint64_t load_pa,
                                        std::uint64_t entry_el) {
  using namespace eros;
  using namespace eros::arm64;
  pmu_init();
  const DeviceTree& dt = bring_up(dtb_pa, load_pa, entry_el);
  if (dt.bootargs[0] != 0) print(put_char, "command line: {}\n", dt.bootargs);
  std::uint32_t len = 0;
  if (baremetal::option(dt.bootargs, "kernel-fault", len) != nullptr) {   // the panic path, by hand
    put("kernel-fault: reading an unmapped kernel address\n");
    (void)*reinterpret_cast<volatile std::uint64_t*>(0xFFFF700000000000);
  }
  if (baremetal::option(dt.bootargs, "kernel-write-text", len) != nullptr) {   // W^X, by hand
    put("kernel-write-text: writing the kernel's own code\n");
    *reinterpret_cast<volatile std::uint32_t*>(reinterpret_cast<std::uintptr_t>(&panic)) = 0;
  }

  // The EL0 program's space: its code, data, a read-only page, a stack; one page unmapped.
  root = new_space_root();
  map_page(root, kCodeVa, kernel_virt_to_phys(eros_smoke_start), kMapExec);
  data_pa = alloc_frame();
  for (std::uint64_t p = 1; p < kDataPages; ++p) alloc_frame();   // contiguous
  for (std::uint64_t p = 0; p < kDataPages; ++p) map_page(root, kDataVa + p * kPage, data_pa + p * kPage, kMapWrite);
  const std::uint64_t ro = alloc_frame();
  *phys_to_virt<std::uint64_t>(ro) = kReadOnlyMagic;
  map_page(root, kReadOnlyVa, ro, 0);
  map_page(root, kStackTop - kPage, alloc_frame(), kMapWrite);
  load_space(root, kAsid);

  Frame* f = prepare_entry(reinterpret_cast<std::uint64_t>(user_kstack + sizeof user_kstack), &user_sp);
  f->x[0] = kDataVa;
  f->x[1] = kReadOnlyVa;
  f->x[2] = kUnmappedVa;
  f->sp = kStackTop;
  f->elr = kCodeVa;
  f->spsr = 0;   // EL0t, interrupts unmasked
  // The domain's kernel stack is its exception stack: SP_EL1 at its top when it traps.
  switch_stack(&kernel_sp, user_sp);

  const auto* d = phys_to_virt<const std::uint64_t>(data_pa);
  print(put_char, "el0: {} (svc {}, {} demand-mapped pages, {} read-only faults, {} FP traps, {} undefined)\n",
        exited ? "exited through svc" : "stopped", svcs, demand_maps, readonly_faults, fp_traps, undefined);
  print(put_char, "pmu: 2000-iteration subs/b.ne loop {} instructions (PMCCNTR at EL0)\n", d[0]);
  // Sorted (insertion: 1,000 samples, nearly all equal), then as tools/bench_stats.py reads
  // them: min s[0], median s[n / 2], p95 s[n * 95 / 100].
  static std::uint64_t sorted[1000];
  for (std::uint64_t i = 0; i < 1000; ++i) {
    std::uint64_t j = i;
    for (; j > 0 && sorted[j - 1] > d[1 + i]; --j) sorted[j] = sorted[j - 1];
    sorted[j] = d[1 + i];
  }
  print(put_char, "null svc round trip: min {} median {} p95 {} instructions (1000 samples, PMCCNTR around svc)\n",
        sorted[0], sorted[500], sorted[950]);
  print(put_char, "compute: {} instructions, {} timer ticks taken at EL0\n", d[1001], user_ticks);
  print(put_char, "demand page read back {}; read-only page still {}; through d0 {}\n", hex(d[1002]),
        hex(d[1003]), hex(d[1004]));
  const bool ok = exited && demand_maps == 1 && readonly_faults == 1 && fp_traps == 1 &&
                  undefined == 1 && user_ticks >= 1 && d[1002] == 0x5a && d[1003] == kReadOnlyMagic &&
                  d[1004] == 0x5a && svcs == 1001;

  // An interrupt taken at EL1: the kernel waits for one tick with IRQs unmasked.
  const std::uint64_t before = timer_ticks_el1;
  while (timer_ticks_el1 == before) asm volatile("msr daifclr, #2; wfi; msr daifset, #2" ::: "memory");
  print(put_char, "timer: {} ticks in all, {} at EL1 (the kernel waiting)\n", timer_ticks, timer_ticks_el1);
  put(ok ? "smoke test passed\n" : "smoke test FAILED\n");
  exit_machine(ok ? ExitCode::Success : ExitCode::Panic);
}
