// Page-mapping object: the authority to map fresh pages into one domain's space (the
// memory keeper's tool for demand paging). The mapping itself is the platform's.
#include "core/kernel.hpp"

namespace eros::objects::PageMap {

bool valid(const Kernel& k, const Key& key) { return k.live(key.object); }

Key make(Kernel& k, std::uint32_t domain, const std::uint64_t (&)[4]) {
  return k.live(domain) ? Key{KeyKind::PageMap, 0, 0, domain, 0} : Key{};
}

// The answer's w0 is 0 when every page was mapped, 1 when one was refused, so that a
// memory keeper can hand a fault on to this object with the fault key as returnee: mapped,
// the domain restarts; refused, it halts.
Status invoke(Kernel& k, ObjectCall& c) {
  constexpr std::uint64_t kPage = 4096, kMaxRange = 4096;   // pages in one order: 16 MB
  Domain& target = k.domain(c.key.object);
  const std::uint64_t va = c.m.w[1] & ~(kPage - 1);
  switch (c.m.w[0]) {
    case order::kMapFreshPage:
      c.answer.w[0] = k.platform().map_fresh(target, va) ? 0 : 1;
      return Status::Ok;
    case order::kMapFreshRange: {
      const std::uint64_t pages = c.m.w[2] < kMaxRange ? c.m.w[2] : kMaxRange;
      std::uint64_t done = 0;
      while (done < pages && k.platform().map_fresh(target, va + done * kPage)) ++done;
      c.answer.w[0] = done == c.m.w[2] ? 0 : 1;
      c.answer.w[1] = done;
      return Status::Ok;
    }
    default:
      return Status::UnknownOrder;
  }
}

}  // namespace eros::objects::PageMap
