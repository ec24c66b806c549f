// Simulated address spaces: 4 KB pages with present/readable/writable bits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace eros::sim {

enum Perm : std::uint8_t {
  kNone = 0,
  kRead = 1,
  kWrite = 2,
  kReadWrite = kRead | kWrite,
};

inline constexpr std::size_t kPageSize = 4096;
inline constexpr int kPageShift = 12;
// A space covers 48-bit addresses: [0, kSpaceTop).
inline constexpr std::uintptr_t kSpaceTop = std::uintptr_t{1} << 48;

// A domain's view of host memory. Domain code runs in the host's address space, so a
// simulated address is the host address itself; the space says which pages the domain
// may read and write. It is a four-level radix tree of 512-entry nodes over 48-bit
// addresses, walked on every probe as a page table is.
class Space {
 public:
  Space();
  ~Space();
  Space(const Space&) = delete;
  Space& operator=(const Space&) = delete;

  // Give the pages covering [addr, addr+bytes) the permission `perm` (kNone unmaps).
  // addr is page-aligned, the range lies below kSpaceTop and perm is kNone..kReadWrite;
  // anything else aborts with a message (sim/usage.hpp).
  void map(const void* addr, std::size_t bytes, Perm perm);
  void unmap(const void* addr, std::size_t bytes);

  // Does every page of [addr, addr+n) have all of `need`? n > 0.
  bool allows(const void* addr, std::size_t n, Perm need) const noexcept {
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    std::uintptr_t last = a + n - 1;
    if (last < a || last >= kSpaceTop) return false;   // wraps, or not a user address
    std::uintptr_t page = a >> kPageShift;
    const std::uintptr_t end = last >> kPageShift;
    for (;;) {
      const Leaf* leaf = find_leaf(page);
      if (leaf == nullptr) return false;
      // Pages in the same leaf need no further walk.
      do {
        if ((leaf->perm[page & 511] & need) != need) return false;
        if (page == end) return true;
        ++page;
      } while ((page & 511) != 0);
    }
  }

  std::size_t mapped_pages() const { return mapped_pages_; }

 private:
  struct Leaf {
    std::uint8_t perm[512] = {};
  };
  struct Node {
    void* child[512] = {};
  };

  const Leaf* find_leaf(std::uintptr_t page) const noexcept {
    const Node* n = &root_;
    for (int shift = 27; shift >= 9; shift -= 9) {
      const void* c = n->child[(page >> shift) & 511];
      if (c == nullptr) return nullptr;
      if (shift == 9) return static_cast<const Leaf*>(c);
      n = static_cast<const Node*>(c);
    }
    return nullptr;
  }
  Leaf* leaf_for(std::uintptr_t page);
  void set(std::uintptr_t a, std::size_t bytes, Perm perm);

  Node root_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Leaf>> leaves_;
  std::size_t mapped_pages_ = 0;
};

}  // namespace eros::sim
