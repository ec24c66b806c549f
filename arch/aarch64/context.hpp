// The kernel-stack switch (switch_stack, in platform_impl.hpp: the core's switch_to
// inlines it): one context suspends itself, its stack pointer stored in *save with where
// to resume on top, and another continues, either where it suspended itself or, prepared
// (prepare_entry), in vectors.S's exit path to EL0. Every register but sp and x29 (pushed
// with the resume address) is clobbered, so the compiler keeps around it only what the
// code after it uses. SP_EL0, ELR_EL1 and SPSR_EL1 go with the context too: the svc path
// keeps them only in the registers themselves.
#pragma once
#include <cstdint>

#include "arch/aarch64/machine.hpp"
#include "platform_impl.hpp"   // switch_stack

namespace eros::arm64 {

// A context that has never run, on a kernel stack ending at `kstack_top`: its EL0 frame
// at the top (returned, for the caller to fill), below it the resume record that makes
// switch_stack continue in eros_enter_user. `*sp` is what switch_stack takes as `next`.
inline Frame* prepare_entry(std::uint64_t kstack_top, std::uint64_t* sp) {
  auto* f = reinterpret_cast<Frame*>(kstack_top - kFrameBytes);
  *f = Frame{};
  auto* resume = reinterpret_cast<std::uint64_t*>(f) - kResumeWords;
  for (std::uint64_t i = 0; i < kResumeWords; ++i) resume[i] = 0;   // x29; EL0's state: the frame's
  resume[1] = reinterpret_cast<std::uint64_t>(&eros_enter_user);
  *sp = reinterpret_cast<std::uint64_t>(resume);
  return f;
}

}  // namespace eros::arm64
