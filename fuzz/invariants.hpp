// Kernel invariants, checked after every step of a differential run in debug builds. Reads
// the kernel only through Kernel's public accessors and Domain's public fields.
#pragma once
#include <string>

#include "core/kernel.hpp"

namespace eros::fuzz {

// "" when every invariant holds; otherwise what broke, first violation only.
// `running` is the domain on the CPU (kNoDomain from outside run()).
std::string check_invariants(const Kernel& k, DomainId running);

}  // namespace eros::fuzz
