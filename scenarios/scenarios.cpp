// The scenario programs and their set-ups: compiled unchanged for the hosted runner and
// for ring 3 on bare metal (there with -mgeneral-regs-only and no C library).
#include "scenarios/scenarios.hpp"

#include "eros/user.hpp"
#include "scenarios/series.hpp"
#include "scenarios/vector.hpp"
#if defined(EROS_BAREMETAL)
#include "user_faults.hpp"   // this machine's faulting instructions, found by include path
#endif

namespace eros::scenarios {
namespace {

constexpr std::uint8_t kServer = 1;    // a client's key to its server
constexpr std::uint8_t kNext = 2;      // IP's key to ATM
constexpr std::uint8_t kCaller = 3;    // where servers receive the caller's resume key
constexpr std::uint8_t kAlarm = 15;    // never holds a key: a Call on it shows as Void

constexpr ReceiveDesc server_rcv(void* buf = nullptr, std::uint32_t limit = 0) {
  return ReceiveDesc{buf, limit, {0, 0, 0, kCaller}};
}

// A plain loop: no C library on bare metal (only the compiler's mem* helpers, from
// arch/x86_64/libc.cpp).
void fill(std::byte* p, std::uint8_t v, std::uint32_t n) {
  for (std::uint32_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>(v);
}

// A check inside a program: a failed one makes a Call on a void key, which the trace shows.
void expect(bool ok) {
  if (!ok) user::call(kAlarm);
}

inline std::uint64_t ticks() { return bench_ticks(); }   // scenarios/series.hpp

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

// Returns the bytes it received, up to its limit (param; 0: 4 KB).
void echo_server(std::byte* data, std::uint64_t param) {
  const ReceiveDesc rcv = server_rcv(data, param != 0 ? static_cast<std::uint32_t>(param) : 4096);
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

// ---- every rule and status ----------------------------------------------------------

constexpr std::uint8_t kControl = 4;   // a domain-control key
constexpr std::uint8_t kPager = 5;     // a memory keeper's key to the page-mapping object
constexpr std::uint8_t kNumber = 6;    // a number key
using order::kMakeStart;
using order::kMapFreshPage;
using order::kMapFreshRange;
using order::kRescind;
constexpr ReceiveDesc kTakeResume{nullptr, 0, {0, 0, 0, kCaller}};

const void* addr(std::uint64_t a) { return reinterpret_cast<const void*>(a); }
void* waddr(std::uint64_t a) { return reinterpret_cast<void*>(a); }

constexpr std::uint8_t kYieldKey = 7;  // the Yield key
constexpr std::uint8_t kVoid = 14;     // never holds a key

// The kernel-object conventions: KT on each object kind and on void, unknown orders, and
// the returnee: a server hands each request on to its number key (a Return with the
// client's resume key as k3), so the number answers the client directly.
void object_client(std::byte*, std::uint64_t) {
  expect(user::call(kNumber, {.w = {order::kKeyType}}).w[1] == key_type::kNumber);
  expect(user::call(kControl, {.w = {order::kKeyType}}).w[1] == key_type::kDomainControl);
  expect(user::call(kYieldKey, {.w = {order::kKeyType}}).w[1] == key_type::kYield);
  expect(user::call(kVoid, {.w = {order::kKeyType}}).status == Status::Void);
  expect(user::call(kNumber, {.w = {5}}).status == Status::UnknownOrder);
  expect(user::call(kYieldKey, {.w = {5}}).status == Status::UnknownOrder);
  for (std::uint64_t i = 0; i < 2; ++i) {
    const Result r = user::call(kServer, {.w = {i}});
    expect(r.status == Status::Ok && r.key_info == 0 && r.w[0] == 7 && r.w[3] == 10);
  }
  // A Send on the number key with the void key as k3: the answer is dropped.
  expect(user::send(kNumber, {.k = {0, 0, 0, 0}}) == Status::Ok);
}
void handing_server(std::byte*, std::uint64_t) {
  user::wait(server_rcv());
  for (;;) user::return_to(kNumber, {.k = {0, 0, 0, kCaller}}, server_rcv());
}

// Answers each call with the badge of the key it came through.
void badge_server(std::byte*, std::uint64_t) {
  Result r = user::wait(server_rcv());
  for (;;) r = user::return_to(kCaller, {.w = {r.key_info}}, server_rcv());
}

// Answers its first call with a Send on the caller's resume key (the reply: the caller
// becomes ready, the server keeps running), finds that key consumed, then serves on.
void send_reply_server(std::byte* data, std::uint64_t param) {
  Result r = user::wait(server_rcv());
  expect(user::send(kCaller, {.w = {r.w[0] + 1}}) == Status::Ok);
  expect(user::send(kCaller) == Status::Void);   // at most one reply per call
  null_server(data, param);
}

// Makes start keys through a domain-control key, gives it orders it does not know, Sends
// to it, rescinds, makes a key again; and uses a number key by Call and Send.
void control_client(std::byte*, std::uint64_t) {
  constexpr ReceiveDesc into5{nullptr, 0, {5, 0, 0, 0}};
  expect(user::call(kControl, {.w = {kMakeStart, 77}}, into5).status == Status::Ok);
  expect(user::call(5).w[0] == 77);
  expect(user::call(kServer).w[0] == 1);
  expect(user::call(kControl, {.w = {9}}).status == Status::UnknownOrder);
  expect(user::send(kControl, {.w = {9}}) == Status::UnknownOrder);
  expect(user::send(kControl, {.w = {kMakeStart, 78}}) == Status::Ok);   // answer dropped
  expect(user::call(kControl, {.w = {kRescind}}).status == Status::Ok);
  expect(user::call(5).status == Status::Void);
  expect(user::call(kServer).status == Status::Void);
  expect(user::call(kControl, {.w = {kMakeStart, 79}}, into5).status == Status::Ok);
  expect(user::call(5).w[0] == 79);
  expect(user::call(kNumber).w[0] == 3);
  expect(user::send(kNumber) == Status::Ok);
}

// One Return on a kernel object (performed, answer dropped; it becomes Available).
void object_returner(std::byte*, std::uint64_t param) {
  if (param == 0) user::return_to(kNumber);
  if (param == 1) user::return_to(kControl, {.w = {9}});                       // UnknownOrder
  if (param == 2) user::return_to(kControl, {.len = 16, .str = addr(0x1000)});   // SourceFault
  expect(false);   // nobody calls it
}

// Coroutine calls on resume keys, both ways.
void coroutine_a(std::byte*, std::uint64_t) {
  Result r = user::call(kServer, {.w = {0}}, kTakeResume);   // answered by a coroutine call
  expect(r.status == Status::Ok && r.w[0] == 1 && r.key_info == 0);
  r = user::call(kCaller, {.w = {2}}, kTakeResume);          // a coroutine call back
  expect(r.status == Status::Ok && r.w[0] == 3);
  user::return_to(kCaller, {.w = {4}});                      // a plain reply, no key
  expect(false);
}
void coroutine_b(std::byte*, std::uint64_t) {
  Result r = user::wait(server_rcv());
  expect(r.w[0] == 0);
  r = user::call(kCaller, {.w = {1}}, server_rcv());
  expect(r.status == Status::Ok && r.w[0] == 2);
  r = user::call(kCaller, {.w = {3}}, server_rcv());
  expect(r.status == Status::Ok && r.w[0] == 4);
  expect(user::call(kCaller).status == Status::Void);   // A's Return passed no key in k3
}

// Calls its server once and expects a void key (rescinded or halted target).
void void_client(std::byte*, std::uint64_t) {
  expect(user::call(kServer).status == Status::Void);
}

// Rescinds the server its clients are stalled on, makes a new start key and calls it.
void rescinder(std::byte*, std::uint64_t) {
  expect(user::call(kControl, {.w = {kRescind}}).status == Status::Ok);
  expect(user::call(kControl, {.w = {kMakeStart, 5}}, ReceiveDesc{nullptr, 0, {5}}).status ==
         Status::Ok);
  expect(user::call(5).w[0] == 5);
}

// Sends 0..65,536 bytes to a server whose limit is 100 and takes at most 64 back.
void truncate_client(std::byte* data, std::uint64_t) {
  std::byte* in = data + 16 * kPageBytes;
  const std::uint32_t sizes[] = {0, 50, 64, 100, 101, 200, 65536};
  std::uint64_t i = 0;
  for (std::uint32_t n : sizes) {
    fill(data, static_cast<std::uint8_t>('A' + i), n);
    Result r = user::call(kServer, {.w = {i}, .len = n, .str = data}, ReceiveDesc{in, 64, {}});
    const std::uint32_t back = n < 100 ? n : 100;
    expect(r.status == Status::Ok && r.sent == back && r.landed == (back < 64 ? back : 64));
    ++i;
  }
  // Limit 0: nothing lands, the buffer is never looked at.
  Result r = user::call(kServer, {.len = 8, .str = data}, ReceiveDesc{waddr(0x1000), 0, {}});
  expect(r.status == Status::Ok && r.sent == 8 && r.landed == 0);
  // A limit over 65,536 is clamped.
  r = user::call(kServer, {.len = 100, .str = data}, ReceiveDesc{in, 70000, {}});
  expect(r.status == Status::Ok && r.landed == 100);
}

// Its first receive buffer is its read-only page; afterwards a writable one. Answers
// w0 + 1 with 8 bytes.
void ro_server(std::byte* data, std::uint64_t) {
  Result r = user::wait(server_rcv(data + kPageBytes, 4096));
  for (;;)
    r = user::return_to(kCaller, {.w = {r.w[0] + 1}, .len = 8, .str = data},
                        server_rcv(data, 4096));
}

// Receive buffers that are read-only, unmapped, in the kernel, non-canonical, or code.
void hostile_buffers(std::byte* data, std::uint64_t) {
  std::byte* ro = data + kPageBytes;   // read-only
  expect(user::call(kServer, {.len = 8, .str = data}).status == Status::DestFault);
  expect(user::send(kServer, {.len = 8, .str = data}) == Status::DestFault);
  expect(user::call(kServer, {.len = 8, .str = ro}).status == Status::DestFault);   // readable
  // Its own receive buffers: the Return's status comes to it, the words too, no byte.
  const std::uint64_t bad[] = {reinterpret_cast<std::uint64_t>(ro), 0x1000, 0xffff800000000000,
                               0x0000800000000000, reinterpret_cast<std::uint64_t>(&ro_server),
                               0x00007ffffffffffc};
  std::uint64_t i = 0;
  for (std::uint64_t b : bad) {
    Result r = user::call(kServer, {.w = {i}}, ReceiveDesc{waddr(b), 4096, {}});
    expect(r.status == Status::DestFault && r.w[0] == i + 1 && r.landed == 0);
    ++i;
  }
  expect(ro[0] == std::byte{0});
  Result r = user::call(kServer, {.w = {i}}, ReceiveDesc{data, 4096, {}});
  expect(r.status == Status::Ok && r.landed == 8);
}

// Returns with each kind of bad message: the caller is resumed with the status.
void bad_returner(std::byte* data, std::uint64_t) {
  Result r = user::wait(server_rcv());
  r = user::return_to(kCaller, {.w = {1}, .len = 16, .str = addr(0x1000)}, server_rcv());
  r = user::return_to(kCaller, {.w = {2}, .len = 65537, .str = data}, server_rcv());
  for (int i = 0; i < 4; ++i) {   // each of k0..k3 out of range
    Message m{.w = {3}};
    m.k[i] = 16;
    r = user::return_to(kCaller, m, server_rcv());
  }
  // Its own receive descriptor out of range: fails back to it, still running.
  expect(user::return_to(kCaller, {.w = {4}}, ReceiveDesc{nullptr, 0, {0, 0, 16, 0}}).status ==
         Status::BadRegister);
  r = user::return_to(kCaller, {.w = {4}}, server_rcv());
  // The key register out of range: a Return on a void key; that caller waits for ever.
  r = user::return_to(16, {}, server_rcv());
  for (;;) r = user::return_to(kCaller, {.w = {r.w[0] + 1}}, server_rcv());
}
void return_error_client(std::byte*, std::uint64_t) {
  Result r = user::call(kServer);
  expect(r.status == Status::SourceFault && r.w[0] == 1 && r.sent == 16 && r.landed == 0);
  r = user::call(kServer);
  expect(r.status == Status::StringTooLong && r.w[0] == 2);
  for (int i = 0; i < 4; ++i) {
    r = user::call(kServer);
    expect(r.status == Status::BadRegister && r.w[0] == 3);
  }
  r = user::call(kServer);
  expect(r.status == Status::Ok && r.w[0] == 4);
  user::call(kServer);   // dropped by a Return on register 16: never answered
  expect(false);
}

// BadRegister in every position of Call and Send.
void bad_registers(std::byte*, std::uint64_t) {
  expect(user::call(16).status == Status::BadRegister);
  expect(user::call(255).status == Status::BadRegister);
  for (int i = 0; i < 4; ++i) {
    Message m{};
    m.k[i] = 16;
    expect(user::call(kServer, m).status == Status::BadRegister);
    expect(user::send(kServer, m) == Status::BadRegister);
    ReceiveDesc rcv{};
    rcv.r[i] = 200;
    expect(user::call(kServer, {}, rcv).status == Status::BadRegister);
  }
  expect(user::send(16) == Status::BadRegister);
  expect(user::call(kServer, {.w = {5}}).w[0] == 6);   // nothing changed
}

// Stalls with 8 bytes on a server whose buffer is read-only: the retry fails.
void dest_fault_client(std::byte* data, std::uint64_t) {
  expect(user::call(kServer, {.len = 8, .str = data}).status == Status::DestFault);
}

// Its program ends at once: it halts.
void quitter(std::byte*, std::uint64_t) {}

// Sends to a halted domain: void.
void void_sender(std::byte*, std::uint64_t) { expect(user::send(kServer) == Status::Void); }

// Keys move: k0..k2 into the receiver's r0..r2, a new resume key in r3 on a Call, all
// four as given on a Return; register 0 discards.
void key_server(std::byte*, std::uint64_t) {
  Result r = user::wait(ReceiveDesc{nullptr, 0, {5, 6, 0, kCaller}});
  expect(user::call(5).w[0] == 3);                       // the client's number key
  expect(user::call(6).status == Status::Void);          // k1 was register 0
  r = user::return_to(kCaller, {.k = {5, 0, 5, 5}}, ReceiveDesc{nullptr, 0, {5, 6, 0, kCaller}});
}
void key_client(std::byte*, std::uint64_t) {
  expect(user::call(kServer, {.k = {kNumber, 0, 0, kNumber}}, ReceiveDesc{nullptr, 0, {8, 9, 10, 11}})
             .status == Status::Ok);
  expect(user::call(8).w[0] == 3);
  expect(user::call(9).status == Status::Void);
  expect(user::call(10).w[0] == 3);
  expect(user::call(11).w[0] == 3);
}

// ---- hostile on the hardware, and keepers --------------------------------------------

enum FaultCase : std::uint64_t {
  kCli, kHlt, kIn, kOut, kMovCr3, kUd2, kInt3, kDivZero, kJumpKernel, kJumpNonCanonical,
  kJumpNull, kWriteCode, kStackOverflow, kBadTrap, kBadResult,
};
// What the machine reports each as (arch/x86_64/exceptions.cpp maps its vectors the same way).
constexpr FaultKind fault_kind(std::uint64_t c) {
  switch (c) {
    case kUd2: return FaultKind::InvalidInstruction;
    case kInt3: return FaultKind::Breakpoint;
    case kDivZero: return FaultKind::DivideError;
    case kJumpKernel: case kJumpNull: case kWriteCode: case kStackOverflow:
      return FaultKind::PageFault;
    case kBadTrap: case kBadResult: return FaultKind::BadTrap;
    default: return FaultKind::Protection;   // #GP
  }
}

#if defined(EROS_BAREMETAL)
[[gnu::noinline]] std::uint64_t recurse(std::uint64_t n) {
  volatile std::uint8_t pad[512];
  pad[n & 511] = static_cast<std::uint8_t>(n);
  if (n == 0) return 0;
  return recurse(n - 1) + pad[n & 511];
}

// The instruction itself (user_faults.hpp: this machine's, found by include path).
void hardware_fault(std::uint64_t c) {
  namespace hw = user::faults;
  using Fn = void (*)();
  switch (c) {
    case kCli: hw::disable_interrupts(); break;
    case kHlt: hw::halt(); break;
    case kIn: hw::read_device(); break;
    case kOut: hw::write_device(); break;
    case kMovCr3: hw::privileged(reinterpret_cast<const void*>(&quitter)); break;
    case kUd2: hw::undefined_instruction(); break;
    case kInt3: hw::breakpoint(); break;
    case kDivZero: hw::divide_by_zero(); break;
    case kJumpKernel: reinterpret_cast<Fn>(hw::kKernelAddress)(); break;
    case kJumpNonCanonical: reinterpret_cast<Fn>(hw::kNonCanonical)(); break;
    case kJumpNull: reinterpret_cast<Fn>(0x10)(); break;
    case kWriteCode: *reinterpret_cast<volatile std::uint8_t*>(&quitter) = 0xC3; break;
    case kStackOverflow: recurse(1 << 20); break;
    case kBadTrap:
    case kBadResult: {   // the trap itself, with its message in the kernel / result in code
      const Message m{};
      const ReceiveDesc rcv{};
      hw::pointer_trap(c == kBadTrap ? hw::kKernelHalf : reinterpret_cast<std::uint64_t>(&m), &rcv,
                       c == kBadTrap ? 0 : reinterpret_cast<std::uint64_t>(&quitter));
      break;
    }
  }
}
#endif

// The fault: on bare metal the instruction itself, hosted the platform's raise_fault of
// the same kind. Returns only when its keeper restarts the domain; halted, it never does.
void fault(std::uint64_t c, std::uint64_t address = 0) {
#if defined(EROS_BAREMETAL)
  (void)address;
  hardware_fault(c);
#else
  user::raise_fault(fault_kind(c), 0, address);
#endif
}

// Calls its server once, then faults as param says. Not resumed by its keeper.
void faulter(std::byte*, std::uint64_t param) {
  expect(user::call(kServer, {.w = {param}}).status == Status::Ok);
  fault(param);
  expect(false);   // not reached: stopped
}

// A keeper that checks the fault it is told of and leaves the domain stopped.
void stopping_keeper(std::byte*, std::uint64_t param) {
  Result r = user::wait(server_rcv());
  for (;;) {
    expect(r.w[0] == static_cast<std::uint64_t>(fault_kind(param)));
    r = user::wait(server_rcv());   // drops the resume key: the domain stays stopped
  }
}

// A keeper that, told of a ud2, faults itself as param says: with no keeper of its own it
// halts; when its keeper is the domain it keeps (a loop), its fault stalls on that domain,
// which waits for the answer to its own. Either way both stay stopped.
void faulting_keeper(std::byte*, std::uint64_t param) {
  const Result r = user::wait(server_rcv());
  expect(r.w[0] == static_cast<std::uint64_t>(FaultKind::InvalidInstruction));
  fault(param);
  expect(false);   // not reached: stopped
}

// int3 is a trap: its keeper resumes it after the instruction, and it goes on.
void resumed_faulter(std::byte*, std::uint64_t) {
  expect(user::call(kServer, {.w = {0}}).w[0] == 1);
  fault(kInt3);
  expect(user::call(kServer, {.w = {1}}).w[0] == 2);
}
void resuming_keeper(std::byte*, std::uint64_t) {
  Result r = user::wait(server_rcv());
  for (;;) {
    expect(r.w[0] == static_cast<std::uint64_t>(FaultKind::Breakpoint));
    r = user::return_to(kCaller, {.w = {order::kRestart}}, server_rcv());   // restart it
  }
}

// Computes for ever and never invokes anything: only the timer takes the CPU from it.
void spinner(std::byte*, std::uint64_t) {
  for (;;) asm volatile("" ::: "memory");
}

// Demand paging: a first write to each of `param` fresh pages faults; its memory keeper
// has a page mapped and resumes it, and the write is done again. Then a write to the
// first page, which the page-mapping object refuses: the domain halts.
constexpr std::uint64_t kFreshBase = 0x40000000;
void demand_writer(std::byte*, std::uint64_t param) {
  for (std::uint64_t i = 0; i < param; ++i) {
    auto* p = reinterpret_cast<volatile std::uint64_t*>(kFreshBase + i * kPageBytes);
#if !defined(EROS_BAREMETAL)
    fault(kWriteCode, reinterpret_cast<std::uint64_t>(p));   // on bare metal: the write below
#endif
    *p = i + 1;
    expect(*p == i + 1);
  }
  // The first page is never mapped: the object refuses, and its answer halts the domain.
  volatile std::uint64_t null_page = 0x10;
#if defined(EROS_BAREMETAL)
  *reinterpret_cast<volatile std::uint64_t*>(null_page) = 1;
#else
  fault(kWriteCode, null_page);
#endif
  expect(false);
}

// A memory keeper: hands the fault on to the page-mapping object (a Return on it) with the
// fault key as k3, the returnee, so the object's answer goes straight to the fault key:
// mapped, the domain restarts (the write is done again); refused, it halts. The keeper is
// at once Available for the next fault.
void memory_keeper(std::byte*, std::uint64_t) {
  Result r = user::wait(server_rcv());
  for (;;) {
    expect(r.w[0] == static_cast<std::uint64_t>(FaultKind::PageFault));
    r = user::return_to(kPager, {.w = {kMapFreshPage, r.w[2] & ~std::uint64_t{kPageBytes - 1}},
                                 .k = {0, 0, 0, kCaller}},
                        server_rcv());
  }
}

// ---- benchmarks: round trips in ticks (instructions under TCG with -icount shift=0) ---

constexpr std::uint64_t kWarmup = 200;
constexpr std::uint64_t kSamples = 1000;
constexpr std::uint64_t kQuickWarmup = 50;
constexpr std::uint64_t kQuickSamples = 200;
constexpr bool quick(std::uint64_t param) { return (param & kQuickParam) != 0; }

// The timed part of a Call benchmark: `samples` round trips of a Call on register kServer
// (a start key to a server, a number key: the null system call, or the Yield key), then as
// many empty timer pairs (the measurement's own cost); out[0] = samples.
void timed_calls(std::uint64_t* out, std::uint64_t samples) {
  for (std::uint64_t i = 0; i < samples; ++i) {
    const std::uint64_t t0 = ticks();
    user::call(kServer);
    const std::uint64_t t1 = ticks();
    out[1 + i] = t1 - t0;
  }
  for (std::uint64_t i = 0; i < samples; ++i) {
    const std::uint64_t t0 = ticks();
    asm volatile("" ::: "memory");
    const std::uint64_t t1 = ticks();
    out[1 + samples + i] = t1 - t0;
  }
  out[0] = samples;
}
void bench_client(std::byte* data, std::uint64_t param) {
  for (std::uint64_t i = 0, n = quick(param) ? kQuickWarmup : kWarmup; i < n; ++i)
    user::call(kServer);
  timed_calls(reinterpret_cast<std::uint64_t*>(data), quick(param) ? kQuickSamples : kSamples);
}
// bench-number's client: as bench_client, with every warm-up answer checked (the trace is
// off, so a wrong answer would show nowhere else); a wrong one reports no samples, and the
// benchmark fails.
void bench_number_client(std::byte* data, std::uint64_t param) {
  bool right = true;
  for (std::uint64_t i = 0, n = quick(param) ? kQuickWarmup : kWarmup; i < n; ++i) {
    const Result r = user::call(kServer);
    right = right && r.status == Status::Ok && r.key_info == 0 && r.sent == 0 &&
            r.landed == 0 && r.w[0] == 1 && r.w[1] == 2 && r.w[2] == 3 && r.w[3] == 4;
  }
  auto* out = reinterpret_cast<std::uint64_t*>(data);
  timed_calls(out, quick(param) ? kQuickSamples : kSamples);
  if (!right) out[0] = 0;
}
// The other domain of bench-yield: yields as often as the client does (one more), so
// that whenever the client yields this one is ready, then ends.
void yield_partner(std::byte*, std::uint64_t param) {
  const std::uint64_t n = quick(param) ? kQuickWarmup + kQuickSamples : kWarmup + kSamples;
  for (std::uint64_t i = 0; i <= n; ++i) user::call(kServer);
}
// The first write to each of kFirstWrites fresh pages, through the memory keeper.
constexpr std::uint64_t kFirstWrites = 64;
void bench_first_write(std::byte* data, std::uint64_t) {
  auto* out = reinterpret_cast<std::uint64_t*>(data);
  for (std::uint64_t i = 0; i < kFirstWrites; ++i) {
    auto* p = reinterpret_cast<volatile std::uint64_t*>(kFreshBase + (16 + i) * kPageBytes);
    const std::uint64_t t0 = ticks();
#if defined(EROS_BAREMETAL)
    *p = 1;
#else
    fault(kWriteCode, reinterpret_cast<std::uint64_t>(p));
#endif
    const std::uint64_t t1 = ticks();
    out[1 + i] = t1 - t0;
  }
  for (std::uint64_t i = 0; i < kFirstWrites; ++i) {
    const std::uint64_t t0 = ticks();
    asm volatile("" ::: "memory");
    const std::uint64_t t1 = ticks();
    out[1 + kFirstWrites + i] = t1 - t0;
  }
  out[0] = kFirstWrites;
}
constexpr std::uint32_t kBenchPages = ((1 + 2 * kSamples) * 8 + kPageBytes - 1) / kPageBytes;

// Allocate and map 1 MB (256 pages) for a domain, two ways, each into fresh 1 MB regions:
// "sweep": the domain writes one word into each of 256 unmapped pages, each a fault told
// to its memory keeper, which hands it on to the page-mapping object (as bench-first-write,
// 256 times); "order": one Call on the page-mapping object, kMapFreshRange of 256 pages.
// One warm-up sample of each is discarded.
constexpr std::uint64_t kSweepBase = 0x50000000, kOrderBase = 0x60000000, kMiB = 0x100000;
void bench_map(std::byte* data, std::uint64_t param) {
  const std::uint64_t n = quick(param) ? 4 : 16;
  std::uint64_t errors = 0;   // the trace is off: failed checks are counted, not Called
  SeriesOut out(data);
  std::uint64_t* sweep = out.begin("sweep", kMiB);
  for (std::uint64_t s = 0; s <= n; ++s) {
    const std::uint64_t base = kSweepBase + s * kMiB;
    const std::uint64_t t0 = ticks();
    for (std::uint64_t p = 0; p < kMiB / kPageBytes; ++p) {
      auto* w = reinterpret_cast<volatile std::uint64_t*>(base + p * kPageBytes);
#if defined(EROS_BAREMETAL)
      *w = p;
#else
      fault(kWriteCode, reinterpret_cast<std::uint64_t>(w));
#endif
    }
    const std::uint64_t t1 = ticks();
    if (s > 0) sweep[s - 1] = t1 - t0;
  }
  out.end(n);
  std::uint64_t* order = out.begin("order", kMiB);
  for (std::uint64_t s = 0; s <= n; ++s) {
    const std::uint64_t t0 = ticks();
    const Result r = user::call(kPager, {.w = {kMapFreshRange, kOrderBase + s * kMiB,
                                               kMiB / kPageBytes}});
    const std::uint64_t t1 = ticks();
    errors += !(r.status == Status::Ok && r.w[0] == 0);
    if (s > 0) order[s - 1] = t1 - t0;
  }
  out.end(n);
#if defined(EROS_BAREMETAL)
  // The ordered pages are there: writing them does not fault.
  for (std::uint64_t p = 0; p < kMiB / kPageBytes; ++p)
    *reinterpret_cast<volatile std::uint64_t*>(kOrderBase + p * kPageBytes) = p;
#endif
  out.timer(64);
  out.begin("errors", 0)[0] = errors;
  out.end(1);
  out.done();
}

// The paper's experiments (Figures 3-6) at its payloads, with real address spaces: A (the
// client) Calls, for each payload n, a one-way server (takes n bytes, Returns an order
// code), an echo server (Returns the n bytes), B nested (Calls C with the n bytes, then
// Returns to A), B tail (Returns on C's start key with the bytes, passing A's resume key
// as k3: C answers A) and C directly (the 1-hop). Every domain in a space of its own.
// Series "owN", "ecN", "neN", "taN", "ohN" (N = n bytes); throughput's operation is the
// one-way Call into one buffer, so its instruction count is the "ow" series.
constexpr std::uint32_t kPaperMax = 65536;
constexpr std::uint32_t kPaperBufPages = kPaperMax / kPageBytes;
constexpr std::uint32_t kPaperSeriesPages = 8;
constexpr std::uint8_t kPaperOneway = 1, kPaperEcho = 2, kPaperNested = 4, kPaperTail = 5,
                       kPaperOnehop = 6, kPaperNext = 2;
constexpr std::uint32_t kPaperPayloads[] = {0, 16, 32, 64, 128, 256, 512, 1024, 2048,
                                            4096, 8192, 16384, 32768, 65536};

// A server of bench-paper: param 0 answers with the length it received (one-way, C), 1
// Returns the bytes (echo).
void paper_server(std::byte* data, std::uint64_t param) {
  const ReceiveDesc rcv = server_rcv(data, kPaperMax);
  const bool echo = (param & 1) != 0;
  Result r = user::wait(rcv);
  for (;;)
    r = echo ? user::return_to(kCaller, {.w = {r.landed}, .len = r.landed, .str = data}, rcv)
             : user::return_to(kCaller, {.w = {r.landed}}, rcv);
}
// B of the 2-hop: param 0 nested (Calls C, then Returns to A), 1 tail call.
void paper_hop(std::byte* data, std::uint64_t param) {
  const ReceiveDesc rcv = server_rcv(data, kPaperMax);
  const bool tail = (param & 1) != 0;
  Result r = user::wait(rcv);
  for (;;) {
    if (tail) {
      r = user::return_to(kPaperNext, {.k = {0, 0, 0, kCaller}, .len = r.landed, .str = data}, rcv);
    } else {
      const Result from_c = user::call(kPaperNext, {.len = r.landed, .str = data});
      r = user::return_to(kCaller, {.w = {from_c.w[0]}}, rcv);
    }
  }
}
void paper_name(char* out, char a, char b, std::uint32_t n) {
  char digits[10];
  int k = 0;
  do {
    digits[k++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out[0] = a;
  out[1] = b;
  int i = 2;
  while (k > 0) out[i++] = digits[--k];
  out[i] = 0;
}
void bench_paper(std::byte* data, std::uint64_t param) {
  const std::uint64_t samples = quick(param) ? 4 : 16, warmup = 2;
  std::byte* src = data + kPaperSeriesPages * kPageBytes;
  std::byte* in = src + kPaperMax;
  // A position-dependent pattern: bytes from the wrong offset do not compare equal.
  for (std::uint32_t i = 0; i < kPaperMax; ++i) src[i] = static_cast<std::byte>(i * 131 + (i >> 8) * 29 + 7);
  std::uint64_t errors = 0;   // the trace is off: failed checks are counted, not Called
  SeriesOut out(data);
  constexpr struct {
    char a, b;
    std::uint8_t key;
    bool echo;
  } kinds[] = {{'o', 'w', kPaperOneway, false}, {'e', 'c', kPaperEcho, true},
               {'n', 'e', kPaperNested, false}, {'t', 'a', kPaperTail, false},
               {'o', 'h', kPaperOnehop, false}};
  for (const std::uint32_t n : kPaperPayloads) {
    for (const auto& kind : kinds) {
      char name[16];
      paper_name(name, kind.a, kind.b, n);
      std::uint64_t* o = out.begin(name, n);
      const ReceiveDesc rcv = kind.echo ? ReceiveDesc{in, kPaperMax, {}} : ReceiveDesc{};
      for (std::uint64_t i = 0; i < warmup + samples; ++i) {
        const std::uint64_t t0 = ticks();
        const Result r = user::call(kind.key, {.len = n, .str = src}, rcv);
        const std::uint64_t t1 = ticks();
        errors += !(r.status == Status::Ok && r.w[0] == n && r.landed == (kind.echo ? n : 0));
        if (i >= warmup) o[i - warmup] = t1 - t0;
      }
      out.end(samples);
    }
    // Untimed: the echo of every byte, into a buffer holding the complement of what is sent
    // (so a byte not delivered cannot pass).
    for (std::uint32_t i = 0; i < n; ++i) in[i] = ~src[i];
    const Result r = user::call(kPaperEcho, {.len = n, .str = src}, ReceiveDesc{in, kPaperMax, {}});
    bool same = r.status == Status::Ok && r.landed == n;
    for (std::uint32_t i = 0; i < n; ++i) same = same && in[i] == src[i];
    errors += !same;
  }
  out.timer(64);
  out.begin("errors", 0)[0] = errors;
  out.end(1);
  out.done();
}

// ---- set-ups -------------------------------------------------------------------------

constexpr DomainSpec pingpong_intra_d[] = {{null_server, 0, 0, 0}, {pingpong_client, 0, 0, 3}};
constexpr KeySpec pingpong_intra_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec pingpong_inter_d[] = {{null_server, 1, 0, 0}, {pingpong_client, 2, 0, 3}};
constexpr KeySpec pingpong_inter_k[] = {{2, kServer, KeyKind::Start, 1, 5, {}}};

constexpr DomainSpec echo_d[] = {{echo_server, 1, 1, 0}, {echo_client, 2, 4, 3000}};
constexpr KeySpec echo_k[] = {{2, kServer, KeyKind::Start, 1, 9, {}}};

// As examples/figure1.cpp: ATM, IP, TCP, each in a space of its own.
constexpr DomainSpec figure1_tail_d[] = {{atm, 1, 2, 0}, {ip, 2, 2, 1}, {tcp, 3, 1, 2}};
constexpr DomainSpec figure1_nested_d[] = {{atm, 1, 2, 0}, {ip, 2, 2, 0}, {tcp, 3, 1, 2}};
constexpr KeySpec figure1_k[] = {{3, kServer, KeyKind::Start, 2, 6, {}},
                                 {2, kNext, KeyKind::Start, 1, 1, {}}};

constexpr DomainSpec number_d[] = {{number_client, 1, 0, 3}};
constexpr KeySpec number_k[] = {{1, kServer, KeyKind::Number, 0, 0, {7, 8, 9, 10}}};

constexpr DomainSpec send_stall_d[] = {{null_server, 0, 0, 0}, {send_then_call, 0, 0, 0}};
constexpr KeySpec send_stall_k[] = {{2, kServer, KeyKind::Start, 1, 3, {}}};

constexpr DomainSpec hostile_d[] = {{null_server, 1, 0, 0}, {hostile_args, 2, 1, 0}};
constexpr KeySpec hostile_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec send_fork_d[] = {{send_reply_server, 1, 0, 0}, {pingpong_client, 2, 0, 2}};
constexpr KeySpec send_fork_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec control_d[] = {{badge_server, 1, 0, 0}, {control_client, 2, 0, 0},
                                    {object_returner, 2, 0, 0}, {object_returner, 2, 0, 1},
                                    {object_returner, 2, 0, 2}};
constexpr KeySpec control_k[] = {{2, kServer, KeyKind::Start, 1, 1, {}},
                                 {2, kControl, KeyKind::DomainControl, 1, 0, {}},
                                 {2, kNumber, KeyKind::Number, 0, 0, {3, 0, 0, 0}},
                                 {3, kNumber, KeyKind::Number, 0, 0, {4, 0, 0, 0}},
                                 {4, kControl, KeyKind::DomainControl, 1, 0, {}},
                                 {5, kControl, KeyKind::DomainControl, 1, 0, {}}};

constexpr DomainSpec coroutine_d[] = {{coroutine_b, 1, 0, 0}, {coroutine_a, 2, 0, 0}};
constexpr KeySpec coroutine_k[] = {{2, kServer, KeyKind::Start, 1, 2, {}}};

// IP is Available first, TCP calls it, IP tail-calls ATM, which has not run yet (busy):
// IP stalls until ATM waits, then the tail call goes through and ATM answers TCP.
constexpr DomainSpec tail_busy_d[] = {{ip, 2, 2, 1}, {tcp, 3, 1, 1}, {atm, 1, 2, 0}};
constexpr KeySpec tail_busy_k[] = {{2, kServer, KeyKind::Start, 1, 6, {}},
                                   {1, kNext, KeyKind::Start, 3, 1, {}}};

constexpr DomainSpec stall_fifo_d[] = {{pingpong_client, 1, 0, 2}, {pingpong_client, 2, 0, 1},
                                       {pingpong_client, 3, 0, 1}, {null_server, 4, 0, 0}};
constexpr KeySpec stall_fifo_k[] = {{1, kServer, KeyKind::Start, 4, 1, {}},
                                    {2, kServer, KeyKind::Start, 4, 2, {}},
                                    {3, kServer, KeyKind::Start, 4, 3, {}}};

constexpr DomainSpec rescind_d[] = {{void_client, 1, 0, 0}, {void_client, 1, 0, 0},
                                    {rescinder, 2, 0, 0}, {badge_server, 3, 0, 0}};
constexpr KeySpec rescind_k[] = {{1, kServer, KeyKind::Start, 4, 1, {}},
                                 {2, kServer, KeyKind::Start, 4, 2, {}},
                                 {3, kControl, KeyKind::DomainControl, 4, 0, {}}};

constexpr DomainSpec truncate_d[] = {{echo_server, 1, 1, 100}, {truncate_client, 2, 17, 0}};
constexpr KeySpec truncate_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec buffers_d[] = {{ro_server, 1, 2, 0, 1}, {hostile_buffers, 2, 2, 0, 1}};
constexpr KeySpec buffers_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec return_errors_d[] = {{bad_returner, 1, 1, 0}, {return_error_client, 2, 0, 0},
                                          {pingpong_client, 3, 0, 1}};
constexpr KeySpec return_errors_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                                       {3, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec bad_registers_d[] = {{null_server, 1, 0, 0}, {bad_registers, 2, 0, 0}};
constexpr KeySpec bad_registers_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};

constexpr DomainSpec pass_on_d[] = {{dest_fault_client, 1, 1, 0}, {pingpong_client, 2, 0, 1},
                                    {ro_server, 3, 2, 0, 1}};
constexpr KeySpec pass_on_k[] = {{1, kServer, KeyKind::Start, 3, 0, {}},
                                 {2, kServer, KeyKind::Start, 3, 0, {}}};

constexpr DomainSpec halt_d[] = {{void_client, 1, 0, 0}, {void_client, 1, 0, 0},
                                 {quitter, 2, 0, 0}, {void_sender, 1, 0, 0}};
constexpr KeySpec halt_k[] = {{1, kServer, KeyKind::Start, 3, 0, {}},
                              {2, kServer, KeyKind::Start, 3, 0, {}},
                              {4, kServer, KeyKind::Start, 3, 0, {}}};

// Kernel objects: d1 the handing server (its number key), d2 the client (its own number,
// a domain-control key of the server, the Yield key).
constexpr DomainSpec objects_d[] = {{handing_server, 1, 0, 0}, {object_client, 2, 0, 0}};
constexpr KeySpec objects_k[] = {{1, kNumber, KeyKind::Number, 0, 0, {7, 8, 9, 10}},
                                 {2, kServer, KeyKind::Start, 1, 0, {}},
                                 {2, kNumber, KeyKind::Number, 0, 0, {1, 2, 3, 4}},
                                 {2, kControl, KeyKind::DomainControl, 1, 0, {}},
                                 {2, kYieldKey, KeyKind::Yield, 0, 0, {}}};

constexpr DomainSpec keys_d[] = {{key_server, 1, 0, 0}, {key_client, 2, 0, 0}};
constexpr KeySpec keys_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                              {2, kNumber, KeyKind::Number, 0, 0, {3, 0, 0, 0}}};

// Vector state: the server (its own space), a client in space 2 and one in space 3, and a
// snooper in each client's space; the snoopers run while the others' values are live in
// the registers.
constexpr DomainSpec vector_d[] = {{vector_server, 1, 1, 0}, {vector_client, 2, 1, 3},
                                   {vector_snooper, 2, 0, 0}, {vector_snooper, 3, 0, 0},
                                   {vector_client, 3, 1, 2}};
constexpr KeySpec vector_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                                {3, kServer, KeyKind::Start, 1, 0, {}},
                                {4, kServer, KeyKind::Start, 1, 0, {}},
                                {5, kServer, KeyKind::Start, 1, 0, {}}};

// The same with the full YMM registers (AVX, where present).
constexpr DomainSpec avx_d[] = {{avx_server, 1, 1, 0}, {avx_client, 2, 1, 3},
                                {avx_snooper, 2, 0, 0}, {avx_snooper, 3, 0, 0},
                                {avx_client, 3, 1, 2}};

// Fault scenarios: d1 a server, d2 the faulter, d3 a client in a third space that goes on
// afterwards, d4 (with a keeper) the faulter's keeper.
#define FAULT_NO_KEEPER(id, c)                                                              \
  constexpr DomainSpec id##_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, c},              \
                                   {pingpong_client, 3, 0, 2}};                             \
  constexpr KeySpec id##_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},                   \
                                {3, kServer, KeyKind::Start, 1, 0, {}}};
#define FAULT_KEEPER(id, c)                                                                 \
  constexpr DomainSpec id##_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, c},              \
                                   {pingpong_client, 3, 0, 2}, {stopping_keeper, 4, 0, c}}; \
  constexpr KeySpec id##_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},                   \
                                {3, kServer, KeyKind::Start, 1, 0, {}},                   \
                                {2, kKeeperSlot, KeyKind::Start, 4, 9, {}}};
