// A scenario's set-up, written once for the hosted runner and the bare-metal kernel: its
// spaces, its domains in order (the i-th DomainSpec is domain i + 1), each with its
// parameter, then its keys. The host says how a space and a domain are made on it:
//   bool new_space(std::uint32_t index)      space `index` (0 first); false: does not fit
//   DomainId spawn(const DomainSpec&, std::uint64_t param)   with its data area (whose last
//                                            spec.ro_pages pages are read-only), in its space
//   Kernel& kernel()
#pragma once
#include "scenarios/scenarios.hpp"
#include "scenarios/setup.hpp"

namespace eros::scenarios {

// False when the scenario does not fit the host (too many spaces or domains) or names a
// space or domain it does not have; what was set up by then is left as it is.
template <class Host>
bool load(const Scenario& s, bool quick, Host& host) {
  for (std::uint32_t sp = 0; sp < s.spaces; ++sp)
    if (!host.new_space(sp)) return false;
  for (std::uint32_t i = 0; i < s.domain_count; ++i) {
    const DomainSpec& spec = s.domains[i];
    if (spec.space >= s.spaces || spec.ro_pages > spec.data_pages) return false;
    const std::uint64_t param = spec.param | (s.benchmark && quick ? kQuickParam : 0);
    if (host.spawn(spec, param) != i + 1) return false;
  }
  for (std::uint32_t k = 0; k < s.key_count; ++k) {
    const KeySpec& ks = s.keys[k];
    if (!host.kernel().exists(ks.domain) || (ks.reg >= kRegisterCount && ks.reg != kKeeperSlot))
      return false;
    give_key(host.kernel(), ks);
  }
  return true;
}

}  // namespace eros::scenarios
