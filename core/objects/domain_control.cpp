// Domain-control key: the authority over one domain (its start keys, how it receives).
#include "core/kernel.hpp"

namespace eros::objects::DomainControl {

bool valid(const Kernel& k, const Key& key) { return k.live(key.object); }

Key make(Kernel& k, std::uint32_t domain, const std::uint64_t (&)[4]) {
  return k.live(domain) ? Key{KeyKind::DomainControl, 0, 0, domain, 0} : Key{};
}

Status invoke(Kernel& k, ObjectCall& c) {
  const DomainId d = c.key.object;
  switch (c.m.w[0]) {
    case order::kMakeStart:
      if (c.keys_to != nullptr)
        c.keys_to->regs.write(c.key_into, k.start_key(d, static_cast<std::uint16_t>(c.m.w[1])));
      return Status::Ok;
    case order::kSetKeeper:
      k.domain(d).keeper = c.invoker.regs[c.m.k[0]];
      return Status::Ok;
    case order::kRescind:
      k.rescind(d);
      return Status::Ok;
    case order::kSetDelivery:
      if (c.m.w[1] > static_cast<std::uint64_t>(Delivery::streaming)) return Status::BadArgument;
      k.domain(d).delivery = static_cast<Delivery>(c.m.w[1]);
      return Status::Ok;
    default:
      return Status::UnknownOrder;
  }
}

}  // namespace eros::objects::DomainControl
