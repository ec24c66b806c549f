// The program generator. Register conventions make the interesting cases common: start keys
// in r1 and r2, the caller's resume key received into r3, kernel objects in r4..r6; then a
// share of every field is hostile (bad registers, long strings, wild and unmapped buffers).
#include "fuzz/generate.hpp"

#include <algorithm>

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
  const unsigned order = e.below(100);   // order codes a domain-control key knows, and not
  s.w[0] = order < 15 ? 1 : order < 21 ? 2 : order < 28 ? 3 : e.below(1000);
  s.w[1] = e.percent(50) ? e.below(0x10000) : e.u64();
  if (s.w[0] == 3 && e.percent(70)) s.w[1] = e.below(3);   // SetDelivery: mostly a valid mode
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

enum class Role { Server, Client, Mixed };

// A server mostly waits and replies (sometimes calling on: nested calls, coroutines, tail
// calls); a client mostly calls and sends; a mixed domain does anything. Roles only bias the
// choices: every step can still be any invocation.
Step pick_role_step(Entropy& e, std::uint32_t pages, const Pages& good, Role role,
                    std::size_t index) {
  Step s = pick_step(e, pages, good);
  const unsigned roll = e.below(100);
  if (role == Role::Server) {
    if (index == 0 && roll < 75) {
      s.op = Op::Return;
      s.key = 0;
    } else if (roll < 65) {
      s.op = Op::Return;
      s.key = 3;
    } else if (roll < 78) {   // a nested call: its reply must not land on the caller's key
      s.op = Op::Call;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
      if (e.percent(85)) s.r[3] = e.percent(50) ? 0 : 7;
    }
    if (s.op == Op::Return && e.percent(85)) s.r[3] = 3;   // the next caller's resume key
  } else if (role == Role::Client) {
    if (roll < 60) {
      s.op = Op::Call;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
    } else if (roll < 75) {
      s.op = Op::Send;
      s.key = static_cast<std::uint8_t>(1 + e.below(2));
    } else if (roll < 85) {
      s.op = Op::Call;
      s.key = static_cast<std::uint8_t>(4 + e.below(3));
    }
  }
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
  std::vector<Role> roles;
  std::vector<std::uint32_t> servers;
  for (std::uint32_t d = 1; d <= n; ++d) {
    const unsigned roll = e.below(100);
    roles.push_back(roll < 45 ? Role::Server : roll < 80 ? Role::Client : Role::Mixed);
    if (roles.back() == Role::Server) servers.push_back(d);
  }
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
    if (e.percent(30)) first.push_back({Setup::Number, d, 5, 0, static_cast<std::uint16_t>(e.take(2)), 0});
    if (e.percent(25)) first.push_back({Setup::Yield, d, 6, 0, 0, 0});
    const std::uint32_t extra = e.below(3);
    for (std::uint32_t i = 0; i < extra; ++i) first.push_back(pick_setup(e, n, false));
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
    for (std::uint32_t i = 0; i < count; ++i)
      p.steps[d].push_back(pick_role_step(e, p.pages, good, roles[d], i));
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
      p.phases.push_back(std::move(ph));
    }
  }
  p.sanitize();
  return p;
}

}  // namespace eros::fuzz
