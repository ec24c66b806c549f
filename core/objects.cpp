// The one place kernel objects are dispatched from: each row of core/objects.def.
#include "core/objects.hpp"

#include "core/kernel.hpp"

namespace eros {

bool Kernel::valid_object(const Key& key) const {
  switch (key.kind) {
#define EROS_KERNEL_OBJECT(Kind, code) \
  case KeyKind::Kind:                  \
    return objects::Kind::valid(*this, key);
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
    default:
      return false;
  }
}

Key Kernel::object_key(KeyKind kind, std::uint32_t object, const std::uint64_t (&w)[4]) {
  switch (kind) {
#define EROS_KERNEL_OBJECT(Kind, code) \
  case KeyKind::Kind:                  \
    return objects::Kind::make(*this, object, w);
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
    default:
      return Key{};
  }
}

// KT is every object's order: its key-type code in w1, nothing else happens.
Status Kernel::invoke_object(ObjectCall& c) {
  static constexpr std::uint64_t kNoWords[4] = {};
  fastpath::write_result(c.answer, 0, 0, kNoWords);
  if (c.m.w[0] == order::kKeyType) {
    switch (c.key.kind) {
#define EROS_KERNEL_OBJECT(Kind, code) \
  case KeyKind::Kind:                  \
    c.answer.w[1] = code;              \
    return Status::Ok;
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
      default:
        break;
    }
  }
  switch (c.key.kind) {
#define EROS_KERNEL_OBJECT(Kind, code) \
  case KeyKind::Kind:                  \
    return objects::Kind::invoke(*this, c);
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
    default:
      Platform::panic("invariant: only a valid kernel-object key is invoked as one");
  }
}

}  // namespace eros
