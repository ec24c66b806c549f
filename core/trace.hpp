// The event trace: one fixed-size record per invocation, stall, restart and halt.
#pragma once
#include <cstddef>
#include <cstdint>

#include "capabilities/key.hpp"
#include "core/message.hpp"

namespace eros {

enum class EventKind : std::uint8_t { Call = 0, Return, Send, Stall, Restart, Halt, Fault };
constexpr const char* name(EventKind e) {
  constexpr const char* names[] = {"Call", "Return", "Send", "Stall", "Restart", "Halt", "Fault"};
  return names[static_cast<unsigned>(e)];
}
constexpr EventKind event_of(Op op) { return static_cast<EventKind>(op); }

// Why a staller was restarted (Event::op of a Restart): the domain it stalled on became
// Available, or every key it held to it was voided, by a rescind or by the domain's halt.
enum class RestartCause : std::uint8_t { Available = 0, Rescinded, Halted };
constexpr const char* name(RestartCause c) {
  constexpr const char* names[] = {"Available", "rescinded", "halted"};
  const auto i = static_cast<unsigned>(c);
  return i < 3 ? names[i] : "?";
}

// Only platform-independent fields: domain ids, never pointers or times, so one scenario
// gives the same bytes hosted and on bare metal.
struct Event {
  std::uint64_t step = 0;      // position in the whole trace, from 0
  DomainId invoker = 0;        // who invoked (the staller for Stall/Restart, the faulted domain)
  DomainId target = 0;         // the domain the key named, or the number index
  std::uint32_t sent = 0;
  std::uint32_t landed = 0;
  std::uint16_t badge = 0;
  EventKind kind = EventKind::Call;
  KeyKind key = KeyKind::Void;
  Status status = Status::Ok;
  std::uint8_t key_register = 0;
  std::uint8_t op = 0;         // Stall: the invocation (Op) that stalled; Restart: RestartCause;
                               // Fault: the FaultKind
  std::uint8_t reserved[5] = {};
};
static_assert(sizeof(Event) == 40, "trace records are written raw: their layout is fixed");
static_assert(offsetof(Event, invoker) == 8 && offsetof(Event, target) == 12 &&
                  offsetof(Event, sent) == 16 && offsetof(Event, landed) == 20 &&
                  offsetof(Event, badge) == 24 && offsetof(Event, kind) == 26 &&
                  offsetof(Event, key) == 27 && offsetof(Event, status) == 28 &&
                  offsetof(Event, key_register) == 29 && offsetof(Event, op) == 30,
              "Kernel::record writes these fields as three 8-byte words");

// A ring over caller-provided storage: the newest `capacity` events are kept.
class Trace {
 public:
  Trace() = default;
  // Uses the largest power of two ≤ capacity, so a slot is found with a mask.
  Trace(Event* storage, std::uint32_t capacity)
      : ring_(storage), capacity_(capacity == 0 ? 0 : std::uint32_t{1} << (31 - __builtin_clz(capacity))),
        mask_(capacity_ - 1) {}

  bool enabled = true;

  // The slot for the next event, its step filled in, or null when tracing is off. Callers
  // fill the fields in place: an event built elsewhere and copied in would be a wide load
  // of freshly written narrow stores, which the CPU cannot forward.
  Event* next() {
    if (!enabled || capacity_ == 0) [[unlikely]] return nullptr;
    Event* e = &ring_[total_ & mask_];
    e->step = total_++;
    __builtin_memset(&e->badge, 0, sizeof(Event) - offsetof(Event, badge));
    return e;
  }
  // The same slot without clearing its fields: the caller writes every byte after `step`.
  Event* next_unfilled() {
    if (!enabled || capacity_ == 0) [[unlikely]] return nullptr;
    Event* e = &ring_[total_ & mask_];
    e->step = total_++;
    return e;
  }
  void record(const Event& e) {
    if (Event* slot = next()) {
      std::uint64_t step = slot->step;
      *slot = e;
      slot->step = step;
    }
  }
  std::uint64_t total() const { return total_; }
  std::uint64_t first_kept() const { return total_ > capacity_ ? total_ - capacity_ : 0; }
  const Event& at(std::uint64_t step) const { return ring_[step & mask_]; }
  void clear() { total_ = 0; }

 private:
  Event* ring_ = nullptr;
  std::uint32_t capacity_ = 0;
  std::uint64_t mask_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace eros