FAULT_NO_KEEPER(f_cli, kCli)
FAULT_KEEPER(f_hlt, kHlt)
FAULT_KEEPER(f_in, kIn)
FAULT_NO_KEEPER(f_out, kOut)
FAULT_KEEPER(f_cr3, kMovCr3)
FAULT_NO_KEEPER(f_ud2, kUd2)
FAULT_KEEPER(f_int3, kInt3)
FAULT_NO_KEEPER(f_div, kDivZero)
FAULT_NO_KEEPER(f_jk, kJumpKernel)
FAULT_KEEPER(f_jnc, kJumpNonCanonical)
FAULT_KEEPER(f_jnull, kJumpNull)
FAULT_KEEPER(f_wcode, kWriteCode)
FAULT_KEEPER(f_stack, kStackOverflow)
FAULT_NO_KEEPER(f_trap, kBadTrap)
FAULT_KEEPER(f_result, kBadResult)

constexpr DomainSpec keeper_resume_d[] = {{null_server, 1, 0, 0}, {resuming_keeper, 2, 0, 0},
                                          {resumed_faulter, 3, 0, 0}};
constexpr KeySpec keeper_resume_k[] = {{3, kServer, KeyKind::Start, 1, 0, {}},
                                       {3, kKeeperSlot, KeyKind::Start, 2, 4, {}}};

