// The paper's Figure 1: a TCP -> IP -> ATM protocol stack, with the tail call.
//
// TCP calls IP with a segment. IP adds its header and, instead of calling ATM and
// relaying the answer back, Returns on ATM's start key passing TCP's resume key along in
// k3. ATM sends the packet and Returns straight to TCP: the return path skips IP.
// The same stack is run nested (IP Calls ATM and then Returns to TCP) for comparison.
//
//   figure1 [--trace FILE.json]   prints both traces; writes the tail-call one as JSON
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "eros/user.hpp"
#include "sim/system.hpp"

using namespace eros;

namespace {

constexpr std::uint8_t kNext = 2;      // IP's key to ATM
constexpr std::uint8_t kCaller = 3;    // where each server receives its caller's resume key
constexpr std::uint32_t kIpHeader = 20;
constexpr std::uint64_t kSent = 1;     // ATM's answer: the packet went out

struct Buffers {
  std::span<std::byte> tcp, ip, atm;
};

void tcp(const Buffers& b, int segments) {
  for (int i = 0; i < segments; ++i) {
    std::memset(b.tcp.data(), 'a' + i, 512);
    Result r = user::call(1, {.w = {static_cast<std::uint64_t>(i)}, .len = 512, .str = b.tcp.data()});
    std::printf("  TCP: segment %d -> %s, answer %llu from badge %u\n", i, name(r.status),
                static_cast<unsigned long long>(r.w[0]), r.key_info);
  }
}

void ip(const Buffers& b, bool tail_call) {
  ReceiveDesc rcv{b.ip.data() + kIpHeader, 4096, {0, 0, 0, kCaller}};
  Result r = user::wait(rcv);
  for (;;) {
    std::memset(b.ip.data(), 0x45, kIpHeader);   // the IP header in front of the segment
    Message packet{.w = {r.w[0]}, .k = {0, 0, 0, kCaller}, .len = r.landed + kIpHeader,
                   .str = b.ip.data()};
    if (tail_call) {
      // Hand TCP's resume key to ATM: ATM answers TCP directly.
      r = user::return_to(kNext, packet, rcv);
    } else {
      Result answer = user::call(kNext, packet, ReceiveDesc{});
      r = user::return_to(kCaller, {.w = {answer.w[0]}}, rcv);
    }
  }
}

void atm(const Buffers& b) {
  ReceiveDesc rcv{b.atm.data(), 4096, {0, 0, 0, kCaller}};
  for (Result r = user::wait(rcv);;) r = user::return_to(kCaller, {.w = {kSent}}, rcv);
}

sim::System* run(bool tail_call, int segments) {
  auto* sys = new sim::System();
  // Each module in its own address space, as separate protection domains.
  SpaceId tcp_space = sys->new_space(), ip_space = sys->new_space(), atm_space = sys->new_space();
  Buffers b{sys->alloc(tcp_space, 4096), sys->alloc(ip_space, 8192), sys->alloc(atm_space, 8192)};
  DomainId atm_d = sys->spawn([b] { atm(b); }, atm_space);
  DomainId ip_d = sys->spawn([b, tail_call] { ip(b, tail_call); }, ip_space);
  DomainId tcp_d = sys->spawn([b, segments] { tcp(b, segments); }, tcp_space);
  sys->set_key(tcp_d, 1, sys->start_key(ip_d, 6));      // badge 6: the TCP protocol number
  sys->set_key(ip_d, kNext, sys->start_key(atm_d, 1));
  sys->run();
  return sys;
}

}  // namespace

int main(int argc, char** argv) {
  const char* json_path = argc == 3 && std::strcmp(argv[1], "--trace") == 0 ? argv[2] : nullptr;
  if (argc != 1 && json_path == nullptr) {
    std::fprintf(stderr, "usage: figure1 [--trace FILE.json]\n");
    return 2;
  }
  for (bool tail_call : {true, false}) {
    std::printf("%s:\n", tail_call ? "tail call (Figure 1)" : "nested calls");
    sim::System* sys = run(tail_call, 2);
    int ipc = 0;
    for (const Event& e : sys->events()) ipc += (e.kind == EventKind::Call || e.kind == EventKind::Return) && e.key != KeyKind::Void;
    std::printf("%s  %d invocations carried the data and answers\n\n", sys->trace_text().c_str(), ipc);
    if (tail_call && json_path) {
      std::ofstream(json_path) << sys->trace_json();
      std::printf("trace written to %s (open in chrome://tracing or ui.perfetto.dev)\n\n", json_path);
    }
    delete sys;
  }
}
