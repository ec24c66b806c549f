// Linux IPC baselines: see baselines.hpp for what is measured and how.
#include "bench/baselines/baselines.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace eros::bench::baselines {

std::string_view name(Transport t) {
  switch (t) {
    case Transport::pipe: return "pipe";
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tcp_nodelay: return "tcp_nodelay";
  }
  return "?";
}
std::string_view name(Mode m) {
  switch (m) {
    case Mode::stream: return "stream";
    case Mode::rr_small: return "rr_small";
    case Mode::rr_echo: return "rr_echo";
  }
  return "?";
}
std::string_view name(Placement p) {
  return p == Placement::one_core ? "one_core" : "two_cores";
}
std::optional<Transport> parse_transport(std::string_view s) {
  for (Transport t : kTransports)
    if (name(t) == s) return t;
  return std::nullopt;
}

std::vector<std::size_t> paper_payloads() {
  return {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
}

namespace {

// ------------------------------------------------------------------ data pattern
// Byte i of a stream is pattern(i mod 251): a period prime to every power of two, so a
// misplaced or repeated chunk never matches by accident.
constexpr std::size_t kPeriod = 251;

std::vector<unsigned char> make_pattern(std::size_t n) {
  std::vector<unsigned char> p(n + kPeriod);
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = static_cast<unsigned char>(((i % kPeriod) * 37 + 11) & 0xff);
  return p;
}

std::uint32_t fnv1a(const unsigned char* p, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// ------------------------------------------------------------------ I/O helpers

struct Channel {
  // Parent's ends and child's ends. For pipes these are two one-way pipes; for sockets
  // a connected pair and tx == rx.
  int p_tx = -1, p_rx = -1, c_tx = -1, c_rx = -1;
  bool socket = false;
  bool datagram = false;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool write_all(int fd, const void* p, std::size_t n, bool socket) {
  auto* b = static_cast<const unsigned char*>(p);
  while (n > 0) {
    ssize_t w = socket ? ::send(fd, b, n, MSG_NOSIGNAL) : ::write(fd, b, n);
    if (w < 0) {
      if (errno == EINTR) return false;  // the watchdog
      return false;
    }
    b += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_exact(int fd, void* p, std::size_t n) {
  auto* b = static_cast<unsigned char*>(p);
  while (n > 0) {
    ssize_t r = ::read(fd, b, n);
    if (r <= 0) return false;
    b += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void set_timeout(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - double(tv.tv_sec)) * 1e6);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

std::string errno_str(const char* what) { return absl::StrCat(what, ": ", std::strerror(errno)); }

bool make_channel(Transport t, Mode mode, Channel& ch, std::string& err) {
  if (t == Transport::pipe) {
    int a[2], b[2];
    if (::pipe2(a, O_CLOEXEC) != 0) return err = errno_str("pipe"), false;
    if (::pipe2(b, O_CLOEXEC) != 0) {
      ::close(a[0]);
      ::close(a[1]);
      return err = errno_str("pipe"), false;
    }
    ch.p_tx = a[1];  // parent -> child
    ch.c_rx = a[0];
    ch.c_tx = b[1];  // child -> parent
    ch.p_rx = b[0];
    return true;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ch.socket = true;
  if (t == Transport::udp) {
    ch.datagram = true;
    int a = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int b = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in aa = addr, ba = addr;
    socklen_t al = sizeof aa, bl = sizeof ba;
    if (a < 0 || b < 0 || ::bind(a, reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0 ||
        ::bind(b, reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
        ::getsockname(a, reinterpret_cast<sockaddr*>(&aa), &al) != 0 ||
        ::getsockname(b, reinterpret_cast<sockaddr*>(&ba), &bl) != 0 ||
        ::connect(a, reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
        ::connect(b, reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0) {
      err = errno_str("udp socket setup");
      if (a >= 0) ::close(a);
      if (b >= 0) ::close(b);
      return false;
    }
    ch.p_tx = ch.p_rx = a;
    ch.c_tx = ch.c_rx = b;
    return true;
  }
  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int s = -1;
  if (l < 0 || c < 0 || ::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(l, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || ::listen(l, 1) != 0 ||
      ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      (s = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC)) < 0) {
    err = errno_str("tcp socket setup");
    if (l >= 0) ::close(l);
    if (c >= 0) ::close(c);
    return false;
  }
  ::close(l);
  if (t == Transport::tcp_nodelay) {
    // ttcp -D sets it on the transmitter only: in a stream that is the peer (s); in
    // request/reply both ends transmit.
    int one = 1;
    if (mode != Mode::stream) ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ch.p_tx = ch.p_rx = c;
  ch.c_tx = ch.c_rx = s;
  return true;
}

// ------------------------------------------------------------------ watchdog

volatile sig_atomic_t g_watchdog_fired = 0;
void on_alarm(int) { g_watchdog_fired = 1; }

struct SignalGuard {
  struct sigaction old_alrm {}, old_pipe {};
  explicit SignalGuard(double seconds) {
    g_watchdog_fired = 0;
    struct sigaction sa {};
    sa.sa_handler = on_alarm;  // no SA_RESTART: a blocked read returns EINTR
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGALRM, &sa, &old_alrm);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    ::sigaction(SIGPIPE, &ign, &old_pipe);
    itimerval it{};
    it.it_value.tv_sec = static_cast<time_t>(seconds);
    it.it_value.tv_usec = static_cast<suseconds_t>((seconds - double(it.it_value.tv_sec)) * 1e6);
    ::setitimer(ITIMER_REAL, &it, nullptr);
  }
  ~SignalGuard() {
    itimerval it{};
    ::setitimer(ITIMER_REAL, &it, nullptr);
    ::sigaction(SIGALRM, &old_alrm, nullptr);
    ::sigaction(SIGPIPE, &old_pipe, nullptr);
  }
};

// ------------------------------------------------------------------ the peer (child)

// Stream sender (ttcp -t): per 'g' on ctl, one round of `buffers` writes of n bytes.
[[noreturn]] void child_stream(const PointConfig& cfg, const Channel& ch, int ctl, std::size_t n,
                               const std::vector<unsigned char>& pat) {
  std::vector<unsigned char> dg;  // UDP: a datagram with an 8-byte (round, seq) header
  if (ch.datagram) {
    dg.assign(pat.begin() + 8, pat.begin() + 8 + n - 8);
    dg.insert(dg.begin(), 8, 0);
  }
  std::vector<unsigned char> bad;
  for (std::uint32_t round = 0;; ++round) {
    char c;
    if (::read(ctl, &c, 1) != 1 || c != 'g') ::_exit(0);
    for (std::size_t k = 0; k < cfg.stream_buffers; ++k) {
      const bool corrupt = cfg.corrupt_for_test && round == 0 && k == 0;
      if (ch.datagram) {
        const std::uint32_t seq = static_cast<std::uint32_t>(k);
        std::memcpy(dg.data(), &round, 4);
        std::memcpy(dg.data() + 4, &seq, 4);
        if (corrupt) dg[n / 2] ^= 1;
        // Loopback never blocks a UDP sender: a full receive queue drops (ttcp's case).
        while (::send(ch.c_tx, dg.data(), n, MSG_NOSIGNAL) < 0) {
          if (errno == ENOBUFS || errno == EAGAIN) {
            ::usleep(1000);  // ttcp waits 18 ms on ENOBUFS; loopback rarely says it
            continue;
          }
          ::_exit(3);
        }
        if (corrupt) dg[n / 2] ^= 1;
      } else {
        const unsigned char* b = pat.data() + (k * n) % kPeriod;
        if (corrupt) {
          bad.assign(b, b + n);
          bad[n / 2] ^= 1;
          b = bad.data();
        }
        if (!write_all(ch.c_tx, b, n, ch.socket)) ::_exit(3);
      }
    }
    if (ch.datagram) {
      // End sentinel (ttcp sends a few). A full receive queue drops it like any other
      // datagram, so repeat it until the receiver, having seen it, sends the next
      // command on ctl. The receiver's clock stopped at the last data datagram.
      for (;;) {
        ::send(ch.c_tx, &round, 4, MSG_NOSIGNAL);
        pollfd p{ctl, POLLIN, 0};
        if (::poll(&p, 1, 2) != 0) break;
      }
    }
  }
}

// Request/reply server: read n bytes, answer with a 4-byte code or the n bytes.
[[noreturn]] void child_rr(const PointConfig& cfg, const Channel& ch, std::size_t n) {
  std::vector<unsigned char> buf(n + 1);
  for (std::uint64_t i = 0;; ++i) {
    if (ch.datagram) {
      ssize_t r = ::recv(ch.c_rx, buf.data(), buf.size(), 0);
      if (r == 1) ::_exit(0);  // quit
      if (r != static_cast<ssize_t>(n)) ::_exit(r < 0 ? 4 : 5);
    } else if (!read_exact(ch.c_rx, buf.data(), n)) {
      ::_exit(0);  // EOF: the client is done
    }
    const bool check = cfg.verify_all || i < cfg.rr_warmup;
    if (cfg.mode == Mode::rr_small) {
      std::uint32_t code = check ? fnv1a(buf.data(), n) : static_cast<std::uint32_t>(i);
      if (cfg.corrupt_for_test && i == 0) code ^= 1;
      if (!write_all(ch.c_tx, &code, sizeof code, ch.socket)) ::_exit(6);
    } else {
      if (cfg.corrupt_for_test && i == 0) buf[n / 2] ^= 1;
      if (!write_all(ch.c_tx, buf.data(), n, ch.socket)) ::_exit(6);
    }
  }
}

// ------------------------------------------------------------------ the measuring side

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Sampling {
  std::vector<double> ticks;   // per sample
  std::vector<double> mb_s;
  std::vector<double> per_op_ticks;
};

bool parent_stream(const PointConfig& cfg, const Channel& ch, int ctl, std::size_t n,
                   const std::vector<unsigned char>& pat, PointResult& res, Sampling& s) {
  const double ghz = tsc_ghz();
  const double ovh = double(timer_overhead_ticks());
  std::vector<unsigned char> buf(n + 8);
  const std::uint64_t total = std::uint64_t(n) * cfg.stream_buffers;
  if (ch.datagram) set_timeout(ch.p_rx, 2.0);
  std::uint64_t sent_dg = 0, got_dg = 0;
  const auto start = Clock::now();
  for (int round = 0;; ++round) {
    const bool warm = round < cfg.stream_warmup_rounds;
    const int timed = round - cfg.stream_warmup_rounds;
    if (!warm && timed >= cfg.stream_max_rounds) break;
    if (!warm && timed >= cfg.stream_min_rounds && seconds_since(start) > cfg.budget_s) break;
    const bool check = warm || cfg.verify_all;
    std::uint64_t received = 0, datagrams = 0;
    const char go = 'g';
    const std::uint64_t t0 = ticks_begin();
    if (::write(ctl, &go, 1) != 1) return res.error = errno_str("ctl write"), false;
    std::uint64_t t_last = t0;
    if (!ch.datagram) {
      while (received < total) {
        const std::size_t want = std::min<std::uint64_t>(n, total - received);
        ssize_t r = ::read(ch.p_rx, buf.data(), want);  // ttcp reads buflen at a time
        if (r <= 0) return res.error = r == 0 ? "peer closed" : errno_str("read"), false;
        if (check) {
          if (std::memcmp(buf.data(), pat.data() + received % kPeriod, std::size_t(r)) != 0)
            res.verified = false;
          res.bytes_checked += std::uint64_t(r);
        }
        received += std::uint64_t(r);
      }
      t_last = ticks_end();
      datagrams = cfg.stream_buffers;
    } else {
      const auto rnd = static_cast<std::uint32_t>(round);
      for (;;) {
        ssize_t r = ::recv(ch.p_rx, buf.data(), n, 0);
        if (r < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;  // all sentinels lost
          return res.error = errno_str("recv"), false;
        }
        if (r == static_cast<ssize_t>(kSmallReply)) {
          std::uint32_t v;
          std::memcpy(&v, buf.data(), 4);
          if (v == rnd) break;  // this round's end sentinel
          continue;             // a late sentinel of an earlier round
        }
        std::uint32_t hr, seq;
        std::memcpy(&hr, buf.data(), 4);
        std::memcpy(&seq, buf.data() + 4, 4);
        if (hr != rnd) continue;  // a late datagram of an earlier round
        t_last = ticks_end();
        if (r != static_cast<ssize_t>(n) || seq >= cfg.stream_buffers) res.verified = false;
        if (check) {
          if (std::memcmp(buf.data() + 8, pat.data() + 8, n - 8) != 0) res.verified = false;
          res.bytes_checked += std::uint64_t(r);
        }
        received += std::uint64_t(r);
        ++datagrams;
      }
      if (!warm) {
        sent_dg += cfg.stream_buffers;
        got_dg += datagrams;
      }
      if (datagrams == 0) {
        if (warm) continue;
        return res.error = "no UDP datagram arrived in a round", false;
      }
    }
    if (warm) continue;
    const double t = std::max(1.0, double(t_last - t0) - ovh);
    s.ticks.push_back(t / double(datagrams));
    s.mb_s.push_back(double(received) / (t / ghz) * 1e3);  // bytes/ns * 1e3 = MB/s
  }
  if (sent_dg > 0) res.loss = 1.0 - double(got_dg) / double(sent_dg);
  const char quit = 'q';
  (void)!::write(ctl, &quit, 1);
  return true;
}

bool parent_rr(const PointConfig& cfg, Channel& ch, std::size_t n,
               const std::vector<unsigned char>& pat, PointResult& res, Sampling& s) {
  const double ghz = tsc_ghz();
  const double ovh = double(timer_overhead_ticks());
  std::vector<unsigned char> req(pat.begin(), pat.begin() + n);
  std::vector<unsigned char> rep(n + 1);
  if (ch.datagram) set_timeout(ch.p_rx, 2.0);
  const bool echo = cfg.mode == Mode::rr_echo;
  const std::size_t rep_n = echo ? n : kSmallReply;
  const auto start = Clock::now();
  for (std::uint64_t i = 0;; ++i) {
    const bool warm = i < cfg.rr_warmup;
    const std::uint64_t timed = warm ? 0 : i - cfg.rr_warmup;
    if (!warm && timed >= cfg.rr_max_samples) break;
    if (!warm && timed >= cfg.rr_min_samples && (timed & 15) == 0 &&
        seconds_since(start) > cfg.budget_s)
      break;
    std::memcpy(req.data(), &i, 8);  // stamp: a stale or reordered reply cannot pass
    const std::uint64_t t0 = ticks_begin();
    if (!write_all(ch.p_tx, req.data(), n, ch.socket))
      return res.error = errno_str("request write"), false;
    if (ch.datagram) {
      ssize_t r = ::recv(ch.p_rx, rep.data(), rep.size(), 0);
      if (r != static_cast<ssize_t>(rep_n))
        return res.error = r < 0 ? errno_str("reply recv (datagram lost?)") : "short reply",
               false;
    } else if (!read_exact(ch.p_rx, rep.data(), rep_n)) {
      return res.error = errno_str("reply read"), false;
    }
    const std::uint64_t t1 = ticks_end();
    const bool check = warm || cfg.verify_all;
    if (echo) {
      if (check) {
        if (std::memcmp(rep.data(), req.data(), n) != 0) res.verified = false;
        res.bytes_checked += n;
      } else if (std::memcmp(rep.data(), req.data(), 8) != 0) {
        res.verified = false;
      }
    } else {
      std::uint32_t code;
      std::memcpy(&code, rep.data(), 4);
      const std::uint32_t want = check ? fnv1a(req.data(), n) : static_cast<std::uint32_t>(i);
      if (code != want) res.verified = false;
      if (check) res.bytes_checked += n;
    }
    if (warm) continue;
    const double t = std::max(1.0, double(t1 - t0) - ovh);
    s.ticks.push_back(t);
    s.mb_s.push_back(double(n) / (t / ghz) * 1e3);
  }
  // Tell the server to stop: EOF on a stream, a 1-byte datagram on UDP.
  if (ch.datagram) {
    const char q = 'q';
    ::send(ch.p_tx, &q, 1, MSG_NOSIGNAL);
  } else if (ch.socket) {
    ::shutdown(ch.p_tx, SHUT_WR);
  } else {
    close_fd(ch.p_tx);
  }
  return true;
}

}  // namespace

PointResult run_point(const PointConfig& requested) {
  PointResult res;
  res.config = requested;
  PointConfig cfg = requested;  // with the stream round clamped below
  res.verified = true;
  const auto wall0 = Clock::now();
  std::size_t n = cfg.payload;
  if (cfg.transport == Transport::udp && n > kMaxUdpPayload) {
    n = kMaxUdpPayload;
    res.note = absl::StrFormat(
        "UDP datagrams cannot exceed 65,507 bytes (IPv4): measured with %zu-byte datagrams, "
        "not %zu",
        n, cfg.payload);
  }
  res.effective_bytes = n;
  if (n < 16) {
    res.error = "payload below 16 bytes is not supported (8-byte stamp + sentinel size)";
    return res;
  }
  if (cfg.mode == Mode::stream) {
    cfg.stream_buffers = std::max<std::size_t>(
        1, std::min(cfg.stream_buffers, std::max<std::size_t>(1, cfg.stream_round_bytes / n)));
    res.buffers_per_round = cfg.stream_buffers;
  }

  const int cpu_b = cfg.placement == Placement::one_core ? cfg.cpu_a : cfg.cpu_b;
  if (cfg.placement == Placement::two_cores && cfg.cpu_b == cfg.cpu_a) {
    res.error = "two_cores placement needs two different CPUs";
    return res;
  }
  cpu_set_t saved;
  CPU_ZERO(&saved);
  ::sched_getaffinity(0, sizeof saved, &saved);
  if (!CPU_ISSET(cfg.cpu_a, &saved) || !CPU_ISSET(cpu_b, &saved)) {
    res.error = absl::StrFormat("CPU %d or %d is not available to this process", cfg.cpu_a, cpu_b);
    return res;
  }
  // Timer and frequency first, so neither is measured while the peer runs.
  (void)tsc_ghz();
  (void)timer_overhead_ticks();

  const auto pat = make_pattern(std::max<std::size_t>(n, 16));
  Channel ch;
  if (!make_channel(cfg.transport, cfg.mode, ch, res.error)) return res;
  int ctl[2] = {-1, -1};
  if (cfg.mode == Mode::stream && ::pipe2(ctl, O_CLOEXEC) != 0) {
    res.error = errno_str("pipe");
    return res;
  }
  if (!pin_to_cpu(cfg.cpu_a)) {
    res.error = errno_str("pin measuring process");
    return res;
  }
  SignalGuard guard(cfg.watchdog_s);
  const pid_t pid = ::fork();
  if (pid < 0) {
    res.error = errno_str("fork");
  } else if (pid == 0) {
    // The peer: pinned, killed with its parent, SIGPIPE ignored (write errors exit).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::signal(SIGPIPE, SIG_IGN);
    itimerval it{};
    ::setitimer(ITIMER_REAL, &it, nullptr);
    if (!pin_to_cpu(cpu_b)) ::_exit(2);
    ::close(ch.p_tx);
    if (!ch.socket) ::close(ch.p_rx);
    if (cfg.mode == Mode::stream) {
      ::close(ctl[1]);
      child_stream(cfg, ch, ctl[0], n, pat);
    }
    child_rr(cfg, ch, n);
  } else {
    // The measuring side.
    ::close(ch.c_tx);
    if (!ch.socket) ::close(ch.c_rx);
    if (cfg.mode == Mode::stream) ::close(ctl[0]);
    Sampling s;
    bool ok = cfg.mode == Mode::stream ? parent_stream(cfg, ch, ctl[1], n, pat, res, s)
                                       : parent_rr(cfg, ch, n, pat, res, s);
    if (g_watchdog_fired) {
      ok = false;
      res.error = absl::StrFormat("watchdog: no progress within %.0f s", cfg.watchdog_s);
    }
    if (cfg.mode == Mode::stream) ::close(ctl[1]);
    close_fd(ch.p_tx);
    if (!ch.socket) close_fd(ch.p_rx);
    if (!ok) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      ok = false;
      res.error = WIFEXITED(status) ? absl::StrFormat("peer exited with %d", WEXITSTATUS(status))
                                    : absl::StrFormat("peer killed by signal %d",
                                                      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    res.ok = ok;
    res.samples = s.ticks.size();
    res.ticks = summarize(s.ticks);
    std::vector<double> ns(s.ticks);
    for (double& x : ns) x = ticks_to_ns(x);
    res.ns = summarize(std::move(ns));
    res.mb_s = summarize(s.mb_s);
    if (ok && res.samples == 0) {
      res.ok = false;
      res.error = "no samples";
    }
  }
  ::sched_setaffinity(0, sizeof saved, &saved);
  res.wall_s = seconds_since(wall0);
  return res;
}

// ------------------------------------------------------------------ output

std::string csv_header() {
  return "transport,mode,placement,payload_bytes,effective_bytes,ok,samples,"
         "buffers_per_round,mb_s_median,mb_s_mean,mb_s_p5,mb_s_p95,mb_s_stddev,"
         "mib_s_median,ns_median,ns_mean,ns_p5,ns_p95,ns_stddev,ns_min,ticks_median,"
         "ticks_mean,ticks_p5,ticks_p95,ticks_stddev,ticks_min,loss,verified,"
         "bytes_checked,cpu_a,cpu_b,note";
}

namespace {
std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}
std::string f(double v) { return std::isfinite(v) ? absl::StrFormat("%.6g", v) : ""; }
std::string jf(double v) { return std::isfinite(v) ? absl::StrFormat("%.6g", v) : "null"; }
int peer_cpu(const PointConfig& c) {
  return c.placement == Placement::one_core ? c.cpu_a : c.cpu_b;
}
}  // namespace

std::string csv_row(const PointResult& r) {
  const auto& c = r.config;
  std::string note = r.note;
  if (!r.ok) note = absl::StrCat(note.empty() ? "" : note + "; ", "FAILED: ", r.error);
  return absl::StrCat(
      std::string(name(c.transport)), ",", std::string(name(c.mode)), ",", std::string(name(c.placement)), ",", c.payload, ",",
      r.effective_bytes, ",", r.ok ? "true" : "false", ",", r.samples, ",",
      r.buffers_per_round, ",", f(r.mb_s.median), ",", f(r.mb_s.mean), ",", f(r.mb_s.p5), ",",
      f(r.mb_s.p95), ",", f(r.mb_s.stddev), ",", f(r.mb_s.median * 1e6 / 1048576.0), ",",
      f(r.ns.median), ",", f(r.ns.mean), ",", f(r.ns.p5), ",", f(r.ns.p95), ",",
      f(r.ns.stddev), ",", f(r.ns.min), ",", f(r.ticks.median), ",", f(r.ticks.mean), ",",
      f(r.ticks.p5), ",", f(r.ticks.p95), ",", f(r.ticks.stddev), ",", f(r.ticks.min), ",",
      f(r.loss), ",", r.verified ? "true" : "false", ",", r.bytes_checked, ",", c.cpu_a, ",",
      peer_cpu(c), ",", csv_quote(note));
}

std::string json_row(const PointResult& r) {
  const auto& c = r.config;
  return absl::StrCat(
      "{\"transport\":\"", std::string(name(c.transport)), "\",\"mode\":\"", std::string(name(c.mode)),
      "\",\"placement\":\"", std::string(name(c.placement)), "\",\"payload_bytes\":", c.payload,
      ",\"effective_bytes\":", r.effective_bytes, ",\"ok\":", r.ok ? "true" : "false",
      ",\"error\":\"", json_escape(r.error), "\",\"note\":\"", json_escape(r.note),
      "\",\"samples\":", r.samples, ",\"buffers_per_round\":", r.buffers_per_round,
      ",\"mb_s\":", stats_json(r.mb_s), ",\"mib_s_median\":", jf(r.mb_s.median * 1e6 / 1048576.0),
      ",\"ns\":", stats_json(r.ns), ",\"ticks\":", stats_json(r.ticks),
      ",\"loss\":", jf(r.loss), ",\"verified\":", r.verified ? "true" : "false",
      ",\"bytes_checked\":", r.bytes_checked, ",\"cpu_a\":", c.cpu_a,
      ",\"cpu_b\":", peer_cpu(c), ",\"wall_s\":", jf(r.wall_s), "}");
}

}  // namespace eros::bench::baselines
