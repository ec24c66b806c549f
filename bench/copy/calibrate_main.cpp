// eros-calibrate: measures the block moves on this machine and writes the hybrid's
// tuning table to the file keyed by CPU model and flags (or --out), and optionally a C++
// initializer for the freestanding build (--emit_cxx).
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "bench/method/cli.hpp"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "bench/copy/measure.hpp"
#include "bench/copy/tuning_host.hpp"
#include "bench/method/method.hpp"
#include "copy/tuning.hpp"

ABSL_FLAG(bool, full, false, "more samples and every class at every probe (a few seconds)");
ABSL_FLAG(std::string, out, "", "tuning file to write (default: the one for this CPU)");
ABSL_FLAG(std::string, emit_cxx, "", "also write a C++ initializer for -DEROS_COPY_TUNING_FILE");
ABSL_FLAG(bool, dry_run, false, "print the table, write nothing");
ABSL_FLAG(bool, show, false, "print the table recorded for this CPU and exit");
ABSL_FLAG(int, cpu, -1, "CPU to pin to (-1: the idlest allowed one)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("eros-calibrate [--full] [--out FILE] [--emit_cxx FILE]");
  eros::cli::parse_flags(argc, argv);
  std::string path = absl::GetFlag(FLAGS_out).empty() ? eros::copy::tuning_path() : absl::GetFlag(FLAGS_out);
  if (absl::GetFlag(FLAGS_show)) {
    eros::copy::Tuning t;
    std::string err;
    if (!eros::copy::load_tuning(path, &t, &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
    std::printf("%s%s", eros::copy::format_tuning(t, eros::copy::cpu_key(), path).c_str(), "");
    return 0;
  }
  int cpu = absl::GetFlag(FLAGS_cpu);
  if (cpu < 0) cpu = eros::copybench::idlest_cpu();
  eros::copy::CalibrateOptions o;
  o.quick = !absl::GetFlag(FLAGS_full);
  o.cpu = cpu;
  o.log = [](const std::string& s) { std::fprintf(stderr, "calibrate: %s\n", s.c_str()); };
  std::fprintf(stderr, "calibrate: CPU %s, key %s, pinned to CPU %d\n",
               eros::copy::cpu_model_name().c_str(), eros::copy::cpu_key().c_str(), cpu);
  eros::copy::Tuning t = eros::copy::calibrate(o);
  std::string note = absl::StrCat("eros-calibrate", o.quick ? "" : " --full", " on ",
                                  eros::copy::cpu_model_name());
  std::printf("%s", eros::copy::format_tuning(t, eros::copy::cpu_key(), note).c_str());
  if (!absl::GetFlag(FLAGS_emit_cxx).empty()) {
    std::ofstream out(absl::GetFlag(FLAGS_emit_cxx));
    out << eros::copy::tuning_to_cxx(t, eros::copy::cpu_key());
    if (!out) return 1;
    std::fprintf(stderr, "wrote %s\n", absl::GetFlag(FLAGS_emit_cxx).c_str());
  }
  if (absl::GetFlag(FLAGS_dry_run)) return 0;
  std::string err;
  if (!eros::copy::save_tuning(path, t, note, &err)) {
    std::fprintf(stderr, "eros-calibrate: %s\n", err.c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %s\n", path.c_str());
  return 0;
}
