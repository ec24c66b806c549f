// The bare-metal kernel's command line (see cmdline.hpp).
#include "baremetal/cmdline.hpp"

namespace eros::baremetal {

const char* option(const char* line, const char* key, std::uint32_t& len) {
  for (const char* p = line; *p != 0;) {
    while (*p == ' ') ++p;
    const char* word = p;
    while (*p != 0 && *p != ' ') ++p;
    std::uint32_t k = 0;
    while (key[k] != 0 && word + k < p && word[k] == key[k]) ++k;
    if (key[k] != 0) continue;
    if (word + k == p) {
      len = 0;
      return word + k;
    }
    if (word[k] == '=') {
      len = static_cast<std::uint32_t>(p - (word + k + 1));
      return word + k + 1;
    }
  }
  return nullptr;
}

bool matches(const char* name, const char* list, std::uint32_t len) {
  for (std::uint32_t i = 0; i < len;) {
    std::uint32_t j = i;
    while (j < len && list[j] != ',') ++j;
    std::uint32_t k = 0;
    while (i + k < j && name[k] == list[i + k]) ++k;
    if (i + k == j && j > i) return true;
    i = j + 1;
  }
  return false;
}

bool selected(const char* line, const char* name) {
  std::uint32_t len = 0;
  const char* only = option(line, "only", len);
  if (only != nullptr && len != 0 && !matches(name, only, len)) return false;
  const char* skip = option(line, "skip", len);
  return skip == nullptr || len == 0 || !matches(name, skip, len);
}

}  // namespace eros::baremetal
