// The scenario programs and their set-ups: compiled unchanged for the hosted runner and
// for ring 3 on bare metal (there with -mgeneral-regs-only and no C library).
#include "scenarios/scenarios.hpp"

#include "eros/user.hpp"

namespace eros::scenarios {
namespace {

constexpr std::uint8_t kServer = 1;    // a client's key to its server
constexpr std::uint8_t kNext = 2;      // IP's key to ATM
constexpr std::uint8_t kCaller = 3;    // where servers receive the caller's resume key
constexpr std::uint8_t kAlarm = 15;    // never holds a key: a Call on it shows as Void

constexpr ReceiveDesc server_rcv(void* buf = nullptr, std::uint32_t limit = 0) {
  return ReceiveDesc{buf, limit, {0, 0, 0, kCaller}};
}

// A plain loop: no C library on bare metal (its memset comes from the user runtime).
void fill(std::byte* p, std::uint8_t v, std::uint32_t n) {
  for (std::uint32_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>(v);
}

// A check inside a program: a failed one makes a Call on a void key, which the trace shows.
void expect(bool ok) {
  if (!ok) user::call(kAlarm);
}

inline std::uint64_t ticks() {
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
  std::uint64_t v;
  asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
  return v;
#else
  return 0;
#endif
}

// ---- programs ------------------------------------------------------------------------

// Answers every call with its order code plus one, forever: the null server.
void null_server(std::byte*, std::uint64_t) {
  Result r = user::wait(server_rcv());
  for (;;) r = user::return_to(kCaller, {.w = {r.w[0] + 1}}, server_rcv());
}

// Calls its server `param` times with order codes 0, 1, ...; checks each answer.
void pingpong_client(std::byte*, std::uint64_t param) {
  for (std::uint64_t i = 0; i < param; ++i) {
    Result r = user::call(kServer, {.w = {i}});
    expect(r.status == Status::Ok && r.w[0] == i + 1);
  }
}

// Returns the bytes it received, up to its 4 KB limit.
void echo_server(std::byte* data, std::uint64_t) {
  const ReceiveDesc rcv = server_rcv(data, 4096);
  Result r = user::wait(rcv);
  for (;;)
    r = user::return_to(kCaller, {.w = {r.w[0]}, .len = r.landed, .str = data}, rcv);
}

// Sends strings of 0, param/2 and param bytes (and one over the server's limit) and
// checks what comes back.
void echo_client(std::byte* data, std::uint64_t param) {
  std::byte* out = data;
  std::byte* in = data + 8192;
  const std::uint32_t sizes[] = {0, static_cast<std::uint32_t>(param / 2),
                                 static_cast<std::uint32_t>(param), 6000};
  std::uint64_t i = 0;
  for (std::uint32_t n : sizes) {
    fill(out, static_cast<std::uint8_t>('a' + i), n);
    Result r = user::call(kServer, {.w = {i}, .len = n, .str = out}, ReceiveDesc{in, 8192, {}});
    const std::uint32_t back = n < 4096 ? n : 4096;
    expect(r.status == Status::Ok && r.w[0] == i && r.sent == back && r.landed == back);
    for (std::uint32_t b = 0; b < back; ++b) expect(in[b] == out[b]);
    ++i;
  }
}

// Figure 1: TCP -> IP -> ATM. param = segments.
void tcp(std::byte* data, std::uint64_t param) {
  for (std::uint64_t i = 0; i < param; ++i) {
    fill(data, static_cast<std::uint8_t>('a' + i), 512);
    Result r = user::call(kServer, {.w = {i}, .len = 512, .str = data});
    expect(r.status == Status::Ok && r.w[0] == 1);
  }
}

// param = 1: the tail call (Return on ATM's start key, TCP's resume key in k3);
// param = 0: nested calls (IP Calls ATM, then Returns to TCP).
void ip(std::byte* data, std::uint64_t param) {
  constexpr std::uint32_t kIpHeader = 20;
  const ReceiveDesc rcv = server_rcv(data + kIpHeader, 4096);
  Result r = user::wait(rcv);
  for (;;) {
    fill(data, 0x45, kIpHeader);   // the IP header in front of the segment
    Message packet{.w = {r.w[0]}, .k = {0, 0, 0, kCaller}, .len = r.landed + kIpHeader,
                   .str = data};
    if (param != 0) {
      r = user::return_to(kNext, packet, rcv);
    } else {
      Result answer = user::call(kNext, packet, ReceiveDesc{});
      r = user::return_to(kCaller, {.w = {answer.w[0]}}, rcv);
    }
  }
}

void atm(std::byte* data, std::uint64_t) {
  const ReceiveDesc rcv = server_rcv(data, 4096);
  for (Result r = user::wait(rcv);;) r = user::return_to(kCaller, {.w = {1}}, rcv);
}

// Calls the number key in register 1 `param` times: the null system call.
void number_client(std::byte*, std::uint64_t param) {
  for (std::uint64_t i = 0; i < param; ++i) {
    Result r = user::call(kServer);
    expect(r.status == Status::Ok && r.w[0] == 7 && r.w[3] == 10);
  }
}

// Send (fork) to the server, then Call it while it is still busy with the Send: the call
// stalls, restarts when the server drops the Send's void reply, and then gets through.
void send_then_call(std::byte*, std::uint64_t) {
  expect(user::send(kServer, {.w = {100}}) == Status::Ok);
  Result r = user::call(kServer, {.w = {200}});
  expect(r.status == Status::Ok && r.w[0] == 201);
}

// Bad arguments: each gets its status and changes nothing.
void hostile_args(std::byte* data, std::uint64_t) {
  expect(user::call(16).status == Status::BadRegister);
  expect(user::call(kServer, {.k = {0, 17, 0, 0}}).status == Status::BadRegister);
  expect(user::call(kServer, {.len = 65537, .str = data}).status == Status::StringTooLong);
  // Unmapped, non-canonical and kernel addresses.
  expect(user::call(kServer, {.len = 16, .str = reinterpret_cast<const void*>(0x1000)}).status ==
         Status::SourceFault);
  expect(user::call(kServer, {.len = 16, .str = reinterpret_cast<const void*>(0x0000800000000000)})
             .status == Status::SourceFault);
  expect(user::call(kServer, {.len = 16, .str = reinterpret_cast<const void*>(0xffff800000000000)})
             .status == Status::SourceFault);
  expect(user::call(kServer, {.len = 8, .str = reinterpret_cast<const void*>(0xfffffffffffffffc)})
             .status == Status::SourceFault);
  // A string that runs off the end of the data area.
  expect(user::call(kServer, {.len = 64, .str = data + kPageBytes - 32}).status ==
         Status::SourceFault);
  expect(user::call(9).status == Status::Void);
  expect(user::send(9) == Status::Void);
  // And the server still answers.
  expect(user::call(kServer, {.w = {41}}).w[0] == 42);
}

// Hostile on the hardware: calls its server once, then does what param says. Each of these
// stops the domain with a fault (no keeper yet); the others go on.
void faulter(std::byte*, std::uint64_t param) {
  expect(user::call(kServer, {.w = {param}}).status == Status::Ok);
#if defined(__x86_64__)
  switch (param) {
    case 0: asm volatile("cli"); break;                       // privileged: #GP
    case 1: asm volatile("ud2"); break;                       // #UD
    case 2: asm volatile("int3"); break;                      // #BP
    case 3: asm volatile("outb %%al, $0x80" : : "a"(0)); break;   // I/O: #GP
    case 4: {                                                 // write to its read-only code: #PF
      auto* code = reinterpret_cast<volatile std::uint8_t*>(&faulter);
      *code = 0xC3;
      break;
    }
    case 5: {                                                 // jump into the kernel: #PF
      using Fn = void (*)();
      reinterpret_cast<Fn>(0xFFFFFFFF80100000)();
      break;
    }
    case 6: {                                                 // divide by zero: #DE
      std::uint64_t a = 1, d = 0;
      asm volatile("divq %2" : "+a"(a), "+d"(d) : "r"(std::uint64_t{0}));
      break;
    }
    case 7: {                                                 // load a kernel CR3: #GP
      asm volatile("mov %0, %%cr3" : : "r"(std::uint64_t{0x1000}));
      break;
    }
    case 8: {                    // the trap itself, with its message in the kernel: stopped
      register std::uint64_t r10 asm("r10") = 0;
      asm volatile("syscall"
                   :
                   : "a"(0), "D"(1), "S"(0xffff800000000000), "d"(0), "r"(r10)
                   : "rcx", "r11", "memory");
      break;
    }
  }
#endif
  expect(false);   // not reached: the domain was stopped
}

// ---- benchmarks: round trips in ticks (instructions under TCG with -icount shift=0) ---

constexpr std::uint64_t kWarmup = 200;
constexpr std::uint64_t kSamples = 1000;

// Writes count, then kSamples round trips of a Call on register 1, then kSamples empty
// timer pairs (the measurement's own cost).
void bench_client(std::byte* data, std::uint64_t) {
  auto* out = reinterpret_cast<std::uint64_t*>(data);
  for (std::uint64_t i = 0; i < kWarmup; ++i) user::call(kServer);
  for (std::uint64_t i = 0; i < kSamples; ++i) {
    const std::uint64_t t0 = ticks();
    user::call(kServer);
    const std::uint64_t t1 = ticks();
    out[1 + i] = t1 - t0;
  }
  for (std::uint64_t i = 0; i < kSamples; ++i) {
    const std::uint64_t t0 = ticks();
    asm volatile("" ::: "memory");
    const std::uint64_t t1 = ticks();
    out[1 + kSamples + i] = t1 - t0;
  }
  out[0] = kSamples;
}
constexpr std::uint32_t kBenchPages = ((1 + 2 * kSamples) * 8 + kPageBytes - 1) / kPageBytes;

// ---- set-ups -------------------------------------------------------------------------

constexpr DomainSpec pingpong_intra_d[] = {{null_server, 0, 0, 0}, {pingpong_client, 0, 0, 3}};
constexpr KeySpec pingpong_intra_k[] = {{2, kServer, KeySource::Start, 1, 0, {}}};

constexpr DomainSpec pingpong_inter_d[] = {{null_server, 1, 0, 0}, {pingpong_client, 2, 0, 3}};
constexpr KeySpec pingpong_inter_k[] = {{2, kServer, KeySource::Start, 1, 5, {}}};

constexpr DomainSpec echo_d[] = {{echo_server, 1, 1, 0}, {echo_client, 2, 4, 3000}};
constexpr KeySpec echo_k[] = {{2, kServer, KeySource::Start, 1, 9, {}}};

// As examples/figure1.cpp: ATM, IP, TCP, each in a space of its own.
constexpr DomainSpec figure1_tail_d[] = {{atm, 1, 2, 0}, {ip, 2, 2, 1}, {tcp, 3, 1, 2}};
constexpr DomainSpec figure1_nested_d[] = {{atm, 1, 2, 0}, {ip, 2, 2, 0}, {tcp, 3, 1, 2}};
constexpr KeySpec figure1_k[] = {{3, kServer, KeySource::Start, 2, 6, {}},
                                 {2, kNext, KeySource::Start, 1, 1, {}}};

constexpr DomainSpec number_d[] = {{number_client, 1, 0, 3}};
constexpr KeySpec number_k[] = {{1, kServer, KeySource::Number, 0, 0, {7, 8, 9, 10}}};

constexpr DomainSpec send_stall_d[] = {{null_server, 0, 0, 0}, {send_then_call, 0, 0, 0}};
constexpr KeySpec send_stall_k[] = {{2, kServer, KeySource::Start, 1, 3, {}}};

constexpr DomainSpec hostile_d[] = {{null_server, 1, 0, 0}, {hostile_args, 2, 1, 0}};
constexpr KeySpec hostile_k[] = {{2, kServer, KeySource::Start, 1, 0, {}}};

constexpr DomainSpec faults_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, 0}, {faulter, 2, 0, 1},
                                  {faulter, 2, 0, 2}, {faulter, 2, 0, 3}, {faulter, 2, 0, 4},
                                  {faulter, 2, 0, 5}, {faulter, 2, 0, 6}, {faulter, 2, 0, 7},
                                  {faulter, 2, 0, 8}, {pingpong_client, 3, 0, 2}};
constexpr KeySpec faults_k[] = {
    {2, kServer, KeySource::Start, 1, 0, {}}, {3, kServer, KeySource::Start, 1, 0, {}},
    {4, kServer, KeySource::Start, 1, 0, {}}, {5, kServer, KeySource::Start, 1, 0, {}},
    {6, kServer, KeySource::Start, 1, 0, {}}, {7, kServer, KeySource::Start, 1, 0, {}},
    {8, kServer, KeySource::Start, 1, 0, {}}, {9, kServer, KeySource::Start, 1, 0, {}},
    {10, kServer, KeySource::Start, 1, 0, {}}, {11, kServer, KeySource::Start, 1, 0, {}}};

constexpr DomainSpec bench_intra_d[] = {{null_server, 0, 0, 0}, {bench_client, 0, kBenchPages, 0}};
constexpr DomainSpec bench_inter_d[] = {{null_server, 1, 0, 0}, {bench_client, 2, kBenchPages, 0}};
constexpr KeySpec bench_k[] = {{2, kServer, KeySource::Start, 1, 0, {}}};
constexpr DomainSpec bench_number_d[] = {{bench_client, 1, kBenchPages, 0}};
constexpr KeySpec bench_number_k[] = {{1, kServer, KeySource::Number, 0, 0, {1, 2, 3, 4}}};

template <std::size_t D, std::size_t K>
constexpr Scenario scenario(const char* name, std::uint32_t spaces, const DomainSpec (&d)[D],
                            const KeySpec (&k)[K], const char* what, bool bench = false,
                            std::uint32_t report = 0) {
  return Scenario{name, spaces, d, D, k, K, bench, report, what};
}

constexpr Scenario list[] = {
    scenario("pingpong-intra", 1, pingpong_intra_d, pingpong_intra_k,
             "null IPC ping-pong, client and server in one space"),
    scenario("pingpong-inter", 3, pingpong_inter_d, pingpong_inter_k,
             "null IPC ping-pong, client and server in spaces of their own"),
    scenario("echo-inter", 3, echo_d, echo_k,
             "strings of 0, 1500, 3000 and 6000 bytes echoed across spaces (truncated at 4 KB)"),
    scenario("figure1-tail", 4, figure1_tail_d, figure1_k,
             "the paper's Figure 1: TCP -> IP -> ATM, IP tail-calls ATM, ATM answers TCP"),
    scenario("figure1-nested", 4, figure1_nested_d, figure1_k,
             "Figure 1 with nested calls: IP Calls ATM, then Returns to TCP"),
    scenario("number-key", 2, number_d, number_k, "Calls on a number key: the null system call"),
    scenario("send-stall", 1, send_stall_d, send_stall_k,
             "Send, then a Call that stalls on the busy server and restarts"),
    scenario("hostile-args", 3, hostile_d, hostile_k,
             "bad registers, lengths and buffers (unmapped, non-canonical, kernel): named statuses"),
    {"faults", 4, faults_d, 11, faults_k, 10, false, 0,
     "cli, ud2, int3, out, a write to code, a jump into the kernel, divide by zero, mov cr3, "
     "a trap with its message in the kernel: "
     "each domain stopped, the server still answers",
     /*hardware_only=*/true},
    scenario("bench-intra", 1, bench_intra_d, bench_k, "Call+Return round trip, one space",
             true, 2),
    scenario("bench-inter", 3, bench_inter_d, bench_k, "Call+Return round trip, two spaces",
             true, 2),
    scenario("bench-number", 2, bench_number_d, bench_number_k,
             "Call on a number key (null system call)", true, 1),
};

}  // namespace

const Registry registry{list, sizeof(list) / sizeof(list[0])};

}  // namespace eros::scenarios
