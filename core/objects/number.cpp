// Number key: answers its four words (order 0) at once: the null system call.
#include "core/kernel.hpp"

namespace eros::objects::Number {

bool valid(const Kernel& k, const Key& key) { return key.object < k.number_count(); }

Key make(Kernel& k, std::uint32_t, const std::uint64_t (&w)[4]) {
  return k.number_key(w[0], w[1], w[2], w[3]);
}

// The fast path answers order 0 itself (Kernel::call_number) with the same words.
Status invoke(Kernel& k, ObjectCall& c) {
  if (c.m.w[0] != order::kNumberValue) return Status::UnknownOrder;
  const NumberObject& n = k.number(c.key.object);
  for (int i = 0; i < 4; ++i) c.answer.w[i] = n.w[i];
  return Status::Ok;
}

}  // namespace eros::objects::Number
