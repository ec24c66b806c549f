// eros-copybench: the paper's Figure 2 on this machine. Every block move, warm source,
// cold destination (every destination line flushed before each copy) and hot
// destination, over payloads 0..65,536 bytes and (dst - src) mod 4096 classes; the C
// library's memcpy is the reference. Writes DIR/copy.csv, copy.json, copy_summary.json,
// copy_matrix.txt, fig2.dat/.gp/.svg/.png.
#include <sys/stat.h>

#include <filesystem>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "bench/method/cli.hpp"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/copy/measure.hpp"
#include "bench/copy/tuning_host.hpp"
#include "bench/method/method.hpp"
#include "copy/copy.hpp"
#include "copy/variants.hpp"

ABSL_FLAG(bool, quick, false, "fewer sizes and samples (under 20 s)");
ABSL_FLAG(std::string, out, "results", "output directory");
ABSL_FLAG(int, cpu, -1, "CPU to pin to (-1: the idlest allowed one)");
ABSL_FLAG(bool, recalibrate, false, "calibrate afresh instead of loading the tuning file");
ABSL_FLAG(std::vector<std::string>, sizes, {}, "payload sizes (default: the Figure 2 grid)");
ABSL_FLAG(std::vector<std::string>, classes, {}, "(dst - src) mod 4096 classes (default: 0,8,16,64,2048,4032,4080)");
ABSL_FLAG(int, samples, 0, "samples per variant and cell (default: 101 quick, 601 full)");
ABSL_FLAG(std::vector<std::string>, variants, {}, "only these variants (memcpy and hybrid always)");

