// A domain program built for ring 3 / EL0: proves user/ compiles freestanding per arch.
#include "eros/user.hpp"

namespace eros {

// Answers every call with its order code plus one, forever: the null server.
[[noreturn]] void freestanding_null_server() {
  Result r = user::wait(ReceiveDesc{nullptr, 0, {0, 0, 0, 3}});
  for (;;) r = user::return_to(3, Message{{r.w[0] + 1, 0, 0, 0}, {}, 0, nullptr}, ReceiveDesc{nullptr, 0, {0, 0, 0, 3}});
}

}  // namespace eros
