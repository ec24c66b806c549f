// The program generator. Register conventions make the interesting cases common: start keys
// in r1 and r2, the caller's resume key received into r3, kernel objects in r4..r6; the
// order sent depends on what the invoked register holds (each kernel object mostly gets its
// own orders, and KT and unknown ones); a server's Return or Send on a kernel object or a
// void key mostly names its caller's resume key (r3) as k3, the returnee. Then a share of
// every field is hostile (bad registers, long strings, wild and unmapped buffers).
#include "fuzz/generate.hpp"

#include <algorithm>
#include <array>

#include "core/abi.hpp"

namespace eros::fuzz {
namespace {

std::uint8_t bad_register(Entropy& e) { return static_cast<std::uint8_t>(16 + e.below(240)); }

std::uint8_t pick_key(Entropy& e, Op op) {
  const unsigned roll = e.below(100);
  switch (op) {
    case Op::Call:   // start keys; a resume key is a coroutine call
      if (roll < 55) return static_cast<std::uint8_t>(1 + e.below(2));
      if (roll < 67) return 3;
      if (roll < 79) return static_cast<std::uint8_t>(4 + e.below(3));
      if (roll < 84) return 0;
      if (roll < 95) return static_cast<std::uint8_t>(e.below(16));
      return bad_register(e);
    case Op::Return:   // the reply; register 0 is a wait; a start key is a tail call
      if (roll < 45) return 3;
      if (roll < 60) return 0;
      if (roll < 75) return static_cast<std::uint8_t>(1 + e.below(2));
      if (roll < 85) return static_cast<std::uint8_t>(4 + e.below(3));
      if (roll < 95) return static_cast<std::uint8_t>(e.below(16));
      return bad_register(e);
    case Op::Send:
      if (roll < 45) return static_cast<std::uint8_t>(1 + e.below(2));
      if (roll < 70) return 3;
      if (roll < 85) return static_cast<std::uint8_t>(4 + e.below(3));
      if (roll < 96) return static_cast<std::uint8_t>(e.below(16));
      return bad_register(e);
  }
  return 0;
}

std::uint8_t pick_passed(Entropy& e) {
  const unsigned roll = e.below(100);
  if (roll < 68) return 0;
  if (roll < 93) return static_cast<std::uint8_t>(1 + e.below(7));
  if (roll < 98) return static_cast<std::uint8_t>(8 + e.below(8));
  return bad_register(e);
}

std::uint32_t pick_len(Entropy& e) {
  const unsigned roll = e.below(100);
  if (roll < 40) return 0;
  if (roll < 65) return 1 + e.below(64);
  if (roll < 80) return 65 + e.below(8192);
  if (roll < 90) return 1 + e.below(65536);
  if (roll < 94) return 65536;
  if (roll < 97) return 65537 + e.below(64);
  if (roll < 99) return 0xffffffffu;
  return static_cast<std::uint32_t>(e.take(4));
}

std::uint32_t pick_limit(Entropy& e) {
  const unsigned roll = e.below(100);
  if (roll < 25) return 0;
  if (roll < 50) return 1 + e.below(128);
  if (roll < 70) return 129 + e.below(8192);
  if (roll < 85) return 65536;
  if (roll < 95) return 65537 + e.below(1u << 30);
  return 0xffffffffu;
}

// What a register holds after the first setup phase, as far as the generator knows: the
// order a step sends depends on it, so that each kernel object mostly gets its own orders.
enum class Holds : std::uint8_t { Void, Start, Number, DomainControl, Yield, Other };
using Kinds = std::array<Holds, 16>;

bool is_object(Holds h) {
  return h == Holds::Number || h == Holds::DomainControl || h == Holds::Yield;
}

// An order no kernel object defines: small codes next to the defined ones, KT's neighbours,
// and large random words. `theirs` is a code another kind of object defines.
std::uint64_t unknown_order(Entropy& e, std::uint64_t theirs) {
  const unsigned roll = e.below(100);
  if (roll < 15) return order::kSetKeeper + 1;
  if (roll < 25) return order::kSetKeeper + 2;
  if (roll < 35) return 9;
  if (roll < 50) return order::kKeyType + 1;
  if (roll < 55) return order::kKeyType - 1;
  if (roll < 70) return theirs;
  if (roll < 85) return 10 + e.below(1000);
  return e.u64() | (std::uint64_t{1} << 40);
}

// The order (w0), and for SetDelivery its mode (w1), for a step invoking a register that
// holds `h`.
void pick_order(Entropy& e, Holds h, Step& s) {
  const unsigned roll = e.below(100);
  switch (h) {
    case Holds::Number:   // its words, mostly
      s.w[0] = roll < 70 ? order::kNumberValue : roll < 82 ? order::kKeyType
                                               : unknown_order(e, 1 + e.below(3));
      return;
    case Holds::Yield:
      s.w[0] = roll < 60 ? order::kYield : roll < 75 ? order::kKeyType
                                         : unknown_order(e, 1 + e.below(3));
      return;
    case Holds::DomainControl:
      s.w[0] = roll < 27   ? order::kMakeStart
               : roll < 35 ? order::kRescind
               : roll < 50 ? order::kSetDelivery
               : roll < 62 ? order::kSetKeeper
               : roll < 74 ? order::kKeyType
                           : unknown_order(e, 0);
      break;
    default:   // start keys, void and copied keys: w0 is data to a domain, or KT
      s.w[0] = roll < 15   ? order::kMakeStart
               : roll < 21 ? order::kRescind
               : roll < 28 ? order::kSetDelivery
               : roll < 36 ? order::kKeyType
               : roll < 46 ? 0
                           : e.below(1000);
      break;
  }
  if (s.w[0] == order::kSetKeeper && h == Holds::DomainControl) {
    // The keeper passed as k0: a start key (r1, r2), what r3 holds (a caller's resume key,
    // a fault key), a kernel object, void.
    const unsigned k = e.below(100);
    s.k[0] = static_cast<std::uint8_t>(k < 40 ? 1 + e.below(2) : k < 65 ? 3 : k < 80 ? 4 + e.below(3)
                                       : k < 90 ? 0 : e.below(16));
  }
  if (s.w[0] == order::kSetDelivery) {   // mostly a valid mode, sometimes not
    const unsigned mode = e.below(100);
    s.w[1] = mode < 75 ? e.below(2) : mode < 90 ? 2 + e.below(3) : e.u64() | 2;
  }
}

// A register holding a kernel object in this domain (r4..r6 when none does).
std::uint8_t object_register(Entropy& e, const Kinds& kinds) {
  std::uint8_t regs[16];
  std::uint32_t n = 0;
  for (std::uint8_t r = 1; r < 16; ++r)
    if (is_object(kinds[r])) regs[n++] = r;
  if (n == 0 || e.percent(10)) return static_cast<std::uint8_t>(4 + e.below(3));
  return regs[e.below(n)];
}

// A register holding no start or resume key (as far as the generator knows): void, or one
// that setup left void.
std::uint8_t void_register(Entropy& e, const Kinds& kinds) {
  if (e.percent(40)) return 0;
  std::uint8_t regs[16];
  std::uint32_t n = 0;
  for (std::uint8_t r = 4; r < 16; ++r)
    if (kinds[r] == Holds::Void) regs[n++] = r;
  return n == 0 ? 0 : regs[e.below(n)];
}

// m.k[3] of a Return or Send on a key that is no start or resume key: the returnee, mostly
// the caller's resume key a server holds in r3; sometimes a start key, a kernel object,
// a void register or one out of range (the answer is then dropped).
std::uint8_t pick_returnee(Entropy& e, const Kinds& kinds) {
  const unsigned roll = e.below(100);
  if (roll < 75) return 3;
  if (roll < 82) return static_cast<std::uint8_t>(1 + e.below(2));
  if (roll < 87) return object_register(e, kinds);
  if (roll < 91) return 0;
  if (roll < 95) return static_cast<std::uint8_t>(7 + e.below(9));
  return bad_register(e);
}

// Pages readable and writable in the domain's space: most buffers start on one of them.
using Pages = std::vector<std::uint32_t>;

Addr pick_addr(Entropy& e, std::uint32_t pages, const Pages& good) {
  const unsigned roll = e.below(100);
  if (roll < 92) {
    std::uint32_t page = !good.empty() && e.percent(75)
                             ? good[e.below(static_cast<std::uint32_t>(good.size()))]
                             : e.below(pages);
    const unsigned where = e.below(10);
    std::uint32_t off = where < 4 ? 0 : where < 7 ? e.below(4096) : 4096 - 1 - e.below(64);
    return Addr{Base::Arena, page * 4096 + off};
  }
  return Addr{static_cast<Base>(1 + e.below(3)), e.below(64)};
}

Step pick_step(Entropy& e, std::uint32_t pages, const Pages& good) {
  Step s;
  const unsigned roll = e.below(100);
  s.op = roll < 38 ? Op::Call : roll < 78 ? Op::Return : Op::Send;
  s.key = pick_key(e, s.op);
  // w0, the order, is chosen once the key register is final (pick_order).
  s.w[1] = e.percent(50) ? e.below(0x10000) : e.u64();
  s.w[2] = e.percent(50) ? 0 : e.u64();
  s.w[3] = e.below(1000);
  for (auto& k : s.k) k = pick_passed(e);
  if (s.op == Op::Return && (s.key == 1 || s.key == 2) && e.percent(60)) s.k[3] = 3;   // tail call
  if (e.percent(10)) s.k[3] = 3;
  s.len = pick_len(e);
  s.str = pick_addr(e, pages, good);
  s.buf = pick_addr(e, pages, good);
  s.limit = pick_limit(e);
  const unsigned rr = e.below(100);
  if (rr < 60) {
    s.r[3] = 3;
  } else if (rr < 78) {
    // no keys wanted
  } else if (rr < 96) {
    for (auto& r : s.r) r = e.percent(50) ? 0 : static_cast<std::uint8_t>(e.below(16));
  } else {
    s.r[3] = 3;
    s.r[e.below(4)] = bad_register(e);
  }
  return s;
}

enum class Role { Server, Client, Mixed, Keeper };

// A fault: its kind, a code and an address (small or any words).
Step fault_step(Entropy& e) {
  Step s;
  s.fault = static_cast<std::uint8_t>(1 + e.below(7));
  s.w[0] = e.percent(50) ? e.below(0x100) : e.u64();
  s.w[1] = e.percent(50) ? 0x10000000 + e.below(1u << 20) : e.u64();
  return s;
}

// The order a keeper gives on a fault key: mostly restart, else one that halts.
std::uint64_t fault_order(Entropy& e, unsigned restart_percent) {
  if (e.percent(restart_percent)) return order::kRestart;
  const unsigned roll = e.below(100);
  return roll < 40 ? 1 : roll < 60 ? order::kKeyType : roll < 80 ? e.below(1000) : e.u64();
}

// A keeper waits with r3 set for the fault key, then mostly answers on it: a restart
// (Return, Send or Call), sometimes another order (a halt); or drops it, passes it on (a
// tail call hands it to another domain in k3; a Call or Send passes it as k0), hands it to
// a kernel object as k3 (no returnee: it is dropped), makes it some domain's keeper,
// faults itself (a keeper chain), or does anything else.
Step pick_keeper_step(Entropy& e, std::uint32_t pages, const Pages& good, std::size_t index,
                      const Kinds& kinds) {
  Step s = pick_step(e, pages, good);
  std::fill(s.w, s.w + 4, 0);
  const unsigned roll = e.below(100);
  auto wait_after = [&] {
    s.r[0] = s.r[1] = s.r[2] = 0;
    s.r[3] = e.percent(90) ? 3 : static_cast<std::uint8_t>(e.below(16));
  };
  if (index == 0 && roll < 85) {   // wait for the first fault
    s.op = Op::Return;
    s.key = 0;
    wait_after();
  } else if (roll < 42) {          // answer on the fault key and wait for the next
    s.op = Op::Return;
    s.key = 3;
    s.w[0] = fault_order(e, 85);
    wait_after();
  } else if (roll < 52) {          // answer, keep running
    s.op = roll < 47 ? Op::Send : Op::Call;
    s.key = 3;
    s.w[0] = fault_order(e, 80);
    if (e.percent(50)) s.len = 0;
  } else if (roll < 58) {          // drop it: wait again
    s.op = Op::Return;
    s.key = 0;
    wait_after();
  } else if (roll < 66) {          // tail call: the fault key goes on as k3
    s.op = Op::Return;
    s.key = static_cast<std::uint8_t>(1 + e.below(2));
    s.k[3] = 3;
    s.w[0] = fault_order(e, 70);
    wait_after();
  } else if (roll < 71) {          // passed as k0 in a Call or Send
    s.op = e.percent(50) ? Op::Call : Op::Send;
    s.key = static_cast<std::uint8_t>(1 + e.below(2));
    s.k[0] = 3;
    s.w[0] = fault_order(e, 70);
  } else if (roll < 76) {          // to a kernel object with k3 = the fault key: no returnee
    s.op = e.percent(60) ? Op::Return : Op::Send;
    s.key = object_register(e, kinds);
    s.k[3] = 3;
    pick_order(e, kinds[s.key < 16 ? s.key : 0], s);
    if (s.op == Op::Return) wait_after();
  } else if (roll < 78) {          // make the fault key (or another) some domain's keeper
    s.op = Op::Call;
    s.key = object_register(e, kinds);
    s.w[0] = order::kSetKeeper;
    s.k[0] = e.percent(60) ? 3 : static_cast<std::uint8_t>(e.below(7));
  } else if (roll < 88) {          // a keeper that faults: a chain
    return fault_step(e);
  } else {
    const Holds h = s.key < 16 ? kinds[s.key] : Holds::Void;
    pick_order(e, h, s);
  }
  return s;
}

// A server mostly waits and replies (sometimes calling on: nested calls, coroutines, tail
// calls); a client mostly calls and sends; a mixed domain does anything. Roles only bias the
// choices: every step can still be any invocation.
Step pick_role_step(Entropy& e, std::uint32_t pages, const Pages& good, Role role,
                    std::size_t index, const Kinds& kinds) {
  Step s = pick_step(e, pages, good);
  const unsigned roll = e.below(100);
  bool answer_to_returnee = false;   // a Return or Send on a kernel object or a void key
  if (role == Role::Server && index > 0 && roll >= 94) {
    // A server names its caller's resume key as some domain's keeper: a resume keeper.
    s.op = Op::Call;
    s.key = object_register(e, kinds);
    s.w[0] = order::kSetKeeper;
    s.k[0] = 3;
    return s;
  }
  if (role == Role::Server) {
    if (index == 0 && roll < 75) {
      s.op = Op::Return;
      s.key = 0;
    } else if (roll < 52) {
      s.op = Op::Return;
      s.key = 3;
    } else if (roll < 72) {   // the kernel's answer goes to the caller: k3 = its resume key
      s.op = roll < 63 ? Op::Return : Op::Send;
      s.key = e.percent(70) ? object_register(e, kinds) : void_register(e, kinds);
      answer_to_returnee = true;
    } else if (roll < 84) {   // a nested call: its reply must not land on the caller's key
      s.op = Op::Call;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
      if (e.percent(85)) s.r[3] = e.percent(50) ? 0 : 7;
    }
    if (s.op == Op::Return && e.percent(85)) s.r[3] = 3;   // the next caller's resume key
  } else if (role == Role::Client) {
    if (roll < 60) {
      s.op = Op::Call;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
      // A key a server's MakeStart makes for us lands here.
      if (e.percent(50)) s.r[0] = static_cast<std::uint8_t>(8 + e.below(8));
    } else if (roll < 75) {
      s.op = Op::Send;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
    } else if (roll < 85) {
      s.op = Op::Call;
      s.key = object_register(e, kinds);
    }
  }
  const bool start_or_reply = s.key >= 1 && s.key <= 3;
  if (answer_to_returnee || (s.op != Op::Call && !start_or_reply && e.percent(40)))
    s.k[3] = pick_returnee(e, kinds);
  const Holds h = s.key < 16 ? kinds[s.key] : Holds::Void;
  pick_order(e, h, s);
  // A key made for the returnee lands in its receive r[0]: make it more often.
  if (answer_to_returnee && h == Holds::DomainControl && e.percent(25)) s.w[0] = order::kMakeStart;
  return s;
}

SetupOp pick_setup(Entropy& e, std::uint32_t n, bool later) {
  SetupOp op;
  const unsigned roll = e.below(100);
  if (later) {   // between runs: mostly what changes a stalled domain's world
    op.what = roll < 35 ? Setup::Rescind : roll < 60 ? Setup::Copy : roll < 85 ? Setup::Start
              : roll < 92 ? Setup::Void : roll < 96 ? Setup::DomainControl : Setup::Yield;
  } else {
    op.what = roll < 55 ? Setup::Start : roll < 68 ? Setup::DomainControl : roll < 80 ? Setup::Number
              : roll < 88 ? Setup::Copy : roll < 95 ? Setup::Rescind : Setup::Void;
  }
  op.domain = 1 + e.below(n);
  op.object = 1 + e.below(n);
  // Later, mostly the registers domains invoke (start keys in r1 and r2): a stalled
  // domain whose key changes retries on another target.
  op.reg = static_cast<std::uint8_t>(later && e.percent(60) ? 1 + e.below(2)
                                     : e.percent(80)       ? 1 + e.below(7)
                                                           : e.below(16));
  op.badge = static_cast<std::uint16_t>(e.percent(50) ? e.below(8) : e.take(2));
  op.from_reg = static_cast<std::uint8_t>(e.percent(60) ? 3 : e.below(16));
  return op;
}

// Keepers for the first run: mostly a keeper domain's start key; sometimes a busy domain's
// (a fault stalls), itself, a start key copied from a register, a kernel object, void; a
// keeper's own keeper is another keeper (a chain) or a domain it keeps (a loop).
void pick_keepers(Entropy& e, std::uint32_t n, const std::vector<Role>& roles,
                  std::vector<SetupOp>& ops) {
  std::vector<std::uint32_t> keepers;
  for (std::uint32_t d = 1; d <= n; ++d)
    if (roles[d - 1] == Role::Keeper) keepers.push_back(d);
  auto any_keeper = [&]() -> std::uint32_t {
    return keepers.empty() ? 1 + e.below(n) : keepers[e.below(static_cast<std::uint32_t>(keepers.size()))];
  };
  std::vector<std::uint32_t> kept_by(n + 1, 0);
  std::vector<std::uint32_t> order;   // the kept domains first: a keeper may loop back to one
  for (int keeper = 0; keeper < 2; ++keeper)
    for (std::uint32_t d = 1; d <= n; ++d)
      if ((roles[d - 1] == Role::Keeper) == (keeper == 1)) order.push_back(d);
  for (const std::uint32_t d : order) {
    if (roles[d - 1] == Role::Keeper ? !e.percent(55) : !e.percent(85)) continue;
    const auto badge = static_cast<std::uint16_t>(e.percent(60) ? e.below(8) : e.take(2));
    const unsigned roll = e.below(100);
    if (roles[d - 1] == Role::Keeper && roll < 40) {
      // A loop: the keeper of a domain it keeps; else another keeper.
      std::uint32_t loop = 0;
      for (std::uint32_t x = 1; x <= n; ++x)
        if (kept_by[x] == d && e.percent(60)) loop = x;
      ops.push_back({Setup::KeeperStart, d, 0, loop != 0 ? loop : any_keeper(), badge, 0});
    } else if (roll < 62) {
      const std::uint32_t k = any_keeper();
      kept_by[d] = k;
      ops.push_back({Setup::KeeperStart, d, 0, k, badge, 0});
    } else if (roll < 72) {   // any domain: often busy when the fault comes
      ops.push_back({Setup::KeeperStart, d, 0, 1 + e.below(n), badge, 0});
    } else if (roll < 76) {
      ops.push_back({Setup::KeeperStart, d, 0, d, badge, 0});   // itself: always busy
    } else if (roll < 86) {   // a kernel object (or whatever r4..r6 hold)
      ops.push_back({Setup::Keeper, d, 0, d, 0, static_cast<std::uint8_t>(4 + e.below(3))});
    } else if (roll < 92) {   // void
      ops.push_back({Setup::Keeper, d, 0, d, 0, 0});
    } else {                  // a copy of some domain's register (start keys in r1, r2)
      ops.push_back({Setup::Keeper, d, 0, 1 + e.below(n), 0, static_cast<std::uint8_t>(e.below(8))});
    }
  }
}

}  // namespace

Program generate(Entropy& e, const Limits& lim) {
  Program p;
  const std::uint32_t n = e.percent(85) ? std::min<std::uint32_t>(2 + e.below(4), lim.max_domains)
                                        : 1 + e.below(lim.max_domains);
  p.spaces = e.percent(35) ? 1 : 1 + e.below(lim.max_spaces);
  p.pages = 3 + e.below(lim.max_pages - 2);
  p.fill = static_cast<std::uint32_t>(e.take(4));
  p.perms.assign(static_cast<std::size_t>(p.pages) * p.spaces, 0);
  for (std::uint32_t s = 0; s < p.spaces; ++s)
    for (std::uint32_t pg = 1; pg + 1 < p.pages; ++pg) {
      const unsigned roll = e.below(100);
      p.perms[s * p.pages + pg] = roll < 65 ? 3 : roll < 75 ? 1 : roll < 80 ? 2 : 0;
    }
  for (std::uint32_t d = 0; d < n; ++d) p.space_of.push_back(static_cast<std::uint8_t>(e.below(p.spaces)));
  // Keeper programs (55 %): keeper domains, keeper slots set, faults in the steps.
  const bool keeping = e.percent(55);
  std::vector<Role> roles;
  std::vector<std::uint32_t> servers;
  for (std::uint32_t d = 1; d <= n; ++d) {
    const unsigned roll = e.below(100);
    if (keeping && roll < 30) roles.push_back(Role::Keeper);
    else roles.push_back(roll < 45 ? Role::Server : roll < 80 ? Role::Client : Role::Mixed);
    if (roles.back() == Role::Server) servers.push_back(d);
  }
  if (keeping && n >= 2 && std::find(roles.begin(), roles.end(), Role::Keeper) == roles.end())
    roles[e.below(n)] = Role::Keeper;
  // Start keys name a server more often than not.
  auto target = [&]() -> std::uint32_t {
    if (!servers.empty() && e.percent(75)) return servers[e.below(static_cast<std::uint32_t>(servers.size()))];
    return 1 + e.below(n);
  };

  // Initial keys: r1 and usually r2 hold start keys; some kernel objects; some stale keys.
  std::vector<SetupOp> first;
  for (std::uint32_t d = 1; d <= n; ++d) {
    first.push_back({Setup::Start, d, 1, target(), static_cast<std::uint16_t>(e.below(8)), 0});
    if (e.percent(70))
      first.push_back({Setup::Start, d, 2, target(), static_cast<std::uint16_t>(e.take(2)), 0});
    if (e.percent(40)) first.push_back({Setup::DomainControl, d, 4, 1 + e.below(n), 0, 0});
    else if (e.percent(40)) first.push_back({Setup::Number, d, 4, 0, static_cast<std::uint16_t>(e.take(2)), 0});
    if (e.percent(45)) first.push_back({Setup::Number, d, 5, 0, static_cast<std::uint16_t>(e.take(2)), 0});
    if (e.percent(40)) first.push_back({Setup::Yield, d, 6, 0, 0, 0});
    const std::uint32_t extra = e.below(3);
    for (std::uint32_t i = 0; i < extra; ++i) first.push_back(pick_setup(e, n, false));
  }
  if (keeping) {
    pick_keepers(e, n, roles, first);
    // Servers' own domain-control key in r7: one makes its caller's resume key its keeper.
    for (std::uint32_t d = 1; d <= n; ++d)
      if (roles[d - 1] == Role::Server && e.percent(60)) first.push_back({Setup::DomainControl, d, 7, d, 0, 0});
  }
  std::vector<Kinds> kinds(n + 1);
  for (auto& k : kinds) k.fill(Holds::Void);
  for (const SetupOp& op : first) {
    if (op.what == Setup::Rescind || op.what == Setup::Keeper || op.what == Setup::KeeperStart ||
        op.reg == 0)
      continue;
    Holds& h = kinds[op.domain][op.reg % 16];
    switch (op.what) {
      case Setup::Start: h = Holds::Start; break;
      case Setup::DomainControl: h = Holds::DomainControl; break;
      case Setup::Number: h = Holds::Number; break;
      case Setup::Yield: h = Holds::Yield; break;
      case Setup::Void: h = Holds::Void; break;
      default: h = Holds::Other; break;
    }
  }
  p.phases.push_back(std::move(first));

  p.steps.resize(n);
  for (std::uint32_t d = 0; d < n; ++d) {
    Pages good;
    for (std::uint32_t pg = 1; pg + 1 < p.pages; ++pg)
      if (p.perms[p.space_of[d] * p.pages + pg] == 3) good.push_back(pg);
    // Servers only run when called: give the callers the longer programs.
    const std::uint32_t most = roles[d] == Role::Server ? lim.max_steps / 2 + 1 : lim.max_steps;
    const std::uint32_t count = e.percent(10) ? e.below(3) : e.below(most + 1);
    // In keeper programs a step is a fault 12 % of the time (a keeper's own: in its steps).
    const unsigned faults = !keeping ? 1 : roles[d] == Role::Keeper ? 0 : 12;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (roles[d] == Role::Keeper) {
        p.steps[d].push_back(pick_keeper_step(e, p.pages, good, i, kinds[d + 1]));
      } else if (keeping && roles[d] == Role::Server && i > 0 &&
                 kinds[d + 1][7] == Holds::DomainControl && e.percent(10)) {
        // Its caller's resume key becomes its keeper, then it faults: the caller is told.
        Step set;
        set.key = 7;
        set.w[0] = order::kSetKeeper;
        set.k[0] = 3;
        set.r[3] = e.percent(50) ? 3 : 0;
        p.steps[d].push_back(set);
        p.steps[d].push_back(fault_step(e));
        ++i;
      }
      else if (e.percent(faults))
        p.steps[d].push_back(fault_step(e));
      else
        p.steps[d].push_back(pick_role_step(e, p.pages, good, roles[d], i, kinds[d + 1]));
    }
  }

