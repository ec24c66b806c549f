#include "bench/copy/tuning_host.hpp"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/copy/measure.hpp"
#include "bench/method/method.hpp"
#include "copy/copy.hpp"
#include "copy/variants.hpp"

namespace eros::copy {

namespace {

std::string g_source = "default";
std::string g_file;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first "key : value" of /proc/cpuinfo.
std::string cpuinfo_field(const std::string& text, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    auto colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::StripAsciiWhitespace(line.substr(0, colon)) == key)
      return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return {};
}

std::uint32_t fnv1a(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 48) out.resize(48);
  return out.empty() ? "unknown" : out;
}

const char* hw_name(Hw h) {
  switch (h) {
    case Hw::movsb: return "movsb";
    case Hw::movsq: return "movsq";
    case Hw::ldpstp: return "ldpstp";
    case Hw::mops: return "mops";
  }
  return "?";
}

bool hw_from(const std::string& s, Hw* h) {
  for (Hw c : {Hw::movsb, Hw::movsq, Hw::ldpstp, Hw::mops})
    if (s == hw_name(c)) {
      *h = c;
      return true;
    }
  return false;
}

std::string threshold(std::uint32_t v) { return v == kNever ? "never" : std::to_string(v); }
bool threshold_from(const std::string& s, std::uint32_t* v) {
  if (s == "never") {
    *v = kNever;
    return true;
  }
  char* end = nullptr;
  unsigned long x = std::strtoul(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || x >= kNever) return false;
  *v = static_cast<std::uint32_t>(x);
  return true;
}

