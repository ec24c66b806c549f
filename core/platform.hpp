// The seam between the kernel core and the machine, stated as a concept.
#pragma once
#include <concepts>
#include <cstdint>

#include "copy/copy.hpp"
#include "core/domain.hpp"

namespace eros {

// Everything the core asks of a machine. Each platform provides `platform_impl.hpp`
// (found by include path: sim/ hosted, arch/<arch>/ bare metal) defining `eros::Platform`.
template <class P>
concept PlatformInterface = requires(P& p, const P& cp, Domain& d, const Domain& cd,
                                     const void* src, void* dst, std::uint32_t n) {
  // Suspend `from` and run `to`; returns when some domain switches back to `from`.
  { p.switch_to(d, d) } noexcept -> std::same_as<void>;
  // Suspend `from` and return to the platform's scheduler (nothing is ready).
  { p.to_scheduler(d) } noexcept -> std::same_as<void>;
  // May the domain read (write) every byte of [addr, addr+n)? n > 0.
  { cp.readable(cd, src, n) } noexcept -> std::same_as<bool>;
  { cp.writable(cd, dst, n) } noexcept -> std::same_as<bool>;
  // Copy n bytes from one domain's space to another's after both were probed; the result
  // is as if the source were read first when the ranges overlap. The receiver (first
  // argument) says how its buffer is written (Domain::delivery).
  { p.copy(cd, dst, cd, src, n) } noexcept -> std::same_as<void>;
  // Map a fresh, zeroed, writable page at user address `va` (page-aligned) into the space
  // of `d`, unless it is page 0, not a user address, mapped already, or memory is short:
  // the page-mapping object's one machine operation.
  { p.map_fresh(d, std::uint64_t{}) } noexcept -> std::same_as<bool>;
  // The cycle counter.
  { P::cycles() } noexcept -> std::same_as<std::uint64_t>;
  // A broken kernel invariant: never returns.
  { P::panic("") } noexcept;
};

// The copy every platform uses once both ranges are probed: where the ranges overlap (one
// space, or pages shared by two), as if the source had been read first.
inline void copy_string(void* dst, const void* src, std::uint32_t n,
                        Delivery how = Delivery::cached) noexcept {
  auto d = reinterpret_cast<std::uintptr_t>(dst), s = reinterpret_cast<std::uintptr_t>(src);
  if (d - s < n || s - d < n) [[unlikely]] {
    copy::move(dst, src, n);
  } else if (how == Delivery::streaming) [[unlikely]] {
    copy::streaming(dst, src, n);
  } else {
    copy::hybrid(dst, src, n);
  }
}

}  // namespace eros