  // Later runs: the harness rescinds, copies keys around (stale resume keys too), resets.
  // Half the programs have some: domains stalled at a run's end are common, and what a
  // restarted staller finds when its world changed meanwhile is where bugs hid.
  if (lim.max_phases > 1 && e.percent(50)) {
    const std::uint32_t more = 1 + e.below(lim.max_phases - 1);
    for (std::uint32_t i = 0; i < more; ++i) {
      std::vector<SetupOp> ph;
      const std::uint32_t ops = 1 + e.below(4);
      for (std::uint32_t j = 0; j < ops; ++j) ph.push_back(pick_setup(e, n, true));
      // A keeper changed between runs: a copy of r3 (a caller's resume key: a resume
      // keeper; a fault key: none) or r1, or a new start key.
      if (keeping && e.percent(50)) {
        const auto d = 1 + e.below(n), x = 1 + e.below(n);
        if (e.percent(65))
          ph.push_back({Setup::Keeper, d, 0, x, 0, static_cast<std::uint8_t>(e.percent(70) ? 3 : 1)});
        else
          ph.push_back({Setup::KeeperStart, d, 0, x, static_cast<std::uint16_t>(e.below(8)), 0});
      }
      p.phases.push_back(std::move(ph));
    }
  }
  p.sanitize();
  return p;
}

}  // namespace eros::fuzz
