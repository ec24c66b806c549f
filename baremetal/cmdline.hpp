// The bare-metal kernel's command line: words, `key=value` options, scenario selection.
// Machine-independent (each machine finds the line its own way: Multiboot on x86_64) and
// freestanding: no allocation, no library.
#pragma once
#include <cstdint>

namespace eros::baremetal {

// The value of `key=` in `line` (up to the next space), with its length; `key` alone (a
// flag) gives "" with length 0; absent, null.
const char* option(const char* line, const char* key, std::uint32_t& len);

// Whether `name` begins with one of the comma-separated prefixes in list[0, len) (empty
// prefixes match nothing).
bool matches(const char* name, const char* list, std::uint32_t len);

// Whether the scenario `name` runs: `only=A,B,...` keeps those whose names begin with one
// of the prefixes, `skip=A,B,...` drops them; an empty list is no list.
bool selected(const char* line, const char* name);

}  // namespace eros::baremetal
