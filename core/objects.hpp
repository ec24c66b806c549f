// Kernel objects: what an invocation of one is given, and each row's three functions.
#pragma once
#include <cstdint>

#include "capabilities/key.hpp"
#include "core/message.hpp"

namespace eros {

class Kernel;
struct Domain;

// One invocation of a kernel object. The object reads the message, may make a key (into
// register `key_into` of `keys_to`: the invoker of a Call, the returnee of a Return or
// Send, or nobody), and writes its answer's words; it returns the answer's status.
struct ObjectCall {
  Domain& invoker;
  const Key key;             // a copy: a made key may overwrite the register it came from
  const Message& m;
  Result& answer;            // zeroed before the object acts
  Domain* keys_to;           // null: a made key is dropped
  std::uint8_t key_into;     // a receive register: 0 drops the key
  bool yield = false;        // set by the object: the invoker yields once answered
};

// Every row of core/objects.def declares, in namespace objects::<Kind>:
//   valid(k, key)   does the key still name a live object?
//   make(k, object, w)   a new key of this kind (object: a domain or 0; w: its words), or
//                        a void key when the object cannot be made
//   invoke(k, call)      perform an order (KT is answered for every row by the dispatcher)
namespace objects {
#define EROS_KERNEL_OBJECT(Kind, code)                                                    \
  namespace Kind {                                                                        \
  bool valid(const Kernel& k, const Key& key);                                            \
  Key make(Kernel& k, std::uint32_t object, const std::uint64_t (&w)[4]);                 \
  Status invoke(Kernel& k, ObjectCall& call);                                             \
  }
#include "core/objects.def"
#undef EROS_KERNEL_OBJECT
}  // namespace objects

}  // namespace eros
