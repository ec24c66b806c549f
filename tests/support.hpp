// Helpers shared by the kernel tests: receive descriptors, messages, snapshots.
#pragma once
#include <cstring>
#include <vector>

#include "eros/user.hpp"
#include "sim/system.hpp"

namespace eros::test {

// Receive descriptor taking the four keys into registers r0..r3 and a buffer.
inline ReceiveDesc rcv(std::uint8_t r0, std::uint8_t r1, std::uint8_t r2, std::uint8_t r3,
                       void* buf = nullptr, std::uint32_t limit = 0) {
  return ReceiveDesc{buf, limit, {r0, r1, r2, r3}};
}
// The usual server descriptor: the caller's resume key in r3.
inline ReceiveDesc rcv_resume(void* buf = nullptr, std::uint32_t limit = 0) {
  return rcv(0, 0, 0, 3, buf, limit);
}

// Everything a failed invocation must leave unchanged.
struct Snapshot {
  std::vector<DomainState> states;
  std::vector<KeyRegisters> regs;
  std::vector<std::uint64_t> counts;
  std::vector<std::byte> bytes;

  static Snapshot of(sim::System& sys, std::span<const std::byte> memory = {}) {
    Snapshot s;
    for (DomainId d = 1; d < sys.kernel().domain_count(); ++d) {
      s.states.push_back(sys.state(d));
      s.regs.push_back(sys.kernel().domain(d).regs);
      s.counts.push_back(sys.kernel().domain(d).call_count);
      s.counts.push_back(sys.kernel().domain(d).alloc_version);
    }
    s.bytes.assign(memory.begin(), memory.end());
    return s;
  }
  bool operator==(const Snapshot& o) const {
    if (states != o.states || counts != o.counts || bytes != o.bytes) return false;
    for (std::size_t i = 0; i < regs.size(); ++i)
      for (int r = 0; r < kRegisterCount; ++r)
        if (!(regs[i].slot[r] == o.regs[i].slot[r])) return false;
    return true;
  }
};

// A server loop: wait, then answer every call with `answer(result)` as w0, forever.
template <class F>
void serve(F answer) {
  Result r = user::wait(rcv_resume());
  for (;;) r = user::return_to(3, {.w = {answer(r)}}, rcv_resume());
}

}  // namespace eros::test
