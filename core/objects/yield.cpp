// Yield key: the invoker goes to the tail of the ready queue once answered.
#include "core/kernel.hpp"

namespace eros::objects::Yield {

bool valid(const Kernel&, const Key&) { return true; }

Key make(Kernel&, std::uint32_t, const std::uint64_t (&)[4]) {
  return Key{KeyKind::Yield, 0, 0, 0, 0};
}

Status invoke(Kernel&, ObjectCall& c) {
  if (c.m.w[0] != order::kYield) return Status::UnknownOrder;
  c.yield = true;
  return Status::Ok;
}

}  // namespace eros::objects::Yield
