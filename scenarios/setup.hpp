// A scenario's keys, given the same way by the hosted runner and the bare-metal kernel.
#pragma once
#include "core/kernel.hpp"
#include "scenarios/scenarios.hpp"

namespace eros::scenarios {

inline Key make_key(Kernel& k, const KeySpec& ks) {
  return ks.kind == KeyKind::Start ? k.start_key(ks.target, ks.badge)
                                   : k.object_key(ks.kind, ks.target, ks.w);
}

inline void give_key(Kernel& k, const KeySpec& ks) {
  const Key key = make_key(k, ks);
  if (ks.reg == kKeeperSlot) {
    k.set_keeper(ks.domain, key);
  } else {
    k.domain(ks.domain).regs.write(ks.reg, key);
  }
}

}  // namespace eros::scenarios
