// The one place kernel objects are dispatched from: a table of each row's functions
// (core/objects.def), indexed by the key's kind.
#include "core/objects.hpp"

#include "core/kernel.hpp"

namespace eros {
namespace {

struct Row {
  bool (*valid)(const Kernel&, const Key&);
  Key (*make)(Kernel&, std::uint32_t, const std::uint64_t (&)[4]);
  Status (*invoke)(Kernel&, ObjectCall&);
  std::uint64_t type_code;
};

// Indexed by KeyKind: the kinds before the first object have empty rows, so that a
// dispatch indexes the table with the kind as it is.
constexpr Row kRows[] = {
    {}, {}, {}, {},   // Void, Start, Resume, Fault
#define EROS_KERNEL_OBJECT(Kind, code) \
  {&objects::Kind::valid, &objects::Kind::make, &objects::Kind::invoke, code},
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
};
static_assert(kFirstObjectKind == 4 && sizeof(kRows) / sizeof(kRows[0]) == kKeyKindCount,
              "one row per kernel-object kind, in KeyKind order, after the four empty ones");

// Callers ask is_kernel_object first.
const Row& row(KeyKind kind) { return kRows[static_cast<std::size_t>(kind)]; }

}  // namespace

bool Kernel::object_live(const Key& key) const { return row(key.kind).valid(*this, key); }

Key Kernel::object_key(KeyKind kind, std::uint32_t object, const std::uint64_t (&w)[4]) {
  return eros::is_kernel_object(kind) ? row(kind).make(*this, object, w) : Key{};
}

// KT is every object's order: its key-type code in w1, nothing else happens.
Status Kernel::invoke_object(ObjectCall& c) {
  static constexpr std::uint64_t kNoWords[4] = {};
  fastpath::write_result(c.answer, 0, 0, kNoWords);
  const Row& r = row(c.key.kind);
  if (c.m.w[0] == order::kKeyType) {
    c.answer.w[1] = r.type_code;
    return Status::Ok;
  }
  return r.invoke(*this, c);
}

}  // namespace eros