// A keeper that faults (int3) with no keeper of its own: it halts, and d2, whose fault it
// was told of, stays stopped; d4 still gets through.
constexpr DomainSpec keeper_faults_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, kUd2},
                                          {faulting_keeper, 3, 0, kInt3},
                                          {pingpong_client, 4, 0, 2}};
constexpr KeySpec keeper_faults_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                                       {4, kServer, KeyKind::Start, 1, 0, {}},
                                       {2, kKeeperSlot, KeyKind::Start, 3, 7, {}}};
// A keeper chain that loops back: d2's keeper is d3 and d3's is d2. d2's ud2 is told to
// d3, whose own ud2 is then told to d2, which is Waiting for d3's answer: d3 stalls on d2
// and neither runs again; d4 still gets through.
constexpr DomainSpec keeper_loop_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, kUd2},
                                        {faulting_keeper, 3, 0, kUd2},
                                        {pingpong_client, 4, 0, 2}};
constexpr KeySpec keeper_loop_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                                     {4, kServer, KeyKind::Start, 1, 0, {}},
                                     {2, kKeeperSlot, KeyKind::Start, 3, 7, {}},
                                     {3, kKeeperSlot, KeyKind::Start, 2, 8, {}}};

// A kernel object as keeper (the Yield key: it would answer Ok, w0 = 0, at once and the
// ud2 repeat for ever): the kernel halts d2 instead; d3 still gets through.
constexpr DomainSpec yield_keeper_d[] = {{null_server, 1, 0, 0}, {faulter, 2, 0, kUd2},
                                         {pingpong_client, 3, 0, 2}};
