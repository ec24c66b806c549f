// Linux IPC baselines for the paper's Table 1 / Figure 6: pipe, UDP loopback, TCP
// loopback and TCP with TCP_NODELAY, each measured
//   - streaming as ttcp does it (sender writes N buffers of n bytes back to back, the
//     receiver reads n at a time until all arrived; receiver-side MB/s), and
//   - request/reply: the client sends n bytes and the server answers either with a
//     4-byte code (rr_small: the fair match for an EROS Call carrying n bytes whose
//     Return carries only an order code) or with the same n bytes (rr_echo).
// The peer is a fork()ed process; both are pinned, to one core or to two.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/method/method.hpp"

namespace eros::bench::baselines {

enum class Transport { pipe, udp, tcp, tcp_nodelay };
enum class Mode { stream, rr_small, rr_echo };
enum class Placement { one_core, two_cores };

std::string_view name(Transport t);
std::string_view name(Mode m);
std::string_view name(Placement p);
std::optional<Transport> parse_transport(std::string_view s);

inline constexpr Transport kTransports[] = {Transport::pipe, Transport::udp, Transport::tcp,
                                            Transport::tcp_nodelay};
inline constexpr Mode kModes[] = {Mode::stream, Mode::rr_small, Mode::rr_echo};

// Table 1's payloads (16 B .. 32 KB) plus 64 KB.
std::vector<std::size_t> paper_payloads();

// The largest UDP datagram over IPv4: 65,535 - 20 (IP) - 8 (UDP).
inline constexpr std::size_t kMaxUdpPayload = 65507;

// The 4-byte code the server returns in rr_small (and the UDP sentinel size, as ttcp).
inline constexpr std::size_t kSmallReply = 4;

struct PointConfig {
  Transport transport = Transport::pipe;
  Mode mode = Mode::rr_small;
  Placement placement = Placement::one_core;
  std::size_t payload = 16;  // bytes asked for; UDP clamps to kMaxUdpPayload (see note)
  int cpu_a = 0;             // the measuring process (receiver / client)
  int cpu_b = 1;             // the peer in two_cores placement

  // stream: one round = `stream_buffers` buffers (ttcp's -n, default 2048), but at most
  // `stream_round_bytes` per round (ttcp's default run moves 2048 x 8 KB = 16 MB), so a
  // 64 KB round is 256 buffers and there is time for more rounds.
  std::size_t stream_buffers = 2048;
  std::size_t stream_round_bytes = std::size_t(16) << 20;
  int stream_warmup_rounds = 1;
  int stream_min_rounds = 3;
  int stream_max_rounds = 25;

  // request/reply: round trips.
  std::size_t rr_warmup = 100;
  std::size_t rr_min_samples = 300;
  std::size_t rr_max_samples = 20000;

  double budget_s = 0.5;         // stop sampling after this once the minimum is reached
  double watchdog_s = 60;        // give up on a point that hangs
  bool verify_all = false;       // check every byte of every round/sample, not just warm-up
  bool corrupt_for_test = false; // the peer corrupts one byte (tests the checker)
};

struct PointResult {
  PointConfig config;
  bool ok = false;
  std::string error;              // why not ok
  std::size_t effective_bytes = 0;// bytes per buffer / request actually sent
  std::string note;               // e.g. the UDP 64 KB clamp
  // stream: per-round samples; rr: per-round-trip samples (warm-up discarded).
  std::size_t samples = 0;
  Stats ticks;    // stream: ticks per buffer; rr: ticks per round trip (overhead subtracted)
  Stats ns;       // the same in ns
  Stats mb_s;     // 10^6 bytes/s of payload: stream received bytes / time; rr n / round trip
  double loss = 0;                // stream UDP: fraction of datagrams that never arrived
  std::size_t buffers_per_round = 0;
  bool verified = false;          // every checked byte was the byte sent
  std::uint64_t bytes_checked = 0;
  double wall_s = 0;
};

// Runs one point: forks the peer, measures, reaps it. Never throws; failures come back
// as ok == false with an error. Restores the caller's CPU affinity.
PointResult run_point(const PointConfig& cfg);

// Output helpers.
std::string csv_header();
std::string csv_row(const PointResult& r);
std::string json_row(const PointResult& r);

}  // namespace eros::bench::baselines