bool mkdirs(const std::string& dir) {
  std::string cur;
  for (absl::string_view part : absl::StrSplit(dir, '/')) {
    cur += std::string(part) + "/";
    if (part.empty()) continue;
    if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

std::string cpu_model_name() {
  std::string info = read_all("/proc/cpuinfo");
  std::string m = cpuinfo_field(info, "model name");
  if (m.empty()) {  // aarch64: implementer and part
    std::string impl = cpuinfo_field(info, "CPU implementer");
    std::string part = cpuinfo_field(info, "CPU part");
    if (!impl.empty()) m = "arm-" + impl + "-" + part;
  }
  return m.empty() ? "unknown" : m;
}

std::string cpu_key() {
  std::string info = read_all("/proc/cpuinfo");
  std::string fam = cpuinfo_field(info, "cpu family"), model = cpuinfo_field(info, "model"),
              step = cpuinfo_field(info, "stepping");
  std::string flags = cpuinfo_field(info, "flags");
  if (flags.empty()) flags = cpuinfo_field(info, "Features");
  Features f = cpu_features();
  std::string feat = absl::StrCat(flags, "|simd", int(f.max_simd), "|erms", f.erms, "|fsrm",
                                  f.fsrm, "|mops", f.mops);
  std::string key = slug(cpu_model_name());
  if (!fam.empty()) key += absl::StrCat("-f", fam, "-m", model, "-s", step);
  return absl::StrCat(key, "-", absl::Hex(fnv1a(feat), absl::kZeroPad8));
}

std::string tuning_path() {
  if (const char* e = std::getenv("EROS_TUNING_FILE"); e != nullptr && *e != '\0') return e;
  std::string dir;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0')
    dir = x;
  else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0')
    dir = std::string(h) + "/.cache";
  else
    dir = "/tmp";
  return absl::StrCat(dir, "/eros/copy-tuning-", cpu_key(), ".txt");
}

std::string avoid_ranges(const Tuning& t) {
  std::string out;
  for (std::size_t c = 0; c < 4096;) {
    if (!hw_avoided(t, c)) {
      ++c;
      continue;
    }
    std::size_t e = c;
    while (e + 1 < 4096 && hw_avoided(t, e + 1)) ++e;
    if (!out.empty()) out += ",";
    out += e == c ? std::to_string(c) : absl::StrCat(c, "-", e);
    c = e + 1;
  }
  return out;
}

std::string format_tuning(const Tuning& t, const std::string& key, const std::string& note) {
  std::string s = "# eros copy tuning: thresholds of eros::copy::hybrid (copy/tuning.hpp)\n";
  if (!note.empty()) absl::StrAppend(&s, "# ", note, "\n");
  absl::StrAppend(&s, "key ", key, "\n");
  absl::StrAppend(&s, "version ", t.version, "\n");
  absl::StrAppend(&s, "simd ", int(t.simd), "\n");
  absl::StrAppend(&s, "hw ", hw_name(t.hw), "\n");
  absl::StrAppend(&s, "hw_min ", threshold(t.hw_min), "\n");
  absl::StrAppend(&s, "hw_max ", threshold(t.hw_max), "\n");
  absl::StrAppend(&s, "nt_min ", threshold(t.nt_min), "\n");
  absl::StrAppend(&s, "back_max ", threshold(t.back_max), "\n");
  absl::StrAppend(&s, "hw_avoid ", avoid_ranges(t).empty() ? "-" : avoid_ranges(t), "\n");
  return s;
}

bool parse_tuning(const std::string& text, Tuning* out, const std::string& expect_key,
                  std::string* error) {
  Tuning t;
  std::set<std::string> seen;
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> w = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (w.size() != 2) return fail(absl::StrCat("malformed line: ", line));
    const std::string& k = w[0];
    const std::string& v = w[1];
    seen.insert(k);
    if (k == "key") {
      if (!expect_key.empty() && v != expect_key)
        return fail(absl::StrCat("table is for ", v, ", this CPU is ", expect_key));
    } else if (k == "version") {
      if (v != std::to_string(kTuningVersion)) return fail("version " + v);
    } else if (k == "simd") {
      if (v == "16") t.simd = Simd::w16;
      else if (v == "32") t.simd = Simd::w32;
      else if (v == "64") t.simd = Simd::w64;
      else return fail("simd " + v);
    } else if (k == "hw") {
      if (!hw_from(v, &t.hw)) return fail("hw " + v);
    } else if (k == "hw_min" || k == "hw_max" || k == "nt_min" || k == "back_max") {
      std::uint32_t* dst = k == "hw_min"   ? &t.hw_min
                           : k == "hw_max" ? &t.hw_max
                           : k == "nt_min" ? &t.nt_min
                                           : &t.back_max;
      if (!threshold_from(v, dst)) return fail(k + " " + v);
    } else if (k == "hw_avoid") {
      if (v == "-") continue;
      for (absl::string_view r : absl::StrSplit(v, ',')) {
        std::vector<std::string> ab = absl::StrSplit(r, '-');
        std::uint32_t a = 0, b = 0;
        if (ab.size() == 1 && threshold_from(ab[0], &a)) b = a;
        else if (!(ab.size() == 2 && threshold_from(ab[0], &a) && threshold_from(ab[1], &b)))
          return fail(absl::StrCat("hw_avoid ", r));
        if (a > b || b > 4095) return fail(absl::StrCat("hw_avoid ", r));
        for (std::uint32_t c = a; c <= b; ++c) set_hw_avoided(t, c, true);
      }
    } else {
      return fail("unknown field " + k);
    }
  }
  for (const char* need : {"key", "version", "simd", "hw", "hw_min", "hw_max", "nt_min", "back_max"})
    if (!seen.count(need)) return fail(absl::StrCat("missing ", need));
  *out = t;
  return true;
}

bool save_tuning(const std::string& path, const Tuning& t, const std::string& note,
                 std::string* error) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && !mkdirs(path.substr(0, slash))) {
    if (error) *error = "cannot create " + path.substr(0, slash);
    return false;
  }
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(tmp);
    out << format_tuning(t, cpu_key(), note);
    if (!out) {
      if (error) *error = "cannot write " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (error) *error = "cannot rename to " + path;
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool load_tuning(const std::string& path, Tuning* t, std::string* error) {
  std::string text = read_all(path);
  if (text.empty()) {
    if (error) *error = "no file " + path;
    return false;
  }
  return parse_tuning(text, t, cpu_key(), error);
}

std::string tuning_to_cxx(const Tuning& t, const std::string& key) {
  std::string s = absl::StrCat("// eros::copy tuning for ", key,
                               " (eros-calibrate --emit_cxx). Use with\n"
                               "// -DEROS_COPY_TUNING_FILE='\"this-file\"'.\n",
                               "constexpr Tuning kBuildTuning = [] {\n  Tuning t{};\n");
  absl::StrAppend(&s, "  t.simd = static_cast<Simd>(", int(t.simd), ");\n");
  absl::StrAppend(&s, "  t.hw = static_cast<Hw>(", int(t.hw), ");  // ", hw_name(t.hw), "\n");
  absl::StrAppend(&s, "  t.hw_min = ", t.hw_min, "u;\n  t.hw_max = ", t.hw_max,
                  "u;\n  t.nt_min = ", t.nt_min, "u;\n  t.back_max = ", t.back_max, "u;\n");
  for (int i = 0; i < 64; ++i)
    if (t.hw_avoid[i] != 0)
      absl::StrAppend(&s, "  t.hw_avoid[", i, "] = 0x", absl::Hex(t.hw_avoid[i]), "ull;\n");
  absl::StrAppend(&s, "  return t;\n}();\n");
  return s;
}

void note_tuning_source(const std::string& source, const std::string& file) {
  g_source = source;
  g_file = file;
}

std::string tuning_json() {
  const Tuning& t = tuning();
  auto thr = [](std::uint32_t v) { return v == kNever ? std::string("null") : std::to_string(v); };
  return absl::StrCat("{\"key\":\"", bench::json_escape(cpu_key()), "\",\"file\":\"",
                      bench::json_escape(g_file), "\",\"source\":\"", g_source,
                      "\",\"simd_bytes\":", int(t.simd), ",\"hw\":\"", hw_name(t.hw),
                      "\",\"hw_min\":", thr(t.hw_min), ",\"hw_max\":", thr(t.hw_max),
                      ",\"nt_min\":", thr(t.nt_min), ",\"back_max\":", thr(t.back_max),
                      ",\"hw_avoid\":\"", avoid_ranges(t),
                      "\",\"inline_max\":", detail::kInlineMax, "}");
}

// ------------------------------------------------------------------ calibration

namespace {

using copybench::Buffers;
using copybench::Plan;
using copybench::time_cell;

// The policy for every choice between two ways of copying (candidate / incumbent time
// ratios with a cold and with a hot destination): the IPC path's usual case is a warm
// source and a cold destination (the paper, section 3), so the candidate is taken when it
// is 2 % faster cold and at most 8 % slower hot, or when it is 2 % faster on the
// geometric mean and at most 3 % slower in either.
bool prefer(double rc, double rh) {
  return (rc < 0.98 && rh < 1.08) || (std::sqrt(rc * rh) < 0.98 && rc < 1.03 && rh < 1.03);
}

struct Cal {
  const CalibrateOptions& o;
  Buffers buf;
  double overhead;
  std::size_t samples;

  explicit Cal(const CalibrateOptions& opts)
      : o(opts), overhead(copybench::overhead_ticks()), samples(opts.quick ? 61 : 161) {}

  void log(const std::string& s) const {
    if (o.log) o.log(s);
  }
  // Median ticks per copy of each fn at (n, cls, cold), floored at 0.05 tick.
  std::vector<double> t(const std::vector<CopyFn>& fns, std::size_t n, std::size_t cls, bool cold,
                        std::size_t samples_override = 0, std::size_t batch_div = 1) {
    Plan p;
    p.samples = samples_override ? samples_override : samples;
    p.batch = std::max<std::size_t>(1, copybench::batch_for(n, cold) / batch_div);
    p.warmup = 1;
    auto r = time_cell(fns, buf, n, cls, cold, p, overhead);
    std::vector<double> out;
    for (auto& x : r) out.push_back(std::max(x.median_ticks, 0.05));
    return out;
  }
};

}  // namespace

Tuning calibrate(const CalibrateOptions& opts) {
  // Pinned while measuring (to the idlest allowed CPU unless told), then the caller's
  // affinity is restored.
  cpu_set_t saved_affinity;
  CPU_ZERO(&saved_affinity);
  const bool have_affinity = sched_getaffinity(0, sizeof saved_affinity, &saved_affinity) == 0;
  bench::pin_to_cpu(opts.cpu >= 0 ? opts.cpu : copybench::idlest_cpu());
  const Tuning before = tuning();
  set_tuning(Tuning{});  // neutral while measuring: no hardware move, no streaming stores
  Cal c(opts);
  Features f = cpu_features();
  Tuning t;
  t.hw_min = t.hw_max = t.nt_min = kNever;

  // 1. The SIMD width of the unrolled copy: geometric mean over sizes, cold and hot.
  std::vector<Simd> widths = {Simd::w16};
  if (f.max_simd >= Simd::w32) widths.push_back(Simd::w32);
  if (f.max_simd >= Simd::w64) widths.push_back(Simd::w64);
  {
    std::vector<CopyFn> fns;
    for (Simd w : widths) fns.push_back(hybrid_of(w));
    std::vector<double> score(widths.size(), 0);
    for (std::size_t n : {0, 8, 24, 48, 100, 200, 448, 1000, 4096, 16384})
      for (bool cold : {false, true})
        for (std::size_t cls : {64, 2048}) {
          auto r = c.t(fns, n, cls, cold);
          for (std::size_t i = 0; i < r.size(); ++i) score[i] += std::log(r[i]);
        }
    std::size_t best = 0;
    for (std::size_t i = 1; i < widths.size(); ++i)
      if (score[i] <= score[best] + 0.01) best = i;  // ties go to the wider
    t.simd = widths[best];
    c.log(absl::StrFormat("simd: %d bytes", int(t.simd)));
  }
  CopyFn simd = hybrid_of(t.simd);  // the unrolled copy as the hybrid runs it

  // 1b. Short distances ((dst - src) mod 4096 in 1..255): up to which size the unrolled
  // copy runs backwards. Backwards wins with a hot destination (no 4 KB aliasing) and
  // loses with a cold one (descending stores); sizes qualify by prefer(), from the
  // smallest up.
  {
    CopyFn fwd = lines_of(t.simd, false), bwd = lines_of(t.simd, true);
    const std::vector<std::size_t> bsizes = {768, 1024, 1536, 2048, 3072, 4096, 8192, 16384};
    t.back_max = 0;
    std::string line = "backwards / forwards at short distances (cold, hot):";
    for (std::size_t n : bsizes) {
      double lc = 0, lh = 0;
      for (bool cold : {true, false})
        for (std::size_t cls : {8, 64, 200}) {
          auto r = c.t({bwd, fwd}, n, cls, cold);
          (cold ? lc : lh) += std::log(r[0] / r[1]) / 3;
        }
      double rc = std::exp(lc), rh = std::exp(lh);
      bool win = prefer(rc, rh);
      absl::StrAppendFormat(&line, " %zu:%.2f,%.2f%s", n, rc, rh, win ? "*" : "");
      if (!win) break;
      t.back_max = static_cast<std::uint32_t>(n);
    }
    c.log(line);
    c.log("back_max: " + std::to_string(t.back_max));
  }

  // 2. The hardware move, in the form the hybrid runs it (destination line-aligned):
  // which instruction, and the sizes where it beats the unrolled copy at benign
  // distances (prefer()).
  std::vector<Hw> hws;
  for (Hw h : {Hw::movsb, Hw::movsq, Hw::mops, Hw::ldpstp})
    if (hardware_aligned_of(h) != nullptr) hws.push_back(h);
  const std::vector<std::size_t> sizes = {1024, 1536, 2048,  3072,  4096,  6144,  8192,
                                          12288, 16384, 24576, 32768, 49152, 65536};
  const std::size_t benign[] = {0, 64, 2048};
  std::vector<bool> best_win;
  double best_score = 1e300;
  for (Hw h : hws) {
    CopyFn hw = hardware_aligned_of(h);
    std::vector<bool> win(sizes.size(), false);
    double score = 0;
    std::string line = absl::StrFormat("%s / unrolled (cold, hot):", hw_name(h));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      double lc = 0, lh = 0;
      for (bool cold : {true, false})
        for (std::size_t cls : benign) {
          auto r = c.t({hw, simd}, sizes[i], cls, cold);
          (cold ? lc : lh) += std::log(r[0] / r[1]) / 3;
        }
      double rc = std::exp(lc), rh = std::exp(lh);
      win[i] = prefer(rc, rh);
      score += win[i] ? (lc + lh) / 2 : 0;
      absl::StrAppendFormat(&line, " %zu:%.2f,%.2f%s", sizes[i], rc, rh, win[i] ? "*" : "");
    }
    // a lone miss between two qualifying sizes is taken as noise
    for (std::size_t i = 1; i + 1 < sizes.size(); ++i)
      if (!win[i] && win[i - 1] && win[i + 1]) {
        win[i] = true;
        line += absl::StrFormat(" (%zu: gap filled)", sizes[i]);
      }
    c.log(line);
    if (score < best_score) {
      best_score = score;
      best_win = win;
      t.hw = h;
    }
  }
  // The longest run of qualifying sizes (a lone qualifying size between two that do not
  // is taken as noise).
  {
    std::size_t bi = sizes.size(), bj = 0, best_len = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      std::size_t j = i;
      while (j < sizes.size() && best_win[j]) ++j;
      if (j - i > best_len && (j - i >= 2 || j == sizes.size())) {
        best_len = j - i;
        bi = i;
        bj = j;
      }
      if (j > i) i = j - 1;
    }
    if (best_len > 0) {
      t.hw_min = static_cast<std::uint32_t>(sizes[bi]);
      t.hw_max = bj < sizes.size() ? static_cast<std::uint32_t>(sizes[bj]) : kNever;
    }
    c.log(absl::StrFormat("hw: %s from %s below %s", hw_name(t.hw), threshold(t.hw_min),
                          threshold(t.hw_max)));
  }

  // 3. The distance classes where the hardware move is slow. Probes: cold at the
  // smallest size it is used for and at 32 KB, hot at 64 KB (hot at smaller sizes the
  // unrolled copy's own time varies by 10 % from class to class, which would decide). A
  // class scores above 0 when in some probe the hardware move, against the unrolled
  // copy, does 4 % worse cold or 6 % worse hot than at the benign distances the size
  // range was chosen on (0, 64, 2048). The relative alignment, (dst - src) mod 64,
  // matters everywhere: each residue is measured at eight distances across the page and
  // the median (per probe) decides for all classes with that residue (a per-class
  // decision would follow noise). Within 128 bytes of a page alias (classes 0..127 and
  // 3968..4095), where 4 KB aliasing adds its own slow cases (up to 12x at 4..15 on Zen),
  // every class is also measured on its own, twice when found slow (the better kept),
  // and avoided when 10 % past the bound.
  if (t.hw_min != kNever) {
    CopyFn hw = hardware_aligned_of(t.hw);
    struct Probe {
      std::size_t n;
      bool cold;
    };
    std::size_t n0 = std::min<std::size_t>(t.hw_min, 65536);
    std::vector<Probe> probes = {{n0, true}, {65536, false}};
    if (n0 < 32768) probes.push_back({32768, true});
    const std::size_t samp = opts.quick ? 9 : 21;
    // The score of a class: how far the hardware move, against the unrolled copy, misses
    // the bound in its worst probe (above 0: avoid the class): 4 % (cold) or 6 % (hot)
    // worse than at the benign distances the size range was chosen on (0, 64, 2048).
    std::vector<double> base;
    for (const Probe& p : probes) {
      std::vector<double> v;
      for (std::size_t cls : {0, 64, 2048}) {
        auto r = c.t({hw, simd}, p.n, cls, p.cold, 2 * samp, 2);
        v.push_back(r[0] / r[1]);
      }
      std::sort(v.begin(), v.end());
      base.push_back(v[1]);
    }
    auto scores_at = [&](std::size_t cls) {  // per probe
      std::vector<double> v;
      for (std::size_t i = 0; i < probes.size(); ++i) {
        auto r = c.t({hw, simd}, probes[i].n, cls, probes[i].cold, samp, 2);
        v.push_back(r[0] / r[1] / base[i] - (probes[i].cold ? 1.04 : 1.06));
      }
      return v;
    };
    auto worst_at = [&](std::size_t cls) {
      auto v = scores_at(cls);
      return *std::max_element(v.begin(), v.end());
    };
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    // relative alignment
    std::vector<double> residue(64);
    for (std::size_t r = 0; r < 64; ++r) {
      // per probe, the median over eight distances; then the worst probe
      std::vector<std::vector<double>> per_probe(probes.size());
      for (std::size_t k = 5; k < 61; k += 7) {
        auto v = scores_at(64 * k + r);
        for (std::size_t i = 0; i < v.size(); ++i) per_probe[i].push_back(v[i]);
      }
      residue[r] = -1e9;
      for (auto& v : per_probe) residue[r] = std::max(residue[r], median(v));
    }
    // near the page alias
    std::vector<double> fine(4096, 0);
    for (std::size_t cls = 0; cls < 128; ++cls) fine[cls] = worst_at(cls);
    for (std::size_t cls = 3968; cls < 4096; ++cls) fine[cls] = worst_at(cls);
    // a class found slow there is measured again, and the better measurement kept
    for (std::size_t cls = 0; cls < 4096; ++cls)
      if (fine[cls] > 0) fine[cls] = std::min(fine[cls], worst_at(cls));
    std::string res_line = "hw score by (dst - src) mod 64 (> 0: avoid):";
    for (std::size_t r = 0; r < 64; ++r) absl::StrAppendFormat(&res_line, " %+.2f", residue[r]);
    c.log(res_line);
    for (std::size_t cls = 0; cls < 4096; ++cls) {
      bool near = cls < 128 || cls >= 3968;
      // near the alias a class is avoided for its residue, or on its own when it is
      // clearly slow (10 % past the bound): the aliasing cases are 1.5x to 12x
      bool avoid = residue[cls & 63] > 0 || (near && fine[cls] > 0.10);
      set_hw_avoided(t, cls, avoid);
    }
    c.log("hw avoided at (dst - src) mod 4096 in: " + avoid_ranges(t));
  }

  // 4. Streaming stores: from the smallest size from which on prefer() takes them over
  // the hybrid so far at every larger size.
  {
    set_tuning(t);  // so the hybrid runs the table measured so far
    CopyFn hyb = detail::large_path;
    CopyFn nt = nontemporal_of(t.simd);
    std::vector<std::size_t> big = {8192, 16384, 32768, 65536};
    std::vector<bool> win;
    std::string line = "nontemporal / hybrid (cold, hot):";
    for (std::size_t n : big) {
      double lc = 0, lh = 0;
      for (bool cold : {true, false})
        for (std::size_t cls : {64, 2048}) {
          auto r = c.t({nt, hyb}, n, cls, cold);
          (cold ? lc : lh) += std::log(r[0] / r[1]) / 2;
        }
      double rc = std::exp(lc), rh = std::exp(lh);
      win.push_back(prefer(rc, rh));
      absl::StrAppendFormat(&line, " %zu:%.2f,%.2f%s", n, rc, rh, win.back() ? "*" : "");
    }
    c.log(line);
    for (std::size_t i = big.size(); i-- > 0;) {
      if (!win[i]) break;
      t.nt_min = static_cast<std::uint32_t>(big[i]);
    }
    c.log("nt_min: " + threshold(t.nt_min));
  }
  set_tuning(before);
  if (have_affinity) sched_setaffinity(0, sizeof saved_affinity, &saved_affinity);
  return t;
}

bool ensure_tuned() {
  // Once per process: a later call (every sim::System does one) must not undo a table
  // the program installed on purpose after the first (eros-repro-kernel --nt_min).
  static bool installed = false;
  if (installed) return true;
  installed = true;
  std::string path = tuning_path();
  Tuning t;
  std::string err;
  if (load_tuning(path, &t, &err) && set_tuning(t)) {
    note_tuning_source("loaded", path);
    return true;
  }
  CalibrateOptions o;
  o.quick = true;
  t = calibrate(o);
  if (!set_tuning(t)) {
    note_tuning_source("default", "");
    return false;
  }
  std::string werr;
  bool saved = save_tuning(path, t,
                           absl::StrCat("calibrated (quick) on first use, ", now_utc(), ", ",
                                        cpu_model_name()),
                           &werr);
  note_tuning_source(saved ? "calibrated" : "calibrated-unsaved", saved ? path : "");
  return true;
}

}  // namespace eros::copy