constexpr KeySpec yield_keeper_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}},
                                      {3, kServer, KeyKind::Start, 1, 0, {}},
                                      {2, kKeeperSlot, KeyKind::Yield, 0, 0, {}}};

// Time slices: two endless loops and a client and server that still get through.
constexpr DomainSpec endless_d[] = {{spinner, 1, 0, 0}, {null_server, 2, 0, 0},
                                    {pingpong_client, 3, 0, 3}, {spinner, 4, 0, 0}};
constexpr KeySpec endless_k[] = {{3, kServer, KeyKind::Start, 2, 0, {}}};

// Demand paging: d1 writes to 3 fresh pages, d2 its memory keeper, holding a page-mapping
// key for d1's space.
constexpr DomainSpec demand_d[] = {{demand_writer, 1, 0, 3}, {memory_keeper, 2, 0, 0}};
constexpr KeySpec demand_k[] = {{1, kKeeperSlot, KeyKind::Start, 2, 0, {}},
                                {2, kPager, KeyKind::PageMap, 1, 0, {}}};

constexpr DomainSpec bench_intra_d[] = {{null_server, 0, 0, 0}, {bench_client, 0, kBenchPages, 0}};
constexpr DomainSpec bench_inter_d[] = {{null_server, 1, 0, 0}, {bench_client, 2, kBenchPages, 0}};
constexpr KeySpec bench_k[] = {{2, kServer, KeyKind::Start, 1, 0, {}}};
constexpr DomainSpec bench_number_d[] = {{bench_number_client, 1, kBenchPages, 0}};
constexpr DomainSpec bench_first_write_d[] = {
    {bench_first_write, 1, kBenchPages, 0}, {memory_keeper, 2, 0, 0}};
