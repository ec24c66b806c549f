// Domain: the kernel's process object.
#pragma once
#include <cstdint>

#include "capabilities/key.hpp"
#include "core/message.hpp"

namespace eros {

enum class DomainState : std::uint8_t {
  Available = 0,  // waiting for the next call on one of its start keys
  Running,        // runnable, running, or stalled on a busy domain
  Waiting,        // blocked until its resume key is invoked
  Halted,         // its program ended: every key to it is void (added here: docs/semantics.md)
};
constexpr const char* name(DomainState s) {
  constexpr const char* names[] = {"Available", "Running", "Waiting", "Halted"};
  return names[static_cast<unsigned>(s)];
}

using SpaceId = std::uint32_t;

// How strings are written into the domain's receive buffer. A performance choice only:
// what lands is the same. `streaming` stores bypass the cache (no read of each destination
// line first), twice as fast into a buffer that is not cached, and a loss when the domain
// reads what arrived while it is still cached: a receiver that passes data on unread
// (the paper's one-way server) chooses it, the default suits one that reads it.
enum class Delivery : std::uint8_t {
  cached = 0,
  streaming = 1,
};

// A FIFO of domains linked through Domain::next; a domain is on at most one queue.
struct DomainQueue {
  DomainId head = kNoDomain;
  DomainId tail = kNoDomain;
  bool empty() const { return head == kNoDomain; }
};

// Aligned (so sized) to a power of two, so that the fast path finds a key's domain with one
// shift: at its natural 384 bytes (3 * 2^7) GCC indexes the table with lea and shl.
struct alignas(512) Domain {
  KeyRegisters regs;
  Key keeper;                // told of its faults (set by DomainControl kSetKeeper)
  Result result;             // what the kernel delivered to it last
  ReceiveDesc rcv;           // set each time it blocks
  std::uint64_t call_count = 0;      // a Resume key is valid while bound == call_count
  std::uint64_t alloc_version = 0;   // a Start key is valid while bound == alloc_version
  DomainId id = kNoDomain;
  SpaceId space = 0;
  DomainId next = kNoDomain;         // link on the ready queue or a stall queue
  DomainId stalled_on = kNoDomain;   // the domain whose stall queue holds it
  DomainId restarted_from = kNoDomain;   // restarted by this domain, retry not yet ended
  DomainQueue stallers;              // domains waiting for it to become Available
  DomainState state = DomainState::Running;
  bool ready = false;                // on the ready queue
  Delivery delivery = Delivery::cached;   // how strings land in its receive buffer
};
static_assert(sizeof(Domain) == 512, "a power of two: see Domain");

}  // namespace eros
