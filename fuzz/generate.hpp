// Random programs, from a seed (campaigns) or from a fuzzer's bytes (libFuzzer).
#pragma once
#include <cstddef>
#include <cstdint>

#include "fuzz/program.hpp"

namespace eros::fuzz {

// Where the generator's choices come from.
class Entropy {
 public:
  virtual ~Entropy() = default;
  // `bytes` random bytes as a number (1..8).
  virtual std::uint64_t take(int bytes) = 0;
  // Uniform-ish in [0, n); 0 when n == 0.
  std::uint32_t below(std::uint32_t n) {
    if (n <= 1) return 0;
    int bytes = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
    return static_cast<std::uint32_t>(take(bytes) % n);
  }
  bool percent(unsigned p) { return below(100) < p; }
  std::uint64_t u64() { return take(8); }
};

// splitmix64: fixed seeds give fixed programs on every machine.
class SeedEntropy final : public Entropy {
 public:
  explicit SeedEntropy(std::uint64_t seed) : state_(seed) {}
  std::uint64_t take(int bytes) override {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return bytes >= 8 ? z : z & ((std::uint64_t{1} << (8 * bytes)) - 1);
  }

 private:
  std::uint64_t state_;
};

// A fuzzer's input, read front to back; zeros once it runs out (so every input is a
// program, and a short input is a short program).
class ByteEntropy final : public Entropy {
 public:
  ByteEntropy(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint64_t take(int bytes) override {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | (pos_ < size_ ? data_[pos_++] : 0);
    return v;
  }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct Limits {
  std::uint32_t max_domains = 6;
  std::uint32_t max_steps = 24;     // per domain
  std::uint32_t max_pages = 24;     // arena pages, guards included
  std::uint32_t max_spaces = 3;
  std::uint32_t max_phases = 3;
};

Program generate(Entropy& e, const Limits& limits = {});

}  // namespace eros::fuzz