constexpr KeySpec bench_first_write_k[] = {{1, kKeeperSlot, KeyKind::Start, 2, 0, {}},
                                           {2, kPager, KeyKind::PageMap, 1, 0, {}}};
constexpr KeySpec bench_number_k[] = {{1, kServer, KeyKind::Number, 0, 0, {1, 2, 3, 4}}};
// Yield: the client and the other domain, each in a space of its own, each holding the
// Yield key in register 1.
constexpr DomainSpec bench_yield_d[] = {{bench_client, 1, kBenchPages, 0}, {yield_partner, 2, 0, 0}};
constexpr KeySpec bench_yield_k[] = {{1, kServer, KeyKind::Yield, 0, 0, {}},
                                     {2, kServer, KeyKind::Yield, 0, 0, {}}};
constexpr DomainSpec bench_map_d[] = {
    {bench_map, 1, 1, 0}, {memory_keeper, 2, 0, 0}};
constexpr KeySpec bench_map_k[] = {{1, kKeeperSlot, KeyKind::Start, 2, 0, {}},
                                   {2, kPager, KeyKind::PageMap, 1, 0, {}},
                                   {1, kPager, KeyKind::PageMap, 1, 0, {}}};
constexpr DomainSpec bench_stream_d[] = {{bench_stream, 1, kStreamPages, 0}};
constexpr DomainSpec bench_paper_d[] = {
    {bench_paper, 1, kPaperSeriesPages + 2 * kPaperBufPages, 0}, {paper_server, 2, kPaperBufPages, 0},
    {paper_server, 3, kPaperBufPages, 1}, {paper_hop, 4, kPaperBufPages, 0},
    {paper_hop, 5, kPaperBufPages, 1}, {paper_server, 6, kPaperBufPages, 0}};
