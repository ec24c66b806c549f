// A kernel object added by a test, the way docs/kernel-objects.md says: this file and one
// row (adder.def). Order 1 answers w1 + w2 in w1.
#include "core/kernel.hpp"

namespace eros::objects::Adder {

inline constexpr std::uint64_t kAdd = 1;

bool valid(const Kernel&, const Key&) { return true; }

Key make(Kernel&, std::uint32_t, const std::uint64_t (&)[4]) {
  return Key{KeyKind::Adder, 0, 0, 0, 0};
}

Status invoke(Kernel&, ObjectCall& c) {
  if (c.m.w[0] != kAdd) return Status::UnknownOrder;
  c.answer.w[1] = c.m.w[1] + c.m.w[2];
  return Status::Ok;
}

}  // namespace eros::objects::Adder