namespace {

using eros::copy::CopyFn;
using eros::copybench::Buffers;
using eros::copybench::Plan;
using eros::copybench::Timing;

struct Fn {
  std::string name;
  std::string kind;  // reference, hardware, unrolled, write_allocate, nontemporal, hybrid
  CopyFn fn;
};

struct Result {
  bool cold;
  std::size_t n, cls;
  std::vector<Timing> t;  // per Fn
};

const char* kind_name(eros::copy::Kind k) {
  switch (k) {
    case eros::copy::Kind::hardware: return "hardware";
    case eros::copy::Kind::unrolled: return "unrolled";
    case eros::copy::Kind::write_allocate: return "write_allocate";
    case eros::copy::Kind::nontemporal: return "nontemporal";
    case eros::copy::Kind::hybrid: return "hybrid";
  }
  return "?";
}

std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.4g", v);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("eros-copybench [--quick] [--out DIR]: the paper's Figure 2");
  eros::cli::parse_flags(argc, argv);
  const bool quick = absl::GetFlag(FLAGS_quick);
  const std::string dir = absl::GetFlag(FLAGS_out);
  const auto t_start = std::chrono::steady_clock::now();
  {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "eros-copybench: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
      return 1;
    }
  }

  int cpu = absl::GetFlag(FLAGS_cpu);
  if (cpu < 0) cpu = eros::copybench::idlest_cpu();
  if (!eros::bench::pin_to_cpu(cpu)) std::fprintf(stderr, "warning: cannot pin to CPU %d\n", cpu);

  // The tuning in force: the file for this CPU, else a quick calibration (stored).
  if (absl::GetFlag(FLAGS_recalibrate)) {
    eros::copy::CalibrateOptions o;
    o.quick = quick;
    o.log = [](const std::string& s) { std::fprintf(stderr, "calibrate: %s\n", s.c_str()); };
    auto t = eros::copy::calibrate(o);
    eros::copy::set_tuning(t);
    std::string err;
    bool saved = eros::copy::save_tuning(eros::copy::tuning_path(), t, "eros-copybench --recalibrate", &err);
    eros::copy::note_tuning_source("calibrated", saved ? eros::copy::tuning_path() : "");
  } else if (!eros::copy::ensure_tuned()) {
    std::fprintf(stderr, "warning: no tuning installed; the build default is in force\n");
  }
  std::fprintf(stderr, "tuning: %s\n", eros::copy::tuning_json().c_str());

  // The variants: the C library's memcpy first (the reference), then the family.
  std::vector<Fn> fns;
  fns.push_back({"memcpy", "reference", reinterpret_cast<CopyFn>(reinterpret_cast<void (*)()>(&std::memcpy))});
  std::size_t count = 0;
  const eros::copy::Variant* vs = eros::copy::variants(&count);
  for (std::size_t i = 0; i < count; ++i)
    if (vs[i].available) {
      auto only = absl::GetFlag(FLAGS_variants);
      std::string name = vs[i].name;
      if (!only.empty() && name != "hybrid" && std::find(only.begin(), only.end(), name) == only.end())
        continue;
      fns.push_back({name, kind_name(vs[i].kind), vs[i].fn});
    }
  std::vector<CopyFn> fptrs;
  for (auto& f : fns) fptrs.push_back(f.fn);
  auto index_of = [&](const std::string& name) -> int {
    for (std::size_t i = 0; i < fns.size(); ++i)
      if (fns[i].name == name) return int(i);
    return -1;
  };
  const int i_libc = index_of("memcpy"), i_hybrid = index_of("hybrid");
  // The hardware move: the first hardware variant (rep movsb; aarch64 MOPS if present,
  // else the ldp/stp loop). The unrolled copy it is compared with: the table's width.
  int i_hw = -1, i_unrolled = -1;
  for (std::size_t i = 0; i < fns.size(); ++i)
    if (fns[i].kind == "hardware" && (i_hw < 0 || fns[i].name == "hw_mops")) i_hw = int(i);
  {
    CopyFn u = eros::copy::unrolled_of(eros::copy::tuning().simd);
    for (std::size_t i = 0; i < fns.size(); ++i)
      if (fns[i].fn == u) i_unrolled = int(i);
  }

  auto parse_list = [](const std::vector<std::string>& v) {
    std::vector<std::size_t> out;
    for (auto& x : v) out.push_back(std::strtoull(x.c_str(), nullptr, 10));
    return out;
  };
  std::vector<std::size_t> sizes =
      !absl::GetFlag(FLAGS_sizes).empty() ? parse_list(absl::GetFlag(FLAGS_sizes)) :
      quick ? std::vector<std::size_t>{0, 8, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
                                       16384, 32768, 65536}
            : std::vector<std::size_t>{0,    1,    2,    4,     8,     16,    24,    32,
                                       48,   64,   96,   128,   192,   256,   384,   512,
                                       768,  1024, 1536, 2048,  3072,  4096,  6144,  8192,
                                       12288, 16384, 24576, 32768, 49152, 65536};
  const std::vector<std::size_t> classes = !absl::GetFlag(FLAGS_classes).empty()
                                               ? parse_list(absl::GetFlag(FLAGS_classes))
                                               : std::vector<std::size_t>{0, 8, 16, 64, 2048, 4032, 4080};

  Buffers buf;
  std::vector<Result> results;
  const double overhead = eros::copybench::overhead_ticks();
  auto plan_for = [&](std::size_t n, bool cold) {
    Plan p;
    p.batch = eros::copybench::batch_for(n, cold);
    p.samples = absl::GetFlag(FLAGS_samples) > 0 ? std::size_t(absl::GetFlag(FLAGS_samples))
                : quick                           ? 101
                                                  : 601;
    p.warmup = 2;
    return p;
  };
  for (bool cold : {true, false})
    for (std::size_t n : sizes) {
      Plan p = plan_for(n, cold);
      for (std::size_t cls : classes) {
        Result r{cold, n, cls, eros::copybench::time_cell(fptrs, buf, n, cls, cold, p, overhead)};
        results.push_back(std::move(r));
      }
    }
  // Every variant moved the right bytes in every (size, class) cell, checked once each
  // outside the timed region: a copy that wrote the wrong bytes (or too few, or past n)
  // would otherwise win its cell. The destination starts as the complement of the source,
  // so every byte must be written; the 64 bytes after it must stay untouched.
  std::uint64_t copies_verified = 0, copy_mismatches = 0;
  std::vector<std::string> mismatch_cells;
  for (std::size_t n : sizes)
    for (std::size_t cls : classes)
      for (const Fn& f : fns) {
        unsigned char* d = buf.dst(n, cls, 0);
        const unsigned char* src = buf.src(0);
        for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(~src[i]);
        std::memset(d + n, 0x5A, 64);
        f.fn(d, src, n);
        bool right = std::memcmp(d, src, n) == 0;
        for (std::size_t i = 0; i < 64; ++i) right = right && d[n + i] == 0x5A;
        ++copies_verified;
        if (!right) {
          ++copy_mismatches;
          mismatch_cells.push_back(absl::StrCat(f.name, " ", n, " B class ", cls));
          std::fprintf(stderr, "eros-copybench: CHECK FAILED: %s %zu B class %zu: wrong bytes\n",
                       f.name.c_str(), n, cls);
        }
      }
  const double ghz = eros::bench::tsc_ghz();
  auto ns = [&](double ticks) { return eros::bench::ticks_to_ns(ticks); };

  // ---- copy.csv
  std::string csv = "destination,size,class,variant,kind,median_ticks,median_ns,p5_ticks,p95_ticks,samples,batch\n";
  for (auto& r : results)
    for (std::size_t f = 0; f < fns.size(); ++f)
      absl::StrAppendFormat(&csv, "%s,%zu,%zu,%s,%s,%.3f,%.3f,%.3f,%.3f,%zu,%zu\n",
                            r.cold ? "cold" : "hot", r.n, r.cls, fns[f].name, fns[f].kind,
                            r.t[f].median_ticks, ns(r.t[f].median_ticks), r.t[f].p5_ticks,
                            r.t[f].p95_ticks, r.t[f].samples, r.t[f].batch);
  if (!write_file(dir + "/copy.csv", csv)) {
    std::fprintf(stderr, "eros-copybench: cannot write %s/copy.csv\n", dir.c_str());
    return 1;
  }

  // ---- the figures, over every size x class cell (payload 0 included). A time below
  // half a tick is taken as half a tick (a ratio of two near-zero medians says nothing).
  auto floor_t = [](double t) { return std::max(t, 0.5); };
  struct Summary {
    double worst = 0, geo = 0;
    std::string worst_cell;
    std::size_t cells = 0;
    double hw_ratio = 0, hybrid_vs_hw = 0;
    std::size_t hw_n = 0, hw_cls = 0;
    // the same, choosing the cell by the time the hardware move loses (not the ratio)
    double x_excess = -1e300, x_ratio = 0, x_hybrid_vs_hw = 0;
    std::size_t x_n = 0, x_cls = 0;
  };
  auto summarize = [&](bool cold) {
    Summary s;
    double lsum = 0;
    for (auto& r : results) {
      if (r.cold != cold) continue;
      double q = floor_t(r.t[i_hybrid].median_ticks) / floor_t(r.t[i_libc].median_ticks);
      lsum += std::log(q);
      ++s.cells;
      if (q > s.worst) {
        s.worst = q;
        s.worst_cell = absl::StrFormat("%zu B, class %zu", r.n, r.cls);
      }
      if (i_hw >= 0 && i_unrolled >= 0) {
        double h = floor_t(r.t[i_hw].median_ticks) / floor_t(r.t[i_unrolled].median_ticks);
        if (h > s.hw_ratio) {
          s.hw_ratio = h;
          s.hw_n = r.n;
          s.hw_cls = r.cls;
          s.hybrid_vs_hw = floor_t(r.t[i_hybrid].median_ticks) / floor_t(r.t[i_hw].median_ticks);
        }
        double excess = r.t[i_hw].median_ticks - r.t[i_unrolled].median_ticks;
        if (excess > s.x_excess) {
          s.x_excess = excess;
          s.x_ratio = h;
          s.x_n = r.n;
          s.x_cls = r.cls;
          s.x_hybrid_vs_hw = floor_t(r.t[i_hybrid].median_ticks) / floor_t(r.t[i_hw].median_ticks);
        }
      }
    }
    s.geo = s.cells ? std::exp(lsum / double(s.cells)) : 0;
    return s;
  };
  Summary cold_s = summarize(true), hot_s = summarize(false);

  // ---- the matrix: winner of each size x class cell
  std::string matrix;
  std::string matrix_json = "{";
  for (bool cold : {true, false}) {
    absl::StrAppend(&matrix, cold ? "Cold destination" : "Hot destination",
                    ": fastest variant per cell (median ticks), hybrid/memcpy below\n");
    absl::StrAppendFormat(&matrix, "%8s", "size");
    for (auto c : classes) absl::StrAppendFormat(&matrix, " | %-26s", absl::StrCat("class ", c));
    matrix += "\n";
    absl::StrAppend(&matrix_json, cold ? "\"cold\":[" : ",\"hot\":[");
    bool first = true;
    for (std::size_t n : sizes) {
      std::string l1 = absl::StrFormat("%8zu", n), l2 = absl::StrFormat("%8s", "");
      for (auto c : classes) {
        for (auto& r : results) {
          if (r.cold != cold || r.n != n || r.cls != c) continue;
          std::size_t w = 0;
          for (std::size_t f = 1; f < fns.size(); ++f)
            if (r.t[f].median_ticks < r.t[w].median_ticks) w = f;
          absl::StrAppendFormat(&l1, " | %-18s %7.1f", fns[w].name, r.t[w].median_ticks);
          absl::StrAppendFormat(&l2, " | %-26s",
                                absl::StrFormat("h/libc %.3f",
                                                floor_t(r.t[i_hybrid].median_ticks) /
                                                    floor_t(r.t[i_libc].median_ticks)));
          absl::StrAppendFormat(&matrix_json, "%s{\"size\":%zu,\"class\":%zu,\"winner\":\"%s\",\"ticks\":%s}",
                                first ? "" : ",", n, c, fns[w].name, num(r.t[w].median_ticks));
          first = false;
        }
      }
      absl::StrAppend(&matrix, l1, "\n", l2, "\n");
    }
    matrix_json += "]";
    matrix += "\n";
  }
  matrix_json += "}";
  write_file(dir + "/copy_matrix.txt", matrix);

  // ---- copy.json
  std::string env = eros::bench::environment_json();
  std::string tj = eros::copy::tuning_json();
  std::string j = absl::StrCat("{\"experiment\":\"copy (Figure 2)\",\"quick\":", quick ? "true" : "false",
                               ",\"environment\":", env, ",\"tuning\":", tj,
                               ",\"cpu\":", cpu, ",\"tsc_ghz\":", num(ghz),
                               ",\"method_timer_overhead_ticks\":", eros::bench::timer_overhead_ticks(),
                               ",\"overhead_ticks\":", num(overhead));
  absl::StrAppend(&j, ",\"variants\":[");
  for (std::size_t f = 0; f < fns.size(); ++f)
    absl::StrAppend(&j, f ? "," : "", "{\"name\":\"", fns[f].name, "\",\"kind\":\"", fns[f].kind, "\"}");
  absl::StrAppend(&j, "],\"sizes\":[", absl::StrJoin(sizes, ","), "],\"classes\":[",
                  absl::StrJoin(classes, ","), "],\"cells\":[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    absl::StrAppend(&j, i ? "," : "", "{\"destination\":\"", r.cold ? "cold" : "hot",
                    "\",\"size\":", r.n, ",\"class\":", r.cls, ",\"median_ticks\":{");
    for (std::size_t f = 0; f < fns.size(); ++f)
      absl::StrAppend(&j, f ? "," : "", "\"", fns[f].name, "\":", num(r.t[f].median_ticks));
    absl::StrAppend(&j, "},\"median_ns\":{");
    for (std::size_t f = 0; f < fns.size(); ++f)
      absl::StrAppend(&j, f ? "," : "", "\"", fns[f].name, "\":", num(ns(r.t[f].median_ticks)));
    absl::StrAppend(&j, "}}");
  }
  absl::StrAppend(&j, "],\"winners\":", matrix_json);

  auto summary_json = [&](const Summary& s, const std::string& suffix) {
    return absl::StrCat(
        "\"hybrid_vs_libc_worst", suffix, "\":", num(s.worst), ",\"hybrid_vs_libc_worst_cell", suffix,
        "\":\"", s.worst_cell, "\",\"hybrid_vs_libc_geomean", suffix, "\":", num(s.geo),
        ",\"hybrid_vs_hw_worstclass", suffix, "\":", num(s.hybrid_vs_hw), ",\"hw_worst_cell", suffix,
        "\":{\"size\":", s.hw_n, ",\"class\":", s.hw_cls, ",\"hw_vs_unrolled\":", num(s.hw_ratio),
        "},\"hybrid_vs_hw_worstexcess", suffix, "\":", num(s.x_hybrid_vs_hw),
        ",\"hw_worst_excess_cell", suffix, "\":{\"size\":", s.x_n, ",\"class\":", s.x_cls,
        ",\"hw_vs_unrolled\":", num(s.x_ratio), ",\"excess_ns\":", num(ns(s.x_excess)),
        "},\"cells", suffix, "\":", s.cells);
  };
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::string summary = absl::StrCat(
      "{", summary_json(cold_s, ""), ",", summary_json(hot_s, "_hot"),
      ",\"destination\":\"cold (the _hot keys: hot destination)\"",
      ",\"hardware_move\":\"", i_hw >= 0 ? fns[i_hw].name : "", "\",\"unrolled\":\"",
      i_unrolled >= 0 ? fns[i_unrolled].name : "", "\",\"cpu_model\":\"",
      eros::bench::json_escape(eros::copy::cpu_model_name()), "\",\"tuning\":", tj,
      ",\"quick\":", quick ? "true" : "false", ",\"seconds\":", num(secs),
      ",\"copies_verified\":", copies_verified, ",\"copy_mismatches\":", copy_mismatches,
      ",\"copy_mismatch_cells\":[", mismatch_cells.empty() ? "" : "\"", absl::StrJoin(mismatch_cells, "\",\""),
      mismatch_cells.empty() ? "" : "\"", "]",
      ",\"note\":\"time per copy: median over samples of a batch of copies, timer overhead subtracted; ratios over every size x class cell; judged keys: cold destination\"}");
  absl::StrAppend(&j, ",\"summary\":", summary, "}\n");
  write_file(dir + "/copy.json", j);
  write_file(dir + "/copy_summary.json", summary + "\n");

  // ---- Figure 2: time vs payload, cold destination, class 0 (and 16), per variant
  std::string dat;
  for (std::size_t cls : {std::size_t{0}, std::size_t{16}}) {
    absl::StrAppend(&dat, "# class ", cls, ": size");
    for (auto& f : fns) absl::StrAppend(&dat, " ", f.name);
    dat += "\n";
    for (std::size_t n : sizes) {
      if (n == 0) continue;
      for (auto& r : results)
        if (r.cold && r.n == n && r.cls == cls) {
          absl::StrAppend(&dat, n);
          for (std::size_t f = 0; f < fns.size(); ++f)
            absl::StrAppendFormat(&dat, " %.3f", std::max(ns(r.t[f].median_ticks), 0.05));
          dat += "\n";
        }
    }
    dat += "\n\n";
  }
  write_file(dir + "/fig2.dat", dat);
  std::string cpu_model = eros::copy::cpu_model_name();
  std::string gp = absl::StrCat(
      "# Figure 2: block moves, warm source, cold destination (eros-copybench)\n",
      "set termoption noenhanced\nset logscale xy\nset xlabel 'payload (bytes)'\n",
      "set ylabel 'median time per copy (ns)'\n",
      "set key top left font ',9'\nset grid\nset multiplot layout 1,2 title '",
      "Block moves, cold destination (", cpu_model, ")'\n");
  for (int block = 0; block < 2; ++block) {
    absl::StrAppend(&gp, "set title '(dst - src) mod 4096 = ", block == 0 ? 0 : 16, "'\nplot ");
    for (std::size_t f = 0; f < fns.size(); ++f)
      absl::StrAppend(&gp, f ? ", " : "", "'fig2.dat' index ", block, " using 1:", f + 2,
                      " with linespoints lw ", (fns[f].name == "hybrid" || fns[f].name == "memcpy") ? 3 : 1,
                      " title '", fns[f].name, "'");
    gp += "\n";
  }
  gp += "unset multiplot\n";
  write_file(dir + "/fig2.gp", gp);
  std::string cmd = absl::StrCat(
      "cd '", dir, "' && gnuplot -e \"set terminal svg size 1400,600 dynamic; set output 'fig2.svg'\" fig2.gp",
      " && gnuplot -e \"set terminal pngcairo size 1400,600; set output 'fig2.png'\" fig2.gp");
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "warning: gnuplot failed\n");

  std::printf("%s", matrix.c_str());
  std::printf("CPU: %s (TSC %.3f GHz), pinned to CPU %d, %.1f s\n", cpu_model.c_str(), ghz, cpu, secs);
  std::printf("cold: hybrid_vs_libc_worst %.3f (%s), geomean %.3f, hybrid_vs_hw_worstclass %.3f "
              "(hw worst at %zu B class %zu: %.2fx the unrolled copy; by time lost: %zu B class %zu, "
              "%.2fx, hybrid/hw %.3f)\n",
              cold_s.worst, cold_s.worst_cell.c_str(), cold_s.geo, cold_s.hybrid_vs_hw, cold_s.hw_n,
              cold_s.hw_cls, cold_s.hw_ratio, cold_s.x_n, cold_s.x_cls, cold_s.x_ratio,
              cold_s.x_hybrid_vs_hw);
  std::printf("hot:  hybrid_vs_libc_worst %.3f (%s), geomean %.3f, hybrid_vs_hw_worstclass %.3f "
              "(hw worst at %zu B class %zu: %.2fx)\n",
              hot_s.worst, hot_s.worst_cell.c_str(), hot_s.geo, hot_s.hybrid_vs_hw, hot_s.hw_n,
              hot_s.hw_cls, hot_s.hw_ratio);
  std::printf("verified: %llu copies (every variant, size and class), %llu wrong\n",
              static_cast<unsigned long long>(copies_verified), static_cast<unsigned long long>(copy_mismatches));
  std::printf("wrote %s/copy.csv copy.json copy_summary.json copy_matrix.txt fig2.svg fig2.png\n", dir.c_str());
  return copy_mismatches == 0 ? 0 : 1;
}
