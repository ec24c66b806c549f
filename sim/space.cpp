// Simulated address spaces: building the radix tree (the walk is inline in space.hpp).
#include "sim/space.hpp"

#include "sim/usage.hpp"

namespace eros::sim {

Space::Space() = default;
Space::~Space() = default;

Space::Leaf* Space::leaf_for(std::uintptr_t page) {
  Node* n = &root_;
  for (int shift = 27; shift > 9; shift -= 9) {
    void*& c = n->child[(page >> shift) & 511];
    if (c == nullptr) {
      nodes_.push_back(std::make_unique<Node>());
      c = nodes_.back().get();
    }
    n = static_cast<Node*>(c);
  }
  void*& c = n->child[(page >> 9) & 511];
  if (c == nullptr) {
    leaves_.push_back(std::make_unique<Leaf>());
    c = leaves_.back().get();
  }
  return static_cast<Leaf*>(c);
}

void Space::map(const void* addr, std::size_t bytes, Perm perm) {
  // Past kSpaceTop the tree's index would wrap onto low pages: refuse, never alias.
  check_page_range("sim::Space::map", addr, bytes);
  check_perm("sim::Space::map", perm);
  set(reinterpret_cast<std::uintptr_t>(addr), bytes, perm);
}

void Space::unmap(const void* addr, std::size_t bytes) {
  check_page_range("sim::Space::unmap", addr, bytes);
  set(reinterpret_cast<std::uintptr_t>(addr), bytes, kNone);
}

void Space::set(std::uintptr_t a, std::size_t bytes, Perm perm) {
  if (bytes == 0) return;
  for (std::uintptr_t page = a >> kPageShift, end = (a + bytes - 1) >> kPageShift; page <= end;
       ++page) {
    std::uint8_t& p = leaf_for(page)->perm[page & 511];
    mapped_pages_ += (p == kNone && perm != kNone) ? 1 : 0;
    mapped_pages_ -= (p != kNone && perm == kNone) ? 1 : 0;
    p = perm;
  }
}

}  // namespace eros::sim
