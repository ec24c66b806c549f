// The hosted side of the copy tuning: the calibration (timing the block moves on this
// machine), the tuning file keyed by CPU model and feature flags, and start-up loading.
//
// File: $EROS_TUNING_FILE if set, else ${XDG_CACHE_HOME:-$HOME/.cache}/eros/
// copy-tuning-<key>.txt, where <key> names the CPU model and hashes its feature flags.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "copy/tuning.hpp"

namespace eros::copy {

// Load the table recorded for this CPU and install it; when there is none (or it is
// unreadable or stale), calibrate quickly (about a second), store it and install it.
// Returns false only when no table could be installed (the build default stays).
bool ensure_tuned();

// One-line JSON describing the tuning in force, for every result's environment block:
// {"key":..,"file":..,"source":"loaded|calibrated|calibrated-unsaved|default",...,
//  "hw_avoid":"4-31,4080"}.
std::string tuning_json();

// ---- lower-level pieces (eros-calibrate, eros-copybench, tests) ----

// "amd-epyc-f25-m17-s1-3fa9c2d1": model name, family/model/stepping, hash of flags.
std::string cpu_key();
std::string cpu_model_name();
// The path the table for this CPU is read from and written to.
std::string tuning_path();

struct CalibrateOptions {
  bool quick = true;                       // about a second; false: several seconds
  int cpu = -1;                            // pin to this CPU first (-1: the current one)
  std::function<void(const std::string&)> log;  // progress lines, may be empty
};

// Measures the variants and returns the table (does not install it).
Tuning calibrate(const CalibrateOptions& opts);

// Text form of a table (the tuning file); parse returns false on any malformed line or
// a key that does not match `expect_key` (empty: any).
std::string format_tuning(const Tuning& t, const std::string& key, const std::string& note);
bool parse_tuning(const std::string& text, Tuning* t, const std::string& expect_key,
                  std::string* error);
bool save_tuning(const std::string& path, const Tuning& t, const std::string& note,
                 std::string* error);
bool load_tuning(const std::string& path, Tuning* t, std::string* error);

// A C++ initializer for the freestanding build (-DEROS_COPY_TUNING_FILE=...).
std::string tuning_to_cxx(const Tuning& t, const std::string& key);

// "4-31,4080-4095": the classes the table keeps the hardware move away from.
std::string avoid_ranges(const Tuning& t);

// Records where the table in force came from (for tuning_json()).
void note_tuning_source(const std::string& source, const std::string& file);

}  // namespace eros::copy