constexpr KeySpec bench_paper_k[] = {{1, kPaperOneway, KeyKind::Start, 2, 0, {}},
                                     {1, kPaperEcho, KeyKind::Start, 3, 0, {}},
                                     {1, kPaperNested, KeyKind::Start, 4, 0, {}},
                                     {1, kPaperTail, KeyKind::Start, 5, 0, {}},
                                     {1, kPaperOnehop, KeyKind::Start, 6, 0, {}},
                                     {4, kPaperNext, KeyKind::Start, 6, 0, {}},
                                     {5, kPaperNext, KeyKind::Start, 6, 0, {}}};
constexpr KeySpec bench_stream_k[] = {{1, kStreamNumber, KeyKind::Number, 0, 0, {}}};

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
    scenario("send-fork", 3, send_fork_d, send_fork_k,
             "Send on a resume key: the reply, the server runs on; the key is then consumed"),
    scenario("domain-control", 3, control_d, control_k,
             "MakeStart, UnknownOrder, Send and Return on kernel objects, Rescind, number keys"),
    scenario("coroutine", 3, coroutine_d, coroutine_k,
             "coroutine calls on resume keys both ways, then a plain reply"),
    scenario("tail-call-busy", 4, tail_busy_d, tail_busy_k,
             "a tail call to a busy domain stalls, restarts and goes through"),
    scenario("stall-fifo", 5, stall_fifo_d, stall_fifo_k,
             "three callers stall on a busy server and restart in FIFO order"),
    scenario("rescind-stallers", 4, rescind_d, rescind_k,
             "rescind restarts every staller, which finds its key void; a new key works"),
    scenario("truncate", 3, truncate_d, truncate_k,
             "0..65,536 bytes to a 100-byte limit, 64 back; limit 0; limit clamped"),
    scenario("hostile-buffers", 3, buffers_d, buffers_k,
             "read-only, unmapped, kernel, non-canonical and code receive buffers: DestFault"),
    scenario("return-errors", 4, return_errors_d, return_errors_k,
             "Return with SourceFault, StringTooLong, BadRegister: the caller is told"),
    scenario("bad-registers", 3, bad_registers_d, bad_registers_k,
             "BadRegister in every position of Call and Send"),
    scenario("restart-pass-on", 4, pass_on_d, pass_on_k,
             "a restarted staller whose retry fails (DestFault) passes the restart on"),
    scenario("halt-stallers", 3, halt_d, halt_k,
             "a domain halts: its stallers restart and find their keys void"),
    scenario("kernel-objects", 3, objects_d, objects_k,
             "KT on every kernel object and on void, unknown orders, and a server that hands "
             "each call on to a number key (the returnee: it answers the client)"),
    scenario("key-passing", 3, keys_d, keys_k,
             "k0..k2 to r0..r2 and a resume key in r3 on Call; all four on Return"),
    scenario("vector-state", 4, vector_d, vector_k,
             "XMM0-15 and MXCSR kept per domain: no domain sees another's"),
    scenario("vector-avx", 4, avx_d, vector_k,
             "YMM0-15 kept per domain where the CPU has AVX: no domain sees another's"),
    scenario("fault-cli", 4, f_cli_d, f_cli_k, "cli in ring 3: #GP, no keeper: halted"),
    scenario("fault-hlt", 5, f_hlt_d, f_hlt_k, "hlt in ring 3: #GP to its keeper"),
    scenario("fault-in", 5, f_in_d, f_in_k, "in from a port: #GP to its keeper"),
    scenario("fault-out", 4, f_out_d, f_out_k, "out to a port: #GP, no keeper: halted"),
    scenario("fault-mov-cr3", 5, f_cr3_d, f_cr3_k, "mov to cr3: #GP to its keeper"),
    scenario("fault-ud2", 4, f_ud2_d, f_ud2_k, "ud2: #UD, no keeper: halted"),
    scenario("fault-int3", 5, f_int3_d, f_int3_k, "int3: #BP to its keeper"),
    scenario("fault-divide", 4, f_div_d, f_div_k, "divide by zero: #DE, no keeper: halted"),
    scenario("fault-jump-kernel", 4, f_jk_d, f_jk_k,
             "a jump into the kernel: #PF, no keeper: halted"),
    scenario("fault-jump-noncanonical", 5, f_jnc_d, f_jnc_k,
             "a jump to a non-canonical address: #GP to its keeper"),
    scenario("fault-jump-null", 5, f_jnull_d, f_jnull_k,
             "a jump to an unmapped address: #PF to its keeper"),
    scenario("fault-write-code", 5, f_wcode_d, f_wcode_k,
             "a write to its read-only code: #PF to its keeper"),
    scenario("fault-stack-overflow", 5, f_stack_d, f_stack_k,
             "recursion into the guard page: #PF to its keeper"),
    scenario("fault-bad-trap", 4, f_trap_d, f_trap_k,
             "a trap with its message in the kernel: refused, no keeper: halted"),
    scenario("fault-bad-result", 5, f_result_d, f_result_k,
             "a trap with its result in read-only code: refused, told to its keeper"),
    scenario("keeper-resume", 4, keeper_resume_d, keeper_resume_k,
             "int3 told to its keeper, which resumes the domain: it goes on"),
    scenario("keeper-faults", 5, keeper_faults_d, keeper_faults_k,
             "a keeper faults with no keeper of its own: it halts, the domain stays stopped"),
    scenario("keeper-loop", 5, keeper_loop_d, keeper_loop_k,
             "keepers that keep each other: the second fault stalls, both stay stopped"),
    scenario("demand-paging", 3, demand_d, demand_k,
             "first writes to 3 fresh pages: fault, keeper, page-mapping object, resume; "
             "a write to page 0: refused, halted"),
    scenario("fault-yield-keeper", 4, yield_keeper_d, yield_keeper_k,
             "ud2 with the Yield key as keeper: a kernel object would answer at once, so halted"),
    {"endless-loop", 5, endless_d, 4, endless_k, 1, false, 0,
     "two domains loop for ever: the timer preempts them, a client and server still finish",
     /*hardware_only=*/true},
    scenario("bench-intra", 1, bench_intra_d, bench_k, "Call+Return round trip, one space",
             true, 2),
    scenario("bench-inter", 3, bench_inter_d, bench_k, "Call+Return round trip, two spaces",
             true, 2),
    scenario("bench-number", 2, bench_number_d, bench_number_k,
             "Call on a number key (null system call)", true, 1),
    scenario("bench-first-write", 3, bench_first_write_d, bench_first_write_k,
             "first write to a fresh page: fault, keeper, map, resume", true, 1),
    scenario("bench-yield", 3, bench_yield_d, bench_yield_k,
             "Yield with one other domain ready (two spaces): a round trip is two yields",
             true, 1),
    scenario("bench-map-1mb", 3, bench_map_d, bench_map_k,
             "allocate and map 1 MB: 256 first writes through the memory keeper (sweep); "
             "one kMapFreshRange order of 256 pages (order)", true, 1),
    scenario("bench-stream", 2, bench_stream_d, bench_stream_k,
             "STREAM copy/scale/add/triad (McCalpin) in a ring-3 domain", true, 1),
    scenario("bench-paper", 7, bench_paper_d, bench_paper_k,
             "the paper's one-way, echo, 2-hop nested / tail / 1-hop at its payloads, "
             "every domain in a space of its own", true, 1),
};

}  // namespace

const Registry registry{list, sizeof(list) / sizeof(list[0])};

}  // namespace eros::scenarios
