// Strict command lines for the hosted tools (see cli.hpp).
#include "bench/method/cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace eros::cli {

void usage_error(const char* program, const std::string& message) {
  std::fprintf(stderr, "%s: %s\nusage: %s\n", program, message.c_str(),
               std::string(absl::ProgramUsageMessage()).c_str());
  std::exit(2);
}

namespace {

std::string base_name(const char* path) {
  std::string s = path ? path : "?";
  const auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

// This program's own flags (not the ones Abseil and Google Benchmark define), sorted.
std::vector<absl::CommandLineFlag*> own_flags() {
  std::vector<absl::CommandLineFlag*> out;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string file = flag->Filename();
    if (!absl::StrContains(file, "absl/") && !flag->IsRetired()) out.push_back(flag);
  }
  std::sort(out.begin(), out.end(),
            [](auto* a, auto* b) { return a->Name() < b->Name(); });
  return out;
}

[[noreturn]] void help() {
  std::printf("usage: %s\n\nflags:\n", std::string(absl::ProgramUsageMessage()).c_str());
  for (absl::CommandLineFlag* f : own_flags())
    std::printf("  --%s  %s (default: %s)\n", std::string(f->Name()).c_str(), f->Help().c_str(),
                f->DefaultValue().empty() ? "\"\"" : f->DefaultValue().c_str());
  std::exit(0);
}

}  // namespace

void parse_flags(int argc, char** argv) {
  const std::string program = base_name(argv[0]);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h" || a == "--helpfull") help();
    if (a.size() < 3 || a.compare(0, 2, "--") != 0)
      usage_error(program.c_str(), absl::StrFormat("unexpected argument '%s'", a));
    a.erase(0, 2);
    const auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string value;
    if (flag == nullptr && eq == std::string::npos && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) {
        flag = negated;
        name = name.substr(2);
        value = "false";
      }
    } else if (flag != nullptr) {
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
      } else if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        usage_error(program.c_str(), absl::StrFormat("--%s needs a value", name));
      }
    }
    if (flag == nullptr || flag->IsRetired())
      usage_error(program.c_str(), absl::StrFormat("unknown flag --%s", name));
    std::string err;
    if (!flag->ParseFrom(value, &err))
      usage_error(program.c_str(), absl::StrFormat("--%s=%s: %s", name, value, err));
  }
}

std::uint64_t parse_number(const char* program, const char* flag, const char* text,
                           std::uint64_t min, std::uint64_t max) {
  if (text == nullptr || *text == '\0')
    usage_error(program, absl::StrFormat("%s needs a value", flag));
  if (*text == '-' || *text == '+' || *text == ' ')
    usage_error(program, absl::StrFormat("%s: '%s' is not a number", flag, text));
  const bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, hex ? 16 : 10);
  if (errno != 0 || end == text || *end != '\0')
    usage_error(program, absl::StrFormat("%s: '%s' is not a number", flag, text));
  if (v < min || v > max)
    usage_error(program, absl::StrFormat("%s: %s is outside %u..%u", flag, text, min, max));
  return v;
}

}  // namespace eros::cli
